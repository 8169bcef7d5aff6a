/**
 * The store as the service sees it: one object per database (or per transaction of it) whose
 * members are the queries of each feature. The service's features each declare, as a
 * TypeScript interface beside their code (their store port), the queries they need; these
 * classes match them. SQL and the differences between SQLite and PostgreSQL stay in here.
 */
import { type Kysely, sql } from "kysely";
import { ApiKeyQueries } from "./api-keys.js";
import { retryConflicts } from "./conflicts.js";
import type { Database, Dialect } from "./database.js";
import { lockContacts } from "./locks.js";
import { withUnsyncedCommits } from "./log-sync.js";
import { MergeCandidateQueries } from "./merge-candidates.js";
import { ModelQueries } from "./models.js";
import {
  contactRefKey,
  insertEventsOfKnownContacts,
  type KnownContactEvent,
  type KnownContactsIngest,
} from "./pg-ingest.js";
import { type ScoringStore, scoringStore } from "./scoring-store.js";
import type { Tables } from "./tables.js";

/** A contact by id, or by (normalised) email. */
type ContactRef = { contactId?: string | undefined; email?: string | undefined };

export class Store {
  readonly dialect: Dialect;
  readonly apiKeys: ApiKeyQueries;
  readonly mergeCandidates: MergeCandidateQueries;
  readonly models: ModelQueries;

  constructor(
    readonly database: Database,
    /** The connection queries run on: the database's pool, or one transaction. */
    protected readonly db: Kysely<Tables> = database.db,
  ) {
    this.dialect = database.dialect;
    this.apiKeys = new ApiKeyQueries(db);
    this.mergeCandidates = new MergeCandidateQueries(db);
    this.models = new ModelQueries(db);
  }

  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: TransactionStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((tx) => work(new TransactionStore(this.database, tx)));
  }

  /**
   * A transaction that PostgreSQL may abort for a deadlock or a serialization failure, run again
   * when it does (conflicts.ts): `work` must leave nothing behind when it throws.
   */
  retriedTransaction<T>(work: (tx: TransactionStore) => Promise<T>): Promise<T> {
    return retryConflicts(this.dialect, () => this.transaction(work));
  }

  /**
   * A transaction for a group commit of ingest. SQLite: its commit does not wait for the disk
   * (log-sync.ts); `syncLog` makes it durable later, while the next group commits.
   */
  unsyncedTransaction<T>(work: (tx: TransactionStore) => Promise<T>): Promise<T> {
    if (!this.database.logSync) return this.transaction(work);
    return withUnsyncedCommits(this.db, (db) =>
      db.transaction().execute((tx) => work(new TransactionStore(this.database, tx))),
    );
  }

  /** Whether `insertEventsOfKnownContacts` can store a group in one statement: PostgreSQL only. */
  get insertsKnownContactsAtOnce(): boolean {
    return this.dialect === "postgres";
  }

  /** Whether commits of `unsyncedTransaction` wait for `syncLog` to be durable (SQLite). */
  get syncsLogLater(): boolean {
    return this.database.logSync !== undefined;
  }

  /** Makes every commit made so far durable (SQLite's log sync); nothing to do otherwise. */
  async syncLog(): Promise<void> {
    await this.database.logSync?.sync();
  }

  /**
   * PostgreSQL, when every contact named exists: the events stored in one statement
   * (pg-ingest.ts). Undefined when one does not, and always on SQLite: the caller's general
   * path follows. `refs`: the contact of every event of the group, duplicates included, in
   * order; the contact ids answered are in that order. `events` name their contact by `ref`.
   */
  async insertEventsOfKnownContacts(
    refs: readonly ContactRef[],
    events: ReadonlyArray<Omit<KnownContactEvent, "contact_ref"> & { ref: ContactRef }>,
  ): Promise<{ contactIds: string[]; inserted: Map<string, number> } | undefined> {
    if (this.dialect !== "postgres") return undefined;
    const keys = refs.map(contactRefKey);
    const known: KnownContactsIngest | undefined = await insertEventsOfKnownContacts(
      this.db,
      keys,
      events.map(({ ref, ...event }) => ({ ...event, contact_ref: contactRefKey(ref) })),
    );
    if (!known) return undefined;
    // Every ref resolved (else `known` is undefined).
    return { contactIds: keys.map((key) => known.contactOf.get(key) as string), inserted: known.inserted };
  }

  /** Runs `work` again when PostgreSQL aborted it for a deadlock or a serialization failure. */
  retryConflicts<T>(work: () => Promise<T>): Promise<T> {
    return retryConflicts(this.dialect, work);
  }

  /** Answers when the database does (readiness). */
  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  /** PostgreSQL with autovacuum off (the tables Leadscore rewrites would bloat); false on SQLite. */
  async autovacuumOff(): Promise<boolean> {
    if (this.dialect !== "postgres") return false;
    const setting = await sql<{ autovacuum: string }>`show autovacuum`.execute(this.db);
    return setting.rows[0]?.autovacuum === "off";
  }

  /** A page of contact ids in id order, after `after` (keyset paging). */
  async contactIdsAfter(after: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom("contacts")
      .select("id")
      .where("id", ">", after)
      .orderBy("id")
      .limit(limit)
      .execute();
    return rows.map((row) => row.id);
  }

  async countContacts(): Promise<number> {
    const row = await this.db
      .selectFrom("contacts")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Every event type stored, with its number of events, by type. */
  async eventTypeCounts(): Promise<Array<{ type: string; events: number }>> {
    const rows = await this.db
      .selectFrom("events")
      .select(["type", sql<number | string>`count(*)`.as("events")])
      .groupBy("type")
      .orderBy("type")
      .execute();
    return rows.map((row) => ({ type: row.type, events: Number(row.events) }));
  }
}

/** The store inside one transaction: the same queries, and those that only make sense in one. */
export class TransactionStore extends Store {
  /** The scoring hot path's reads and writes (scoring-store.ts), in this transaction. */
  get scoring(): ScoringStore {
    return scoringStore(this.database, this.db);
  }

  /**
   * Row locks on contacts until commit (PostgreSQL; SQLite has one writer at a time): `write`
   * for a score or property change, `delete` for a merge (locks.ts).
   */
  lockContacts(ids: readonly string[], purpose: "write" | "delete" = "write"): Promise<void> {
    return lockContacts(this.db, this.dialect, ids, purpose);
  }
}
