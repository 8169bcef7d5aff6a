/**
 * The reads and writes of the scoring hot path (ingest, rescoring), behind one interface with
 * two implementations. On PostgreSQL, few round trips matter: IN lists and multi-row
 * statements through Kysely. On SQLite, which runs in-process, preparing a statement costs more
 * than running it: one-row statements, prepared once and cached, run per row. Both run inside
 * the caller's transaction (on SQLite the Kysely transaction holds the one connection these
 * statements use).
 */
import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { Tables } from "./tables.js";

export type ContactRow = Pick<Tables["contacts"], "id" | "email" | "company_id" | "properties">;
export type ContactUpdateRow = ContactRow & Pick<Tables["contacts"], "updated_ms">;
export type StateRow = Tables["contact_states"];
export type ScoreRow = Tables["scores"];
export type HistoryRow = Omit<Tables["score_history"], "seq">;
export type EventRow = Omit<Tables["events"], "seq">;
export type StoredEventRow = Pick<
  Tables["events"],
  "contact_id" | "event_id" | "type" | "time_ms" | "properties"
>;
export type QueuedEventRow = StoredEventRow & { seq: number };

export interface ScoringStore {
  /** The caller's transaction, for the writes that ride along with scoring (alerts). */
  readonly transaction: Kysely<Tables>;
  contacts(ids: readonly string[]): Promise<ContactRow[]>;
  companies(ids: readonly string[]): Promise<Array<{ id: string; properties: string }>>;
  states(ids: readonly string[]): Promise<StateRow[]>;
  scores(ids: readonly string[]): Promise<ScoreRow[]>;
  /**
   * Every stored event of these contacts that is not waiting in the score queue, by contact,
   * sorted by time then id: what a state rebuilt from scratch holds (queued events are applied
   * by whoever claims them, on top of it).
   */
  events(ids: readonly string[]): Promise<Map<string, StoredEventRow[]>>;
  aliases(ids: readonly string[]): Promise<Map<string, string>>;
  contactIdsByEmail(emails: readonly string[]): Promise<Map<string, string>>;
  /** Inserts contacts that do not exist yet (by id or email); existing ones are left alone. */
  insertMissingContacts(rows: readonly Tables["contacts"][]): Promise<void>;
  /** Inserts events whose id is new; returns the seq of each event inserted, by event id. */
  insertEvents(rows: readonly EventRow[]): Promise<Map<string, number>>;
  /** Puts stored events in the score queue. */
  enqueue(seqs: readonly number[]): Promise<void>;
  /**
   * Claims up to `limit` queued events, oldest first, with their current contact. On
   * PostgreSQL the queue rows stay locked until commit and rows another transaction holds are
   * skipped, so parallel scorers never claim one event twice.
   */
  claimQueued(limit: number): Promise<QueuedEventRow[]>;
  /** The events of these queue rows as stored now (their contact may have changed by a merge). */
  queuedEvents(seqs: readonly number[]): Promise<QueuedEventRow[]>;
  /** Removes applied events from the queue (in the transaction that applied them). */
  dequeue(seqs: readonly number[]): Promise<void>;
  /** Sets email, company and properties of existing contacts. */
  updateContacts(rows: readonly ContactUpdateRow[]): Promise<void>;
  writeStates(rows: readonly StateRow[]): Promise<void>;
  writeScores(rows: readonly ScoreRow[]): Promise<void>;
  appendHistory(rows: readonly HistoryRow[]): Promise<void>;
}

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

const IN_LIST = 500;

function groupEvents(rows: StoredEventRow[]): Map<string, StoredEventRow[]> {
  const byContact = new Map<string, StoredEventRow[]>();
  for (const row of rows) {
    const list = byContact.get(row.contact_id);
    if (list) list.push(row);
    else byContact.set(row.contact_id, [row]);
  }
  for (const list of byContact.values()) {
    list.sort(
      (a, b) => a.time_ms - b.time_ms || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0),
    );
  }
  return byContact;
}

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

const SCORE_COLUMNS = [
  "contact_id",
  "model_key",
  "model_version",
  "total",
  "dimensions",
  "band",
  "temperature",
  "fit_grade",
  "engagement_grade",
  "matrix",
  "mql",
  "disqualified",
  "as_of_ms",
  "updated_ms",
] as const;

const HISTORY_COLUMNS = [
  "contact_id",
  "model_key",
  "model_version",
  "at_ms",
  "as_of_ms",
  "cause",
  "detail",
  "total",
  "previous_total",
  "dimensions",
  "band",
  "temperature",
  "matrix",
  "mql",
  "disqualified",
] as const;

const placeholders = (columns: readonly string[]) => columns.map((c) => `@${c}`).join(", ");

/** SQLite: cached one-row statements on the better-sqlite3 connection. */
export class SqliteScoringStore implements ScoringStore {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  /** Set by `scoringStore` for each transaction (one connection: one transaction at a time). */
  transaction!: Kysely<Tables>;

  constructor(private readonly sqlite: BetterSqlite3.Database) {}

