/** The scoring store on PostgreSQL: key arrays (`= any`) for reads, one array per column for bulk writes. */
import { type Kysely, sql } from "kysely";
import { anyOf, bulkInsert, type ColumnTypes } from "./pg-bulk.js";
import { chunks, groupEvents } from "./rows.js";
import type {
  ContactUpdateRow,
  EventRow,
  HistoryRow,
  QueuedEventRow,
  QueuedRef,
  ScoreRow,
  ScoringStore,
  StateRow,
} from "./scoring-store.js";
import type { Tables } from "./tables.js";

const STATE_TYPES: ColumnTypes<StateRow> = {
  contact_id: "text",
  model_key: "text",
  model_version: "integer",
  state: "text",
};

const SCORE_TYPES: ColumnTypes<ScoreRow> = {
  contact_id: "text",
  model_key: "text",
  model_version: "integer",
  total: "float8",
  dimensions: "text",
  band: "text",
  temperature: "text",
  fit_grade: "text",
  engagement_grade: "text",
  matrix: "text",
  mql: "integer",
  disqualified: "integer",
  as_of_ms: "bigint",
  updated_ms: "bigint",
};

const HISTORY_TYPES: ColumnTypes<HistoryRow> = {
  contact_id: "text",
  model_key: "text",
  model_version: "integer",
  at_ms: "bigint",
  as_of_ms: "bigint",
  cause: "text",
  detail: "text",
  total: "float8",
  previous_total: "float8",
  dimensions: "text",
  band: "text",
  temperature: "text",
  matrix: "text",
  mql: "integer",
  disqualified: "integer",
};

/** Keys per `= any(array)` read: one parameter whatever its length, so lists can be long. */
const ANY_LIST = 5000;

/** Rows per bulk statement: bounded, so one statement never carries megabytes. */
const BULK_ROWS = 2000;

/** PostgreSQL: key arrays for reads, one array per column for bulk writes. */
export class KyselyScoringStore implements ScoringStore {
  constructor(private readonly db: Kysely<Tables>) {}

  get transaction(): Kysely<Tables> {
    return this.db;
  }

  private async inList<R>(ids: readonly string[], run: (part: string[]) => Promise<R[]>): Promise<R[]> {
    const out: R[] = [];
    for (const part of chunks([...new Set(ids)], ANY_LIST)) out.push(...(await run(part)));
    return out;
  }

