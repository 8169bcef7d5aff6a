/**
 * The scorer in a worker thread (scoring-worker.ts) with its own database connection: the
 * serving thread only stores events and answers, the scoring thread applies them to scores on
 * the other core. SQLite lets both connections work at once (WAL: readers never wait; writers
 * take turns, the scorer in short slices). Everything else the service needs of a scorer
 * (waiting for events, the queue depth) reads the queue on the serving thread's connection.
 * Should the thread fail, scoring goes on in the serving thread and the failure is logged.
 *
 * The thread scores on the service's clock: on the wall clock it reads it itself; on another
 * (a test's) every message carries the serving thread's `clock()`, and the thread scores as of
 * the last time it was given. Tests thus run the same scorer in the same thread as production.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Logger } from "pino";
import type { Database, DatabaseOptions } from "../../store/database.js";
import type { ModelRegistry } from "../models/models.js";
import { addStats, noStats, type QueueScorer, QueueWatcher, type ScorerStats } from "./score-queue.js";
import { Scorer, type ScorerOptions } from "./scorer.js";

export interface ScoringThreadData {
  database: DatabaseOptions;
  scorer: Omit<ScorerOptions, "onStats">;
  logLevel: string;
  /** "wall": the thread reads Date.now itself; "given": the time each message carries. */
  clock: "wall" | "given";
}

export type ToScoringThread =
  | { type: "start"; nowMs: number }
  | { type: "kick"; nowMs: number }
  | { type: "drain"; id: number; nowMs: number }
  | { type: "stop" };

export type FromScoringThread =
  | { type: "ready" }
  | { type: "stats"; stats: ScorerStats }
  | { type: "drained"; id: number; error?: string }
  | { type: "stopped" };

const WORKER_FILE = new URL("./scoring-worker.js", import.meta.url);

/** False when running from TypeScript sources (tests): the worker file exists once built. */
export function scoringThreadAvailable(): boolean {
  return WORKER_FILE.protocol === "file:" && existsSync(fileURLToPath(WORKER_FILE));
}

export class ScoringThread extends QueueWatcher implements QueueScorer {
  /** As last reported by the thread. */
  private readonly threadStats: ScorerStats = noStats();
  private worker: Worker | undefined;
  /** Scoring in this thread after the worker failed. */
  private fallback: Scorer | undefined;
  private started = false;
  private stopping = false;
  private nextDrainId = 0;
  private readonly drains = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  private stopped: (() => void) | undefined;

  constructor(
    database: Database,
    private readonly data: ScoringThreadData,
    private readonly models: ModelRegistry,
    private readonly log: Logger,
    /** The service's clock (data.clock says whether it is the wall clock). */
    private readonly clock: () => number,
    /** The worker's script (another one in tests, to see what happens when it fails). */
    private readonly workerFile: URL = WORKER_FILE,
  ) {
    super(database);
  }

  get inThread(): boolean {
    return this.fallback === undefined;
  }

  get stats(): ScorerStats {
    const own = this.fallback?.stats;
    if (!own) return this.threadStats;
    return addStats(this.threadStats, own);
  }

  start(): void {
    if (!this.data.scorer.enabled || this.started) return;
    this.started = true;
    if (this.fallback) this.fallback.start();
    else this.post({ type: "start", nowMs: this.clock() });
  }

  kick(): void {
    if (!this.data.scorer.enabled || this.stopping) return;
    if (this.fallback) this.fallback.kick();
    else this.post({ type: "kick", nowMs: this.clock() });
  }

  async drain(): Promise<void> {
    if (this.fallback) return this.fallback.drain();
    const id = this.nextDrainId++;
    const done = new Promise<void>((resolve, reject) => this.drains.set(id, { resolve, reject }));
    this.post({ type: "drain", id, nowMs: this.clock() });
    await done;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.fallback) {
      await this.fallback.stop();
      return;
    }
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      this.stopped = resolve;
      worker.once("exit", () => resolve());
      worker.postMessage({ type: "stop" } satisfies ToScoringThread);
    });
    this.worker = undefined;
    this.passEnded();
  }

  /** Sends to the worker, starting it first if need be. */
  private post(message: ToScoringThread): void {
    this.ensureWorker()?.postMessage(message);
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.fallback) return this.worker;
    const worker = new Worker(this.workerFile, { workerData: this.data });
    worker.on("message", (message: FromScoringThread) => this.received(message));
    worker.on("error", (error) => this.failed(error));
    worker.on("exit", (code) => {
      if (!this.stopping) this.failed(new Error(`the scoring thread exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private received(message: FromScoringThread): void {
    switch (message.type) {
      case "stats":
        Object.assign(this.threadStats, message.stats);
        this.passEnded();
        break;
      case "drained": {
        const drain = this.drains.get(message.id);
        this.drains.delete(message.id);
        if (message.error) drain?.reject(new Error(message.error));
        else drain?.resolve();
        break;
      }
      case "stopped":
        this.stopped?.();
        break;
      case "ready":
        break;
    }
  }

  /** The worker failed: scoring goes on in this thread, drains under way included. */
  private failed(error: Error): void {
    if (this.fallback) return;
    this.log.error({ err: error }, "the scoring thread failed: scoring goes on in the serving thread");
    this.worker = undefined;
    const fallback = new Scorer(this.database, this.models, this.log, this.clock, {
      ...this.data.scorer,
      onStats: () => this.passEnded(),
    });
    this.fallback = fallback;
    if (this.started && !this.stopping) fallback.start();
    for (const [id, drain] of this.drains) {
      this.drains.delete(id);
      fallback.drain().then(drain.resolve, drain.reject);
    }
  }
}
