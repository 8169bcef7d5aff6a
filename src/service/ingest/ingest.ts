/**
 * Event ingest: validated events are grouped (requests read in one turn of the event loop share
 * a transaction), stored with their contact, and put in the score queue; the answer goes out
 * once that transaction is committed and on disk (on SQLite, once the log sync that followed
 * the commit has finished: log-sync.ts), i.e. once the events are durable. Scoring happens next,
 * in the scorer (scorer.ts), so a request never waits for it.
 */
import type { ScoringStore } from "../../store/scoring-store.js";
import { type ContactRef, normaliseEmail, resolveContacts } from "../identity/identity.js";

export interface IncomingEvent extends ContactRef {
  id: string;
  type: string;
  timeMs: number;
  properties: Record<string, unknown>;
}

type ContactKey = { contactId?: string | undefined; email?: string | undefined };
type EventColumns = {
  event_id: string;
  type: string;
  time_ms: number;
  properties: string;
  received_ms: number;
};

/** The store port of ingest (store/store.ts): group commits, and PostgreSQL's one-statement path. */
export interface IngestStore {
  /** A transaction whose commit may wait for `syncLog` to be durable (SQLite). */
  unsyncedTransaction<T>(work: (tx: { readonly scoring: ScoringStore }) => Promise<T>): Promise<T>;
  /** Whether commits wait for `syncLog` to be durable. */
  readonly syncsLogLater: boolean;
  syncLog(): Promise<void>;
  /** Whether `insertEventsOfKnownContacts` can store a group in one statement (PostgreSQL). */
  readonly insertsKnownContactsAtOnce: boolean;
  /** Undefined when a contact named does not exist (or on SQLite): the general path follows. */
  insertEventsOfKnownContacts(
    refs: readonly ContactKey[],
    events: ReadonlyArray<EventColumns & { ref: ContactKey }>,
  ): Promise<{ contactIds: string[]; inserted: Map<string, number> } | undefined>;
  /** Runs `work` again when PostgreSQL aborted it for a deadlock (conflicts.ts). */
  retryConflicts<T>(work: () => Promise<T>): Promise<T>;
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
    private readonly store: IngestStore,
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
    if (!this.store.syncsLogLater) return this.answer(group, results);
    this.syncing++;
    this.store
      .syncLog()
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
    const columns = firsts.map((i, n) => ({
      event_id: all[i].id,
      type: all[i].type,
      time_ms: all[i].timeMs,
      properties: propertiesJson[n],
      received_ms: nowMs,
    }));
    // A deadlock with a merge (PostgreSQL) is retried: it would fail every request of the group.
    const stored = await this.store.retryConflicts(
      async () =>
        (await this.storeForKnownContacts(all, firsts, columns)) ??
        // SQLite: the commit writes the log without waiting for the disk; `flush` waits for it.
        (await this.store.unsyncedTransaction(async (tx) => {
          const contactIds = await resolveContacts(tx.scoring, all, nowMs);
          return {
            contactIds,
            // Rows built once with their contact, not copied from `columns` (every event pays).
            inserted: await tx.scoring.insertQueuedEvents(
              firsts.map((i, n) => ({
                event_id: all[i].id,
                contact_id: contactIds[i],
                type: all[i].type,
                time_ms: all[i].timeMs,
                properties: propertiesJson[n],
                received_ms: nowMs,
              })),
            ),
          };
        })),
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
  private storeForKnownContacts(
    all: readonly IncomingEvent[],
    firsts: readonly number[],
    columns: readonly EventColumns[],
  ): Promise<Stored | undefined> {
    // SQLite has no such path: spare building its arguments for every event.
    if (!this.store.insertsKnownContactsAtOnce) return Promise.resolve(undefined);
    const refs = all.map((event) =>
      event.contactId ? { contactId: event.contactId } : { email: normaliseEmail(event.email ?? "") },
    );
    return this.store.insertEventsOfKnownContacts(
      refs,
      columns.map((row, n) => ({ ...row, ref: refs[firsts[n]] })),
    );
  }

  get pending(): number {
    return this.queuedEvents;
  }
}