  contacts(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db
        .selectFrom("contacts")
        .select(["id", "email", "company_id", "properties"])
        .where(anyOf("id", part, "text"))
        .execute(),
    );
  }

  companies(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db
        .selectFrom("companies")
        .select(["id", "properties"])
        .where(anyOf("id", part, "text"))
        .execute(),
    );
  }

  states(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db
        .selectFrom("contact_states")
        .selectAll()
        .where(anyOf("contact_id", part, "text"))
        .execute(),
    );
  }

  scores(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db
        .selectFrom("scores")
        .selectAll()
        .where(anyOf("contact_id", part, "text"))
        .execute(),
    );
  }

  async events(ids: readonly string[]) {
    const rows = await this.inList(ids, (part) =>
      this.db
        .selectFrom("contact_events as c")
        .innerJoin("events as e", "e.seq", "c.seq")
        .select(["c.seq", "c.contact_id", "e.event_id", "e.type", "e.time_ms", "e.properties"])
        .where(anyOf("c.contact_id", part, "text"))
        .execute(),
    );
    return groupEvents(rows);
  }

  async claimQueued(limit: number, afterSeq = 0) {
    // PostgreSQL: claiming is taking off the queue, in the pass's transaction. The rows another
    // transaction holds are skipped; those taken stay deleted only if the pass commits. Locking
    // them (FOR UPDATE) and deleting them later wrote each queue row twice.
    // Two statements, each by primary key: as one (the delete in a CTE joined to `events`) the
    // planner sized the join by the limit and hashed the whole events table at every pass, even
    // for one event under single-event load.
    const taken = await sql<{ seq: number }>`delete from score_queue where seq = any(array(
        select seq from score_queue where seq > ${afterSeq} order by seq limit ${limit}
        for update skip locked)) returning seq`.execute(this.db);
    const seqs = taken.rows.map((row) => Number(row.seq)).sort((a, b) => a - b);
    const claimed: QueuedEventRow[] = [];
    for (const part of chunks(seqs, ANY_LIST))
      claimed.push(
        ...(await this.db
          .selectFrom("events")
          .select(["seq", "contact_id", "event_id", "type", "time_ms", "properties"])
          .where(anyOf("seq", part, "bigint"))
          .orderBy("seq")
          .execute()),
      );
    return claimed;
  }

  async queuedContacts(seqs: readonly number[]) {
    // The claim took them off the queue in this transaction: they are this pass's to apply.
    const out = new Map<number, string>();
    for (const part of chunks(seqs, ANY_LIST))
      for (const row of await this.db
        .selectFrom("events")
        .select(["seq", "contact_id"])
        .where(anyOf("seq", part, "bigint"))
        .execute())
        out.set(row.seq, row.contact_id);
    return out;
  }

  async takeQueued(events: readonly QueuedRef[]) {
    // Off the queue since the claim (same transaction): into the contact's applied events.
    for (const part of chunks(events, ANY_LIST))
      await this.db
        .insertInto("contact_events")
        .columns(["contact_id", "time_ms", "seq"])
        .expression((eb) =>
          eb
            .selectFrom("events")
            .select(["contact_id", "time_ms", "seq"])
            .where(
              anyOf(
                "seq",
                part.map((event) => event.seq),
                "bigint",
              ),
            ),
        )
        .execute();
    return new Set(events.map((event) => event.seq));
  }

  async holdContacts(ids: readonly string[]) {
    const held = new Set<string>();
    // Sorted, as every lock on contacts is taken, so that two transactions cannot deadlock.
    for (const part of chunks([...new Set(ids)].sort(), ANY_LIST)) {
      const rows = await this.db
        .selectFrom("contacts")
        .select("id")
        .where(anyOf("id", part, "text"))
        .orderBy("id")
        .forKeyShare()
        .execute();
      for (const row of rows) held.add(row.id);
    }
    return held;
  }

  async aliases(ids: readonly string[]) {
    const rows = await this.inList(ids, (part) =>
      this.db
        .selectFrom("contact_aliases")
        .select(["alias_id", "contact_id"])
        .where(anyOf("alias_id", part, "text"))
        .execute(),
    );
    return new Map(rows.map((row) => [row.alias_id, row.contact_id]));
  }

  async contactIdsByEmail(emails: readonly string[]) {
    const rows = await this.inList(emails, (part) =>
      this.db
        .selectFrom("contacts")
        .select(["id", "email"])
        .where(anyOf("email", part, "text"))
        .execute(),
    );
    return new Map(rows.flatMap((row) => (row.email ? [[row.email, row.id] as const] : [])));
  }

  async insertMissingContacts(rows: readonly Tables["contacts"][]) {
    // Sorted by the key that can conflict (the email of a contact first named by email: its id is
    // new and random), so two transactions inserting overlapping contacts lock them in one order.
    const key = (row: Tables["contacts"]) => row.email ?? row.id;
    const sorted = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    for (const part of chunks(sorted, 300)) {
      await this.db
        .insertInto("contacts")
        .values(part)
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }

  async insertQueuedEvents(rows: readonly EventRow[]) {
    const inserted = new Map<string, number>();
    const sorted = [...rows].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    for (const part of chunks(sorted, 500)) {
      // One round trip: the new events, and their queue rows from what the insert returned.
      const done = await this.db
        .with("inserted", (db) =>
          db
            .insertInto("events")
            .values(part)
            .onConflict((oc) => oc.column("event_id").doNothing())
            .returning(["event_id", "seq"]),
        )
        .with("queued", (db) =>
          db
            .insertInto("score_queue")
            .columns(["seq"])
            .expression((eb) => eb.selectFrom("inserted").select("inserted.seq"))
            .returning("seq"),
        )
        .selectFrom("inserted")
        .select(["inserted.event_id", "inserted.seq"])
        .execute();
      for (const row of done) inserted.set(row.event_id, Number(row.seq));
    }
    return inserted;
  }

  async scoredThrough(_seq: number) {}

  async updateContacts(rows: readonly ContactUpdateRow[]) {
    for (const row of rows) {
      await this.db
        .updateTable("contacts")
        .set({
          email: row.email,
          company_id: row.company_id,
          properties: row.properties,
          updated_ms: row.updated_ms,
        })
        .where("id", "=", row.id)
        .execute();
    }
  }

  async writeStates(rows: readonly StateRow[]) {
    for (const part of chunks(rows, BULK_ROWS))
      await bulkInsert(this.db, "contact_states", part, STATE_TYPES, {
        key: ["contact_id", "model_key"],
        update: ["model_version", "state"],
      });
  }

  async writeScores(rows: readonly ScoreRow[]) {
    const update = Object.keys(SCORE_TYPES).filter((c) => c !== "contact_id" && c !== "model_key");
    for (const part of chunks(rows, BULK_ROWS))
      await bulkInsert(this.db, "scores", part, SCORE_TYPES, { key: ["contact_id", "model_key"], update });
  }

  async appendHistory(rows: readonly HistoryRow[]) {
    for (const part of chunks(rows, BULK_ROWS))
      await bulkInsert(this.db, "score_history", part, HISTORY_TYPES);
  }
}
