/**
 * Event ingest: validated events are grouped (requests read in one turn of the event loop share
 * a transaction), stored with their contact, and put in the score queue; the answer goes out
 * once that transaction is committed and on disk (on SQLite, once the log sync that followed
 * the commit has finished: log-sync.ts), i.e. once the events are durable. Scoring happens next,
 * in the scorer (scorer.ts), so a request never waits for it.
 */
import type { Kysely } from "kysely";
import { retryConflicts } from "../../store/conflicts.js";
import type { Database } from "../../store/database.js";
import { withUnsyncedCommits } from "../../store/log-sync.js";
import { contactRefKey, insertEventsOfKnownContacts } from "../../store/pg-ingest.js";
import { type EventRow, scoringStore } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import { type ContactRef, normaliseEmail, resolveContacts } from "../identity/identity.js";

export interface IncomingEvent extends ContactRef {
  id: string;
  type: string;
  timeMs: number;
  properties: Record<string, unknown>;
}

export interface IngestResult {
  /** Events stored by this request. */
  accepted: number;
  /** Events whose id was already stored (or repeated in the request): not counted again. */
  duplicates: number;
  /** The contact each event was attributed to, in request order. */
  contactIds: string[];
  /** Per event: true when it was new. */
  stored: boolean[];
  /** The queue positions of the events stored (to wait until they are scored). */
  seqs: number[];
}

interface Pending {
  events: IncomingEvent[];
  resolve: (result: IngestResult) => void;
  reject: (error: unknown) => void;
}

/** What a commit stored: each event's contact (request order) and the seq of each new event. */
interface Stored {
  contactIds: string[];
  inserted: Map<string, number>;
}

export interface IngestStats {
  events: number;
  duplicates: number;
  commits: number;
  /** Group commits that failed and were retried request by request. */
  groupRetries: number;
}

export class EventIngestor {
  private queue: Pending[] = [];
  private queuedEvents = 0;
  private flushing = 0;
  /** Groups committed, waiting for their log sync before they are answered. */
  private syncing = 0;
  readonly stats: IngestStats = { events: 0, duplicates: 0, commits: 0, groupRetries: 0 };

  constructor(
    private readonly database: Database,
    /** Parallel flushes: 1 on SQLite (one writer), a few on PostgreSQL. */
    private readonly concurrency: number,
    /** Upper bound of events in one transaction. */
    private readonly maxGroup = 5000,
    private readonly clock: () => number,
    /** Called after each commit: the scorer has new queued events. */
    private readonly onStored: () => void = () => undefined,
  ) {}

