/**
 * The scorer: applies queued events to their contacts' scores. Ingest answers once events are
 * durable and kicks the scorer. On PostgreSQL a pass claims the oldest queued events (up to
 * `batch`), locks their contacts, advances each contact's state once for all of its claimed
 * events, writes scores and history, and dequeues the events, all in one transaction. On SQLite
 * a pass reads the queue, then does the same contact by contact in short transactions (see
 * `slicedPass`). Under load the queue grows while a pass runs, so the next pass serves many
 * requests and each contact is written once for many events. A poll timer picks up events
 * queued by another process (PostgreSQL) or left queued by a crash. A serving process runs its
 * scorer in the scoring thread (scoring-thread.ts), on a connection of its own.
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { ScoringEvent } from "../../engine/index.js";
import type { Database } from "../../store/database.js";
import { lockContacts } from "../../store/locks.js";
import { withUnsyncedCommits } from "../../store/log-sync.js";
import { ModelQueries } from "../../store/models.js";
import { type QueuedEventRow, type ScoringStore, scoringStore } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import type { ModelRegistry } from "../models/models.js";
import { scoringEventOf } from "./evidence.js";
import {
  planScores,
  planStillValid,
  type ScoreCause,
  type ScorePlan,
  scoreContacts,
  writePlan,
} from "./score-contacts.js";
import { noStats, type QueueScorer, QueueWatcher, type ScorerStats } from "./score-queue.js";

export type { ScorerStats } from "./score-queue.js";

export interface ScorerOptions {
  /** False on ingest-only processes: no pass runs unless called directly. */
  enabled: boolean;
  /** Most events claimed by one pass. */
  batch: number;
  /** How often to look for events queued elsewhere, in ms (0: never). */
  pollMs: number;
  /**
   * Least time between the starts of two passes unless a backlog is waiting, in ms: under load
   * events gather meanwhile, and one bigger pass writes each table page once for all of them.
   */
  minPassIntervalMs: number;
  /**
   * Called after each commit that applied events and after each pass (the scoring thread
   * reports its progress with it).
   */
  onStats?: (stats: ScorerStats) => void;
}

export class Scorer extends QueueWatcher implements QueueScorer {
  readonly stats: ScorerStats = noStats();
  readonly inThread = false;
  private running: Promise<void> | undefined;
  /** Passes of this process run one at a time (the loop's, drain's), chained here. */
  private passChain: Promise<unknown> = Promise.resolve();
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private lastPassStart = Number.NEGATIVE_INFINITY;

  constructor(
    database: Database,
    private readonly models: ModelRegistry,
    private readonly log: Logger,
    private readonly clock: () => number,
    private readonly options: ScorerOptions,
  ) {
    super(database);
  }

  /** Starts the poll timer and a first pass (events left queued by an earlier run). */
  start(): void {
    if (!this.options.enabled) return;
    if (this.options.pollMs > 0) {
      this.timer = setInterval(() => this.kick(), this.options.pollMs);
      this.timer.unref();
    }
    this.kick();
  }

