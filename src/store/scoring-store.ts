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
import { KyselyScoringStore } from "./kysely-scoring-store.js";
import { SqliteScoringStore } from "./sqlite-scoring-store.js";
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
> & {
  seq: number;
};
export type QueuedEventRow = StoredEventRow;
/** A queued event as taking it off the queue needs it. */
export type QueuedRef = Pick<QueuedEventRow, "seq" | "contact_id" | "time_ms">;

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
  /**
   * Keeps these contacts from being merged away (deleted) until commit: a PostgreSQL key-share
   * lock, which waits for a merge under way; returns those that exist (and are now held).
   * Undefined on SQLite, where nothing needs holding (the transaction is the only writer).
   */
  holdContacts(ids: readonly string[]): Promise<Set<string> | undefined>;
  /** Inserts contacts that do not exist yet (by id or email); existing ones are left alone. */
  insertMissingContacts(rows: readonly Tables["contacts"][]): Promise<void>;
  /**
   * Inserts the events whose id is new and puts them in the score queue (on SQLite, storing them
   * queues them: migration 008); returns the seq of each event inserted, by event id.
   */
  insertQueuedEvents(rows: readonly EventRow[]): Promise<Map<string, number>>;
  /**
   * Claims up to `limit` queued events after seq `afterSeq`, oldest first, with their current
   * contact. On PostgreSQL the claim deletes the queue rows in the caller's transaction (they
   * come back if it rolls back) and skips rows another transaction holds, so parallel scorers
   * never claim one event twice. On SQLite, some may have been applied already (by another
   * connection, or before a crash): `takeQueued` tells.
   */
  claimQueued(limit: number, afterSeq?: number): Promise<QueuedEventRow[]>;
  /**
   * Which of these events are still queued, with their contact as stored now (merges move
   * events), by seq. On PostgreSQL they are this transaction's claim: all of them.
   */
  queuedContacts(seqs: readonly number[]): Promise<Map<number, string>>;
  /**
   * Removes these events from the queue (in the transaction that applies them) and returns those
   * that were still in it: another connection may have scored the others since they were read
   * (SQLite; on PostgreSQL the claim of this transaction already removed them, all are taken).
   * Those taken join their contact's applied events (contact_events). Each event's contact must
   * be its current one: read in this transaction, or with no merge committed since.
   */
  takeQueued(events: readonly QueuedRef[]): Promise<Set<number>>;
  /**
   * Every event up to `seq` is applied (a SQLite pass applied all it claimed, which were all the
   * events queued up to there): moves the implicit queue's watermark (migration 008), never back.
   * Nothing to do on PostgreSQL, whose queue is a table.
   */
  scoredThrough(seq: number): Promise<void>;
  /** Sets email, company and properties of existing contacts. */
  updateContacts(rows: readonly ContactUpdateRow[]): Promise<void>;
  writeStates(rows: readonly StateRow[]): Promise<void>;
  writeScores(rows: readonly ScoreRow[]): Promise<void>;
  appendHistory(rows: readonly HistoryRow[]): Promise<void>;
}

export { chunks } from "./rows.js";

const sqliteStores = new WeakMap<BetterSqlite3.Database, SqliteScoringStore>();

/** The SQLite store of this connection (its statements and memories live as long as it). */
export function sqliteStoreOf(sqlite: BetterSqlite3.Database): SqliteScoringStore {
  let store = sqliteStores.get(sqlite);
  if (!store) {
    store = new SqliteScoringStore(sqlite);
    sqliteStores.set(sqlite, store);
  }
  return store;
}

/** The store for a transaction of this database (on SQLite, one per connection: its statements stay prepared). */
export function scoringStore(database: Database, tx: Kysely<Tables>): ScoringStore {
  const sqlite = database.sqlite;
  if (!sqlite) return new KyselyScoringStore(tx);
  const store = sqliteStoreOf(sqlite);
  store.transaction = tx;
  return store;
}