  ingest(events: IncomingEvent[]): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ events, resolve, reject });
      this.queuedEvents += events.length;
      // After the requests this turn of the event loop reads: they share the commit.
      setImmediate(() => this.kick());
    });
  }

  /** Resolves once everything queued so far is committed and answered (graceful shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.flushing > 0 || this.syncing > 0)
      await new Promise((r) => setTimeout(r, 5));
  }

  private kick(): void {
    while (this.flushing < this.concurrency && this.queue.length > 0) {
      const group: Pending[] = [];
      let size = 0;
      while (
        this.queue.length > 0 &&
        (group.length === 0 || size + this.queue[0].events.length <= this.maxGroup)
      ) {
        const next = this.queue.shift() as Pending;
        size += next.events.length;
        group.push(next);
      }
      this.queuedEvents -= size;
      this.flushing++;
      this.flush(group)
        .catch(() => undefined)
        .finally(() => {
          this.flushing--;
          this.kick();
        });
    }
  }

  /**
   * Commits a group, then answers it once durable. On SQLite the commit does not wait for the
   * disk (log-sync.ts): the next group commits while this one's log sync runs.
   */
  private async flush(group: Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.commit(group.map((p) => p.events));
      this.stats.commits++;
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // Validation should have refused whatever failed the commit; should something still get
      // through, it must fail only its own request. Nothing of the group was stored (one
      // transaction), so each request alone stores its events once.
      this.stats.groupRetries++;
      for (const pending of group) await this.flush([pending]);
      return;
    }
    const logSync = this.database.logSync;
    if (!logSync) return this.answer(group, results);
    this.syncing++;
    logSync
      .sync()
      .then(
        () => this.answer(group, results),
        (error: unknown) => {
          for (const pending of group) pending.reject(error);
        },
      )
      .finally(() => {
        this.syncing--;
      });
  }

  private answer(group: Pending[], results: IngestResult[]): void {
    group.forEach((pending, i) => {
      this.stats.events += results[i].accepted;
      this.stats.duplicates += results[i].duplicates;
      pending.resolve(results[i]);
    });
  }

  private async commit(requests: IncomingEvent[][]): Promise<IngestResult[]> {
    const nowMs = this.clock();
    const all = requests.flat();
    // First occurrence of an id wins, within the group as across time.
    const firstIndex = new Map<string, number>();
    all.forEach((event, i) => {
      if (!firstIndex.has(event.id)) firstIndex.set(event.id, i);
    });
    // Serialised before the transaction: on SQLite it holds the write lock, which the scoring
    // thread waits for.
    const firsts = [...firstIndex.values()];
    const propertiesJson = firsts.map((i) => JSON.stringify(all[i].properties));
    const rows = (contactIds: readonly string[]) =>
      firsts.map((i, n) => ({
        event_id: all[i].id,
        contact_id: contactIds[i],
        type: all[i].type,
        time_ms: all[i].timeMs,
        properties: propertiesJson[n],
        received_ms: nowMs,
      }));
    const inTransaction = (work: (db: Kysely<Tables>) => Promise<Stored>) =>
      // SQLite: the commit writes the log without waiting for the disk; `flush` waits for it.
      this.database.logSync ? withUnsyncedCommits(this.database.db, work) : work(this.database.db);
    // A deadlock with a merge (PostgreSQL) is retried: it would fail every request of the group.
    const stored = await retryConflicts(
      this.database.dialect,
      async () =>
        (await this.storeForKnownContacts(all, rows)) ??
        (await inTransaction((db) =>
          db.transaction().execute(async (tx) => {
            const store = scoringStore(this.database, tx);
            const contactIds = await resolveContacts(store, all, nowMs);
            return { contactIds, inserted: await store.insertQueuedEvents(rows(contactIds)) };
          }),
        )),
    );
    this.onStored();
    const seqs = all.map((event, i) =>
      firstIndex.get(event.id) === i ? (stored.inserted.get(event.id) ?? null) : null,
    );
    let offset = 0;
    return requests.map((events) => {
      const own = seqs.slice(offset, offset + events.length);
      const ids = stored.contactIds.slice(offset, offset + events.length);
      offset += events.length;
      const accepted = own.filter((seq) => seq !== null).length;
      return {
        accepted,
        duplicates: events.length - accepted,
        contactIds: ids,
        stored: own.map((seq) => seq !== null),
        seqs: own.filter((seq): seq is number => seq !== null),
      };
    });
  }

  /**
   * PostgreSQL, when every contact named exists: one statement (pg-ingest.ts). Undefined when
   * one does not (or on SQLite): the general path follows.
   */
  private async storeForKnownContacts(
    all: readonly IncomingEvent[],
    rows: (contactIds: readonly string[]) => EventRow[],
  ): Promise<Stored | undefined> {
    if (this.database.dialect !== "postgres") return undefined;
    const refs = all.map((event) =>
      contactRefKey(event.contactId ? event : { email: normaliseEmail(event.email ?? "") }),
    );
    const known = await insertEventsOfKnownContacts(
      this.database.db,
      refs,
      rows(refs).map(({ contact_id, ...row }) => ({ ...row, contact_ref: contact_id })),
    );
    if (!known) return undefined;
    // Every ref resolved (else `known` is undefined).
    return { contactIds: refs.map((ref) => known.contactOf.get(ref) as string), inserted: known.inserted };
  }

  get pending(): number {
    return this.queuedEvents;
  }
}
