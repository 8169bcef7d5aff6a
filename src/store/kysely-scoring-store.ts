/** The scoring store on PostgreSQL (and any Kysely backend): IN lists and multi-row statements. */
import type { Kysely } from "kysely";
import { chunks, groupEvents, IN_LIST } from "./rows.js";
import type {
  ContactRow,
  EventRow,
  HistoryRow,
  QueuedEventRow,
  ScoreRow,
  ScoringStore,
  StateRow,
} from "./scoring-store.js";
import type { Tables } from "./tables.js";

/** PostgreSQL (and any Kysely backend): IN lists and multi-row statements. */
export class KyselyScoringStore implements ScoringStore {
  constructor(private readonly db: Kysely<Tables>) {}

  get transaction(): Kysely<Tables> {
    return this.db;
  }

  private async inList<R>(ids: readonly string[], run: (part: string[]) => Promise<R[]>): Promise<R[]> {
    const out: R[] = [];
    for (const part of chunks([...new Set(ids)], IN_LIST)) out.push(...(await run(part)));
    return out;
  }

  contacts(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db
        .selectFrom("contacts")
        .select(["id", "email", "company_id", "properties"])
        .where("id", "in", part)
        .execute(),
    );
  }

  companies(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db.selectFrom("companies").select(["id", "properties"]).where("id", "in", part).execute(),
    );
  }

  states(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db.selectFrom("contact_states").selectAll().where("contact_id", "in", part).execute(),
    );
  }

  scores(ids: readonly string[]) {
    return this.inList(ids, (part) =>
      this.db.selectFrom("scores").selectAll().where("contact_id", "in", part).execute(),
    );
  }

  async events(ids: readonly string[]) {
    const rows = await this.inList(ids, (part) =>
      this.db
        .selectFrom("events")
        .select(["contact_id", "event_id", "type", "time_ms", "properties"])
        .where("contact_id", "in", part)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom("score_queue").select("seq").whereRef("score_queue.seq", "=", "events.seq"))),
        )
        .execute(),
    );
    return groupEvents(rows);
  }

  async enqueue(seqs: readonly number[]) {
    for (const part of chunks(seqs, 1000))
      await this.db
        .insertInto("score_queue")
        .values(part.map((seq) => ({ seq })))
        .execute();
  }

  async claimQueued(limit: number) {
    const claimed = await this.db
      .selectFrom("score_queue")
      .select("seq")
      .orderBy("seq")
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return this.queuedEvents(claimed.map((row) => row.seq));
  }

  async queuedEvents(seqs: readonly number[]) {
    const rows: QueuedEventRow[] = [];
    for (const part of chunks(seqs, IN_LIST))
      rows.push(
        ...(await this.db
          .selectFrom("events")
          .select(["seq", "contact_id", "event_id", "type", "time_ms", "properties"])
          .where("seq", "in", part)
          .execute()),
      );
    return rows;
  }

  async dequeue(seqs: readonly number[]) {
    for (const part of chunks(seqs, IN_LIST))
      await this.db.deleteFrom("score_queue").where("seq", "in", part).execute();
  }

  async aliases(ids: readonly string[]) {
    const rows = await this.inList(ids, (part) =>
      this.db
        .selectFrom("contact_aliases")
        .select(["alias_id", "contact_id"])
        .where("alias_id", "in", part)
        .execute(),
    );
    return new Map(rows.map((row) => [row.alias_id, row.contact_id]));
  }

  async contactIdsByEmail(emails: readonly string[]) {
    const rows = await this.inList(emails, (part) =>
      this.db.selectFrom("contacts").select(["id", "email"]).where("email", "in", part).execute(),
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

  async insertEvents(rows: readonly EventRow[]) {
    const inserted = new Map<string, number>();
    const sorted = [...rows].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
    for (const part of chunks(sorted, 500)) {
      const done = await this.db
        .insertInto("events")
        .values(part)
        .onConflict((oc) => oc.column("event_id").doNothing())
        .returning(["event_id", "seq"])
        .execute();
      for (const row of done) inserted.set(row.event_id, row.seq);
    }
    return inserted;
  }

  async updateContacts(rows: readonly ContactRow[]) {
    for (const row of rows) {
      await this.db
        .updateTable("contacts")
        .set({
          email: row.email,
          company_id: row.company_id,
          properties: row.properties,
          updated_ms: Date.now(),
        })
        .where("id", "=", row.id)
        .execute();
    }
  }

  async writeStates(rows: readonly StateRow[]) {
    for (const part of chunks(rows, 500)) {
      await this.db
        .insertInto("contact_states")
        .values(part)
        .onConflict((oc) =>
          oc.columns(["contact_id", "model_key"]).doUpdateSet((eb) => ({
            model_version: eb.ref("excluded.model_version"),
            state: eb.ref("excluded.state"),
          })),
        )
        .execute();
    }
  }

  async writeScores(rows: readonly ScoreRow[]) {
    for (const part of chunks(rows, 300)) {
      await this.db
        .insertInto("scores")
        .values(part)
        .onConflict((oc) =>
          oc.columns(["contact_id", "model_key"]).doUpdateSet((eb) => ({
            model_version: eb.ref("excluded.model_version"),
            total: eb.ref("excluded.total"),
            dimensions: eb.ref("excluded.dimensions"),
            band: eb.ref("excluded.band"),
            temperature: eb.ref("excluded.temperature"),
            fit_grade: eb.ref("excluded.fit_grade"),
            engagement_grade: eb.ref("excluded.engagement_grade"),
            matrix: eb.ref("excluded.matrix"),
            mql: eb.ref("excluded.mql"),
            disqualified: eb.ref("excluded.disqualified"),
            as_of_ms: eb.ref("excluded.as_of_ms"),
            updated_ms: eb.ref("excluded.updated_ms"),
          })),
        )
        .execute();
    }
  }

  async appendHistory(rows: readonly HistoryRow[]) {
    for (const part of chunks(rows, 200)) await this.db.insertInto("score_history").values(part).execute();
  }
}