  /** Runs passes until the queue is empty; a kick during a run makes it look again. */
  kick(): void {
    if (this.stopped || !this.options.enabled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runUntilEmpty().finally(() => {
      this.running = undefined;
      this.passEnded();
    });
  }

  private async runUntilEmpty(): Promise<void> {
    let backlog = false;
    do {
      this.again = false;
      for (;;) {
        const wait = this.lastPassStart + this.options.minPassIntervalMs - performance.now();
        if (!backlog && wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.stopped) return;
        this.lastPassStart = performance.now();
        let claimed: number;
        try {
          claimed = await this.pass();
        } catch (err) {
          // PostgreSQL may abort a pass (deadlock with a merge, a lost connection): the events
          // stay queued and the next kick or poll tries again.
          this.stats.failures++;
          this.options.onStats?.(this.stats);
          this.log.warn({ err }, "scoring pass failed; its events stay queued");
          return;
        }
        this.passEnded();
        if (claimed === 0) break;
        backlog = claimed === this.options.batch;
        // Let ingest commit between passes: scoring must not hold acknowledgements back.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } while (this.again);
  }

  /**
   * Scores queued events; returns how many were claimed. PostgreSQL: one transaction (claim,
   * lock, score, dequeue), so parallel scorers never apply an event twice. SQLite: see
   * `slicedPass`.
   */
  async pass(): Promise<number> {
    const run = this.passChain.then(() =>
      this.database.dialect === "sqlite" ? this.slicedPass() : this.passIn(),
    );
    this.passChain = run.catch(() => undefined);
    const count = await run;
    if (count > 0) {
      this.stats.passes++;
      this.options.onStats?.(this.stats);
    }
    return count;
  }

  /** Events applied by a transaction that committed. */
  private applied(events: number): void {
    if (events === 0) return;
    this.stats.events += events;
    this.options.onStats?.(this.stats);
  }

  private async passIn(): Promise<number> {
    const { database } = this;
    const applied = await database.db.transaction().execute(async (tx) => {
      const store = scoringStore(database, tx);
      const claimed = await store.claimQueued(this.options.batch);
      if (claimed.length === 0) return 0;
      const locked = new Set(claimed.map((row) => row.contact_id));
      await lockContacts(tx, database.dialect, [...locked]);
      // A merge committed between the claim and the locks moved some events to their
      // survivor: read their contact again now that it cannot change, and lock the newcomers.
      const events = await currentEvents(store, claimed);
      const moved = [...new Set(events.map((row) => row.contact_id))].filter((id) => !locked.has(id));
      if (moved.length > 0) await lockContacts(tx, database.dialect, moved);
      await this.apply(store, tx, events);
      await store.takeQueued(events);
      return claimed.length;
    });
    this.applied(applied);
    return applied;
  }

  /**
   * SQLite: reads everything queued (up to `batch`), then scores it contact by contact, in
   * contact id order, in slices (`SLICE_BUDGET_MS` each, longer under a backlog), each computed
   * without the write lock and written in a short transaction (`sqliteSlice`). Ingest keeps
   * committing while a pass runs (between slices, or at the same time from the scoring thread),
   * so under load the next pass finds several events per contact and scores each contact once
   * for all of them; id order makes each slice write neighbouring rows, so a page of the state
   * and score tables is written once per slice instead of once per contact. A slice applies only
   * the events it takes off the queue itself (another process may have scored some), and after
   * a merge it reads again to which contact its events now belong.
   */
  private async slicedPass(): Promise<number> {
    const { database } = this;
    const claimed: QueuedEventRow[] = [];
    // A merge moves events to another contact. None committed since the queue was read (the
    // counter is the same): a slice uses the contacts read with the queue.
    let movesAtClaim: number | undefined;
    let after = 0;
    // A pass reads up to a million events in chunks: a stop between two ends it there.
    while (claimed.length < this.options.batch && !this.stopped) {
      const limit = Math.min(CLAIM_CHUNK, this.options.batch - claimed.length);
      // A read transaction (deferred: writers on other connections go on): the rows and the
      // counter come from one snapshot.
      const { rows, moves } = await database.db
        .transaction()
        .setAccessMode("read only")
        .execute(async (tx) => ({
          rows: await scoringStore(database, tx).claimQueued(limit, after),
          moves: (await countersIn(tx)).moves,
        }));
      // Moves during the claim: the first value makes every slice read its events again.
      if (movesAtClaim === undefined) movesAtClaim = moves;
      else if (moves !== movesAtClaim) movesAtClaim = Number.NaN;
      for (const row of rows) claimed.push(row);
      if (rows.length < limit) break;
      after = rows[rows.length - 1].seq;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (claimed.length === 0 || this.stopped) return 0;
    const claimMoves = movesAtClaim ?? Number.NaN;
    const byContact = new Map<string, QueuedEventRow[]>();
    for (const row of claimed) {
      const list = byContact.get(row.contact_id);
      if (list) list.push(row);
      else byContact.set(row.contact_id, [row]);
    }
    const contacts = [...byContact.keys()].sort();
    const budgetMs = claimed.length >= BACKLOG_EVENTS ? BACKLOG_SLICE_BUDGET_MS : SLICE_BUDGET_MS;
    let sliceSize = Math.round((this.sliceSize * budgetMs) / SLICE_BUDGET_MS);
    for (let start = 0; start < contacts.length && !this.stopped; ) {
      const slice = contacts.slice(start, start + sliceSize);
      start += slice.length;
      const started = performance.now();
      // The last slice also moves the queue's watermark past every event the pass claimed: the
      // slices before it committed, so all of them are applied (by this pass or another).
      const lastSeq = start >= contacts.length ? claimed[claimed.length - 1].seq : undefined;
      const applied = await this.sqliteSlice(
        slice.flatMap((id) => byContact.get(id) ?? []),
        claimMoves,
        lastSeq,
      );
      this.applied(applied);
      // Slices as long as the budget at the time per contact just measured: short enough for
      // ingest never to wait long for the write lock (or, on the serving thread, to answer).
      const perContactMs = Math.max(performance.now() - started, 0.1) / slice.length;
      this.sliceSize = Math.max(2, Math.min(4000, Math.round(SLICE_BUDGET_MS / perContactMs)));
      sliceSize = Math.max(2, Math.round(budgetMs / perContactMs));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // The events read, not those this pass applied: the queue moved past all of them (the
    // watermark), so a pass that found every one already applied (by another connection, or
    // before a crash) still lets the caller go on to the next ones (drain, a backlog).
    return this.stopped ? 0 : claimed.length;
  }

  /** Contacts per short SQLite slice, adapted to the measured time per contact. */
  private sliceSize = 16;

  /**
   * One slice; returns the number of events applied. Its scores are computed in a read
   * transaction, which takes no lock: another thread or process keeps writing meanwhile. Then a
   * short write transaction takes the slice's events off the queue and writes the scores, if
   * nothing they were computed from changed in between (nearly always); otherwise it computes
   * them again there, under the lock.
   */
  private async sqliteSlice(
    claimed: readonly QueuedEventRow[],
    movesAtClaim: number,
    scoredThrough: number | undefined,
  ): Promise<number> {
    const { database } = this;
    const { byContact, eventIds } = groupByContact(claimed);
    const contactIds = [...byContact.keys()].sort();
    const cause: ScoreCause = { cause: "event", eventIds };
    const nowMs = this.clock();
    const planned = await database.db
      .transaction()
      .setAccessMode("read only")
      .execute(async (tx) => {
        const counters = await countersIn(tx);
        // A merge since the claim: the events' contacts are read again under the lock.
        if (counters.moves !== movesAtClaim) return undefined;
        const models = await this.models.active(new ModelQueries(tx));
        const plan = await planScores(
          scoringStore(database, tx),
          models,
          contactIds,
          byContact,
          cause,
          nowMs,
        );
        return { plan, inputs: counters.inputs };
      });
    // What a slice writes is derived from stored events, so its commit skips the fsync: the
    // next ingest's sync of the log (or the next commit with synchronous FULL) takes it along,
    // and a slice lost to a power cut leaves its events queued, to be scored again.
    return withUnsyncedCommits(database.db, async (db) => {
      // Transactions begin IMMEDIATE on SQLite (store/sqlite-dialect.ts): another connection
      // (the serving thread, another process) waits for the slice instead of making it fail.
      return await db.transaction().execute(async (tx) => {
        const store = scoringStore(database, tx);
        const applied = await this.applySlice(store, tx, claimed, movesAtClaim, planned, nowMs);
        if (scoredThrough !== undefined) await store.scoredThrough(scoredThrough);
        return applied;
      });
    });
  }

  /**
   * The write transaction of a slice: takes its events off the queue and writes the planned
   * scores, or scores again what is still queued if its inputs changed.
   */
  private async applySlice(
    store: ScoringStore,
    tx: Kysely<Tables>,
    claimed: readonly QueuedEventRow[],
    movesAtClaim: number,
    planned: { plan: ScorePlan; inputs: number } | undefined,
    nowMs: number,
  ): Promise<number> {
    let events: readonly QueuedEventRow[];
    const counters = await countersIn(tx);
    if (counters.moves === movesAtClaim) {
      // Contacts as claimed. Taking the events off the queue first tells which are still
      // there: another connection may have scored some since the pass read them.
      const taken = await store.takeQueued(claimed);
      if (
        planned &&
        taken.size === claimed.length &&
        // Nothing a plan reads changed since (migration 007's triggers), or what it read
        // is still so, compared row by row.
        (counters.inputs === planned.inputs ||
          (await planStillValid(store, planned.plan, await this.models.active(new ModelQueries(tx)))))
      ) {
        if (counters.inputs !== planned.inputs) this.stats.rechecked++;
        await writePlan(store, planned.plan, nowMs);
        return claimed.length;
      }
      this.stats.replanned++;
      events = taken.size === claimed.length ? claimed : claimed.filter((row) => taken.has(row.seq));
    } else {
      events = await currentEvents(store, claimed);
      await store.takeQueued(events);
    }
    if (events.length === 0) return 0;
    await this.apply(store, tx, events);
    return events.length;
  }

  /** Advances the contacts of these events by them, under every published model. */
  private async apply(store: ScoringStore, tx: Kysely<Tables>, events: readonly QueuedEventRow[]) {
    const { byContact, eventIds } = groupByContact(events);
    await scoreContacts(
      store,
      await this.models.active(new ModelQueries(tx)),
      [...byContact.keys()].sort(),
      byContact,
      { cause: "event", eventIds },
      this.clock(),
    );
  }

  /** Scores everything queued now, even on an ingest-only process (import, demo seed, tests). */
  async drain(): Promise<void> {
    if (this.running) await this.running;
    while (!this.stopped && (await this.pass()) > 0) this.passEnded();
  }

  /** Stops after the pass under way; queued events stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.passChain;
  }
}

/**
 * Called in the transaction of anything that moves events to another contact (a merge): a
 * SQLite pass under way, on any connection, then reads its claimed events' contacts again
 * before scoring them. Not needed on PostgreSQL, whose passes lock contacts and read their
 * events again inside one transaction.
 */
export async function noteEventsMoved(tx: Kysely<Tables>, database: Database): Promise<void> {
  if (database.dialect !== "sqlite") return;
  await tx
    .updateTable("counters")
    .set((eb) => ({ value: eb("value", "+", 1) }))
    .where("name", "=", "event_moves")
    .execute();
}

/** The counters a SQLite slice compares: merges (`event_moves`) and `scoring_inputs` (migration 007). */
async function countersIn(tx: Kysely<Tables>): Promise<{ moves: number; inputs: number }> {
  const rows = await tx
    .selectFrom("counters")
    .select(["name", "value"])
    .where("name", "in", ["event_moves", "scoring_inputs"])
    .execute();
  const value = (name: string) => Number(rows.find((row) => row.name === name)?.value ?? Number.NaN);
  return { moves: value("event_moves"), inputs: value("scoring_inputs") };
}

/** Most queued events read by one query of a SQLite pass. */
const CLAIM_CHUNK = 10_000;

/**
 * Target duration of one SQLite slice, in ms: short while few events wait, so that a request
 * never waits long behind one (shorter slices lowered the p99 of single events in the ingest
 * bench); longer under a backlog, because each commit rewrites every page its slice touched,
 * so fewer commits cost less CPU per event scored. Figures: bench/README.md.
 */
const SLICE_BUDGET_MS = 3;
const BACKLOG_SLICE_BUDGET_MS = 32;
/** Events claimed by a pass from which it counts as a backlog. */
const BACKLOG_EVENTS = 5_000;

/** The claimed events still queued, each with its contact as stored now (merges move events). */
async function currentEvents(
  store: ScoringStore,
  claimed: readonly QueuedEventRow[],
): Promise<QueuedEventRow[]> {
  const current = await store.queuedContacts(claimed.map((row) => row.seq));
  return claimed.flatMap((row) => {
    const contactId = current.get(row.seq);
    if (contactId === undefined) return [];
    return contactId === row.contact_id ? [row] : [{ ...row, contact_id: contactId }];
  });
}

function groupByContact(rows: readonly QueuedEventRow[]) {
  const byContact = new Map<string, ScoringEvent[]>();
  const eventIds = new Map<string, string[]>();
  for (const row of rows) {
    // Named by seq (service/scoring/evidence.ts); the cause's ids are the sender's.
    const event = scoringEventOf(row);
    const list = byContact.get(row.contact_id);
    if (list) {
      list.push(event);
      eventIds.get(row.contact_id)?.push(row.event_id);
    } else {
      byContact.set(row.contact_id, [event]);
      eventIds.set(row.contact_id, [row.event_id]);
    }
  }
  return { byContact, eventIds };
}
