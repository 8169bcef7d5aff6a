/**
 * What the service needs of whoever applies queued events to scores, and the waiting both kinds
 * share: the scorer running in this thread (scorer.ts) and the scoring thread (scoring-thread.ts)
 * whose scorer runs on its own connection. Waiting reads the queue on this thread's connection,
 * so it sees events scored by any thread or process.
 */
import { sql } from "kysely";
import type { Database } from "../../store/database.js";

export interface ScorerStats {
  events: number;
  passes: number;
  failures: number;
  /** SQLite slices whose scores were computed again under the write lock (their inputs changed). */
  replanned: number;
  /**
   * SQLite slices written after comparing their inputs row by row: something a plan may read
   * changed while they were computed (not necessarily theirs). The others were written at once.
   */
  rechecked: number;
}

export function noStats(): ScorerStats {
  return { events: 0, passes: 0, failures: 0, replanned: 0, rechecked: 0 };
}

/** Two scorers' counts together (the scoring thread's and its fallback's). */
export function addStats(a: ScorerStats, b: ScorerStats): ScorerStats {
  const sum = noStats();
  for (const key of Object.keys(sum) as Array<keyof ScorerStats>) sum[key] = a[key] + b[key];
  return sum;
}

export interface QueueScorer {
  readonly stats: ScorerStats;
  /** True when queued events are scored in the scoring thread, false when in this thread. */
  readonly inThread: boolean;
  /** Starts looking for queued events (none on an ingest-only process). */
  start(): void;
  /** New events were queued: score them soon. */
  kick(): void;
  /**
   * Resolves once none of these events is queued any more (scored here or by another process),
   * or rejects after `timeoutMs`.
   */
  waitFor(seqs: readonly number[], timeoutMs?: number): Promise<void>;
  /** Scores everything queued now, even on an ingest-only process (import, demo seed, tests). */
  drain(): Promise<void>;
  /** Events waiting to be scored (on SQLite, also those of the pass under way: `queueDepth`). */
  queueDepth(): Promise<number>;
  /** Stops after the pass under way; queued events stay for the next start. */
  stop(): Promise<void>;
}

export abstract class QueueWatcher {
  private passListeners: Array<() => void> = [];

  constructor(protected readonly database: Database) {}

  abstract kick(): void;

  async waitFor(seqs: readonly number[], timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let remaining = [...seqs];
    while (remaining.length > 0) {
      remaining = await this.stillQueued(remaining);
      if (remaining.length === 0) return;
      if (performance.now() > deadline)
        throw new Error(`${remaining.length} events still waiting to be scored after ${timeoutMs} ms`);
      this.kick();
      await this.nextPass(50);
    }
  }

  async queueDepth(): Promise<number> {
    if (this.database.dialect === "sqlite") {
      // The events past the implicit queue's watermark (migration 008): a range count on the
      // rowid, where counting the queue view would look each one up in contact_events (a
      // backlog of 250,000 held the serving thread for a third of a second). While a pass runs,
      // the events it applied already count until it ends.
      const row = await sql<{ n: number }>`select count(*) as n from events
        where seq > (select value from counters where name = 'scored_through')`.execute(this.database.db);
      return Number(row.rows[0]?.n ?? 0);
    }
    const row = await this.database.db
      .selectFrom("score_queue")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** A pass ended (or the scorer stopped): whoever waits looks at the queue again. */
  protected passEnded(): void {
    for (const listener of this.passListeners.splice(0)) listener();
  }

  private async stillQueued(seqs: readonly number[]): Promise<number[]> {
    const out: number[] = [];
    for (let i = 0; i < seqs.length; i += 500) {
      const rows = await this.database.db
        .selectFrom("score_queue")
        .select("seq")
        .where("seq", "in", seqs.slice(i, i + 500))
        .execute();
      for (const row of rows) out.push(row.seq);
    }
    return out;
  }

  /** Resolves after the next pass ends, or after `ms` (events scored by another process). */
  private nextPass(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.passListeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
