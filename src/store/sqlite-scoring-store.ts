/** The scoring store on SQLite: cached one-row statements on the better-sqlite3 connection. */

import { randomInt } from "node:crypto";
import type BetterSqlite3 from "better-sqlite3";
import type { Kysely } from "kysely";
import { EventIdMemory } from "./event-id-memory.js";
import { loadEventIds, saveEventIds } from "./event-id-snapshot.js";
import { EVENT_IDS_WRITER } from "./migrations/009-event-ids-in-memory.js";
import { groupEvents } from "./rows.js";
import type {
  ContactRow,
  ContactUpdateRow,
  EventRow,
  HistoryRow,
  QueuedEventRow,
  QueuedRef,
  ScoreRow,
  ScoringStore,
  StateRow,
  StoredEventRow,
} from "./scoring-store.js";
import type { Tables } from "./tables.js";

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

/** Most contact ids remembered as existing; past it the memory starts again. */
const KNOWN_CONTACTS_LIMIT = 500_000;

/** SQLite: cached one-row statements on the better-sqlite3 connection. */
export class SqliteScoringStore implements ScoringStore {
  private readonly cache = new Map<string, BetterSqlite3.Statement>();

  /** Set by `scoringStore` for each transaction (one connection: one transaction at a time). */
  transaction!: Kysely<Tables>;

  /**
   * Contact ids seen to exist, as of `knownMoves` merges (the `event_moves` counter). Only a
   * merge deletes a contact, and it makes the merged id an alias and bumps the counter in the
   * same transaction; an existing contact is never an alias. So while the counter stays the
   * same, an id seen to exist still does and has no alias, and ingest can skip both look-ups
   * for it (they were a tenth of the serving thread's time under batched load). The counter is
   * read again in each transaction that uses the memory, under the write lock: a merge
   * committed by any connection or process empties it.
   */
  private readonly knownContacts = new Set<string>();
  private knownMoves = Number.NaN;
  private knownCheckedIn: Kysely<Tables> | undefined;