  private statement(sql: string): BetterSqlite3.Statement {
    let statement = this.cache.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.cache.set(sql, statement);
    }
    return statement;
  }

  private each<R>(sql: string, keys: readonly string[]): R[] {
    const statement = this.statement(sql);
    const out: R[] = [];
    for (const key of new Set(keys)) for (const row of statement.all(key) as R[]) out.push(row);
    return out;
  }

  async contacts(ids: readonly string[]) {
    return this.each<ContactRow>("select id, email, company_id, properties from contacts where id = ?", ids);
  }

  async companies(ids: readonly string[]) {
    return this.each<{ id: string; properties: string }>(
      "select id, properties from companies where id = ?",
      ids,
    );
  }

  async states(ids: readonly string[]) {
    return this.each<StateRow>("select * from contact_states where contact_id = ?", ids);
  }

  async scores(ids: readonly string[]) {
    return this.each<ScoreRow>("select * from scores where contact_id = ?", ids);
  }

  async events(ids: readonly string[]) {
    return groupEvents(
      this.each<StoredEventRow>(
        "select contact_id, event_id, type, time_ms, properties from events e where contact_id = ? and not exists (select 1 from score_queue q where q.seq = e.seq) order by time_ms, event_id",
        ids,
      ),
    );
  }

  async enqueue(seqs: readonly number[]) {
    const statement = this.statement("insert into score_queue (seq) values (?)");
    for (const seq of seqs) statement.run(seq);
  }

  async claimQueued(limit: number) {
    return this.statement(
      "select e.seq, e.contact_id, e.event_id, e.type, e.time_ms, e.properties from score_queue q join events e on e.seq = q.seq order by q.seq limit ?",
    ).all(limit) as QueuedEventRow[];
  }

  async queuedEvents(seqs: readonly number[]) {
    const statement = this.statement(
      "select seq, contact_id, event_id, type, time_ms, properties from events where seq = ?",
    );
    const out: QueuedEventRow[] = [];
    for (const seq of seqs) {
      const row = statement.get(seq) as QueuedEventRow | undefined;
      if (row) out.push(row);
    }
    return out;
  }

  async dequeue(seqs: readonly number[]) {
    const statement = this.statement("delete from score_queue where seq = ?");
    for (const seq of seqs) statement.run(seq);
  }

  async aliases(ids: readonly string[]) {
    const rows = this.each<{ alias_id: string; contact_id: string }>(
      "select alias_id, contact_id from contact_aliases where alias_id = ?",
      ids,
    );
    return new Map(rows.map((row) => [row.alias_id, row.contact_id]));
  }

  async contactIdsByEmail(emails: readonly string[]) {
    const rows = this.each<{ id: string; email: string }>(
      "select id, email from contacts where email = ?",
      emails,
    );
    return new Map(rows.map((row) => [row.email, row.id]));
  }

  async insertMissingContacts(rows: readonly Tables["contacts"][]) {
    const statement = this.statement(
      "insert into contacts (id, email, company_id, properties, created_ms, updated_ms) values (@id, @email, @company_id, @properties, @created_ms, @updated_ms) on conflict do nothing",
    );
    for (const row of rows) statement.run(row);
  }

  async insertEvents(rows: readonly EventRow[]) {
    const statement = this.statement(
      "insert into events (event_id, contact_id, type, time_ms, properties, received_ms) values (@event_id, @contact_id, @type, @time_ms, @properties, @received_ms) on conflict (event_id) do nothing",
    );
    const inserted = new Map<string, number>();
    for (const row of rows) {
      const result = statement.run(row);
      if (result.changes === 1) inserted.set(row.event_id, Number(result.lastInsertRowid));
    }
    return inserted;
  }

  async updateContacts(rows: readonly ContactUpdateRow[]) {
    const statement = this.statement(
      "update contacts set email = @email, company_id = @company_id, properties = @properties, updated_ms = @updated_ms where id = @id",
    );
    for (const row of rows)
      statement.run({
        id: row.id,
        email: row.email,
        company_id: row.company_id,
        properties: row.properties,
        updated_ms: row.updated_ms,
      });
  }

  async writeStates(rows: readonly StateRow[]) {
    const statement = this.statement(
      "insert into contact_states (contact_id, model_key, model_version, state) values (@contact_id, @model_key, @model_version, @state) on conflict (contact_id, model_key) do update set model_version = excluded.model_version, state = excluded.state",
    );
    for (const row of rows) statement.run(row);
  }

  async writeScores(rows: readonly ScoreRow[]) {
    const updates = SCORE_COLUMNS.slice(2)
      .map((c) => `${c} = excluded.${c}`)
      .join(", ");
    const statement = this.statement(
      `insert into scores (${SCORE_COLUMNS.join(", ")}) values (${placeholders(SCORE_COLUMNS)}) on conflict (contact_id, model_key) do update set ${updates}`,
    );
    for (const row of rows) statement.run(row);
  }

  async appendHistory(rows: readonly HistoryRow[]) {
    const statement = this.statement(
      `insert into score_history (${HISTORY_COLUMNS.join(", ")}) values (${placeholders(HISTORY_COLUMNS)})`,
    );
    for (const row of rows) statement.run(row);
  }
}

const sqliteStores = new WeakMap<BetterSqlite3.Database, SqliteScoringStore>();

/** The store for a transaction of this database (on SQLite, one per connection: its statements stay prepared). */
export function scoringStore(database: Database, tx: Kysely<Tables>): ScoringStore {
  const sqlite = database.sqlite;
  if (!sqlite) return new KyselyScoringStore(tx);
  let store = sqliteStores.get(sqlite);
  if (!store) {
    store = new SqliteScoringStore(sqlite);
    sqliteStores.set(sqlite, store);
  }
  store.transaction = tx;
  return store;
}