  /** Ids of stored events (store/event-id-memory.ts), built on the first insert. */
  private eventIds: EventIdMemory | undefined;
  /** The memory holds every event up to this seq. */
  private eventIdsThrough = 0;
  /** The events of the last insert, until its transaction is known to have committed. */
  private unconfirmed:
    | { transaction: Kysely<Tables>; token: number; added: Map<string, number>; lastSeq: number }
    | undefined;

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
        "select c.seq, c.contact_id, e.event_id, e.type, e.time_ms, e.properties from contact_events c join events e on e.seq = c.seq where c.contact_id = ? order by c.time_ms, e.event_id",
        ids,
      ),
    );
  }

  async claimQueued(limit: number, afterSeq = 0) {
    // The implicit queue (migration 008), read in seq order from the watermark (or `afterSeq`).
    // Events past the watermark are nearly all unapplied (those applied are a pass cut short, or
    // one of another connection still running): rather than look each one up in contact_events
    // here, the slice that takes them finds out (`takeQueued`).
    return this.statement(
      `select seq, contact_id, event_id, type, time_ms, properties from events
       where seq > max(?, (select value from counters where name = 'scored_through'))
       order by seq limit ?`,
    ).all(afterSeq, limit) as QueuedEventRow[];
  }

  async queuedContacts(seqs: readonly number[]) {
    const statement = this.statement(
      "select e.contact_id from score_queue q join events e on e.seq = q.seq where q.seq = ?",
    ).pluck();
    const out = new Map<number, string>();
    for (const seq of seqs) {
      const contactId = statement.get(seq) as string | undefined;
      if (contactId !== undefined) out.set(seq, contactId);
    }
    return out;
  }

  async takeQueued(events: readonly QueuedRef[]) {
    // Applying an event is adding it to its contact's index: an entry already there means that
    // another connection applied it since it was read.
    const index = this.statement(
      "insert into contact_events (contact_id, time_ms, seq) values (?, ?, ?) on conflict do nothing",
    );
    const taken = new Set<number>();
    for (const event of events)
      if (index.run(event.contact_id, event.time_ms, event.seq).changes === 1) taken.add(event.seq);
    return taken;
  }

  async scoredThrough(seq: number) {
    this.statement("update counters set value = max(value, ?) where name = 'scored_through'").run(seq);
  }

  /** The memory of existing contacts, checked against merges once per transaction. */
  private known(): Set<string> {
    // Outside a transaction (no caller does that today) every call checks again.
    if (this.knownCheckedIn !== this.transaction || !this.transaction.isTransaction) {
      this.knownCheckedIn = this.transaction;
      const moves = this.statement("select value from counters where name = 'event_moves'")
        .pluck()
        .get() as number;
      if (moves !== this.knownMoves || this.knownContacts.size > KNOWN_CONTACTS_LIMIT) {
        this.knownContacts.clear();
        this.knownMoves = moves;
      }
    }
    return this.knownContacts;
  }

  async aliases(ids: readonly string[]) {
    const known = this.known();
    const rows = this.each<{ alias_id: string; contact_id: string }>(
      "select alias_id, contact_id from contact_aliases where alias_id = ?",
      known.size === 0 ? ids : ids.filter((id) => !known.has(id)),
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

  async holdContacts(_ids: readonly string[]) {
    return undefined;
  }

  async insertMissingContacts(rows: readonly Tables["contacts"][]) {
    const statement = this.statement(
      "insert into contacts (id, email, company_id, properties, created_ms, updated_ms) values (@id, @email, @company_id, @properties, @created_ms, @updated_ms) on conflict do nothing",
    );
    // Nearly every event names a contact that exists: a read is cheaper than a refused insert,
    // and no read at all for one seen before. A contact inserted here is not remembered (a
    // rollback would undo it); one created earlier in this transaction for an unknown email
    // may be, which is harmless: its id is random and nothing names it after a rollback.
    const exists = this.statement("select 1 from contacts where id = ?").pluck();
    const known = this.known();
    for (const row of rows) {
      if (known.has(row.id)) continue;
      if (exists.get(row.id) === undefined) statement.run(row);
      else known.add(row.id);
    }
  }

  /**
   * The ids of stored events, brought up to date under the write lock: everything committed
   * since it last looked, by any connection or process, is read from the events table (in seq
   * order from `eventIdsThrough`), except the events of this store's own last insert, which are
   * added without reading them again once its transaction is known to have committed.
   */
  private eventIdsNow(): EventIdMemory {
    this.eventIds ??= new EventIdMemory();
    const memory = this.eventIds;
    const unconfirmed = this.unconfirmed;
    // Its transaction has ended when another one runs, or none.
    if (unconfirmed && (unconfirmed.transaction !== this.transaction || !this.sqlite.inTransaction)) {
      this.unconfirmed = undefined;
      const writer = this.statement("select value from counters where name = ?")
        .pluck()
        .get(EVENT_IDS_WRITER);
      // Its token still there: that transaction committed, and no one has added events since.
      if (writer === unconfirmed.token) {
        for (const [id, seq] of unconfirmed.added) memory.add(id, seq);
        this.eventIdsThrough = unconfirmed.lastSeq;
      }
    }
    // In chunks: better-sqlite3 returns rows faster by `all` than one at a time by `iterate`.
    const since = this.statement(
      "select seq, event_id from events where seq > ? order by seq limit 50000",
    ).raw();
    for (;;) {
      const rows = since.all(this.eventIdsThrough) as Array<[number, string]>;
      for (const [seq, id] of rows) memory.add(id, seq);
      if (rows.length === 0) break;
      this.eventIdsThrough = rows[rows.length - 1][0];
    }
    return memory;
  }

  /**
   * Builds (or brings up to date) the memory of stored event ids: done at start, not by the
   * first request. `savedFile` (event-id-snapshot.ts) spares reading every id when it is still
   * true of this database: the event at its seq still has the id it had.
   */
  rememberStoredEvents(savedFile?: string): { events: number; bytes: number; from: string } {
    let from = "the events table";
    if (!this.eventIds && savedFile) {
      const saved = loadEventIds(savedFile);
      if ("unusable" in saved) from = `the events table (saved ids: ${saved.unusable})`;
      else if (saved.throughSeq > 0 && this.storedIdAt(saved.throughSeq) !== saved.idAtSeq)
        from = `the events table (saved ids: of another database, or of a newer copy of this one)`;
      else {
        this.eventIds = saved.memory;
        this.eventIdsThrough = saved.throughSeq;
        from = `${savedFile} (through seq ${saved.throughSeq}), then the events after it`;
      }
    }
    const memory = this.eventIdsNow();
    return { events: memory.size, bytes: memory.bytes, from };
  }

  /** Saves the memory of stored event ids to `file`, for the next start; false when there is none. */
  saveEventIds(file: string): boolean {
    if (!this.eventIds) return false;
    if (!this.sqlite.inTransaction) this.eventIdsNow();
    const idAtSeq = this.eventIdsThrough > 0 ? this.storedIdAt(this.eventIdsThrough) : "";
    if (idAtSeq === undefined) return false;
    saveEventIds(file, { memory: this.eventIds, throughSeq: this.eventIdsThrough, idAtSeq });
    return true;
  }

  private storedIdAt(seq: number): string | undefined {
    return this.statement("select event_id from events where seq = ?").pluck().get(seq) as string | undefined;
  }

  /** What the memory of stored event ids holds, as of its last update (none before the first insert). */
  get eventIdMemory(): { events: number; bytes: number } {
    return { events: this.eventIds?.size ?? 0, bytes: this.eventIds?.bytes ?? 0 };
  }

  async insertQueuedEvents(rows: readonly EventRow[]) {
    // Outside a transaction, another writer could add an id between the check and the insert.
    if (!this.sqlite.inTransaction) throw new Error("events are inserted in a write transaction");
    const memory = this.eventIdsNow();
    const insert = this.statement(
      "insert into events (event_id, contact_id, type, time_ms, properties, received_ms) values (@event_id, @contact_id, @type, @time_ms, @properties, @received_ms)",
    );
    const storedIdAt = (seq: number) => this.storedIdAt(seq);
    // Inserted earlier in this same transaction: not in the memory until it commits.
    const added = this.unconfirmed?.added ?? new Map<string, number>();
    const inserted = new Map<string, number>();
    let lastSeq = 0;
    for (const row of rows) {
      if (added.has(row.event_id) || memory.has(row.event_id, storedIdAt)) continue;
      lastSeq = Number(insert.run(row).lastInsertRowid);
      inserted.set(row.event_id, lastSeq);
      added.set(row.event_id, lastSeq);
    }
    if (inserted.size > 0) {
      // A token of this insert, committed with it: the next insert reads it back to know that
      // these events are stored and that no other writer came in between.
      const token = randomInt(1, 2 ** 47);
      this.statement("update counters set value = ? where name = ?").run(token, EVENT_IDS_WRITER);
      this.unconfirmed = { transaction: this.transaction, token, added, lastSeq };
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
