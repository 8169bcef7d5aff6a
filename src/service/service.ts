/**
 * The scoring service without HTTP: storage, ingest, contacts, models, reads and the periodic
 * decay pass, wired together. The HTTP layer (server/) and the CLI both use it.
 */
import { dirname, join } from "node:path";
import type { Logger } from "pino";
import { DAY_MS } from "../engine/finalize.js";
import { type Checkpointer, startCheckpointer } from "../store/checkpointer.js";
import { type Database, openDatabase } from "../store/database.js";
import { sqliteStoreOf } from "../store/scoring-store.js";
import { Store } from "../store/store.js";
import { UsersStore } from "../store/users-store.js";
import { Alerts } from "./alerts/alerts.js";
import { DeliveryWorker } from "./alerts/delivery.js";
import { smtpSender } from "./alerts/email.js";
import { allowListOf } from "./alerts/targets.js";
import { KeyChecker } from "./api-keys/api-keys.js";
import type { ServiceConfig } from "./config.js";
import { ContactStore } from "./contacts/contacts.js";
import { EventTypes } from "./ingest/event-types.js";
import { EventIngestor } from "./ingest/ingest.js";
import { ModelRegistry } from "./models/models.js";
import { PredictionService } from "./predictions/predictions.js";
import { PredictiveModels } from "./predictions/predictive.js";
import { Publishing } from "./publishing/publishing.js";
import { ScoreReader } from "./scores/reads.js";
import { rescoreAll } from "./scoring/passes.js";
import type { QueueScorer } from "./scoring/score-queue.js";
import { Scorer, type ScorerOptions } from "./scoring/scorer.js";
import { ScoringThread, scoringThreadAvailable } from "./scoring/scoring-thread.js";
import { Users } from "./users/users.js";

const HOUR_MS = 3_600_000;

export interface DecayStats {
  runs: number;
  lastRunAt: string | null;
  lastChanged: number;
}

/** SQLite: where the memory of event ids is saved at stop, beside the database file. */
const savedEventIdsFile = (sqlite: { name: string }) => join(dirname(sqlite.name), "event-ids.bin");

export class ScoringService {
  readonly models = new ModelRegistry();
  /** The queries of every feature (store/store.ts). */
  readonly store: Store;
  readonly ingestor: EventIngestor;
  readonly scorer: QueueScorer;
  readonly contacts: ContactStore;
  readonly eventTypes: EventTypes;
  readonly publishing: Publishing;
  readonly reader: ScoreReader;
  readonly keys: KeyChecker;
  /** Dashboard users and their sessions. */
  readonly users: Users;
  readonly alerts: Alerts;
  readonly delivery: DeliveryWorker;
  readonly predictive: PredictiveModels;
  readonly predictions: PredictionService;
  readonly decayStats: DecayStats = { runs: 0, lastRunAt: null, lastChanged: 0 };
  private decayTimer: NodeJS.Timeout | undefined;
  private checkpointer: Checkpointer | undefined;
  private decayRunning: Promise<unknown> | undefined;
  private stopping = false;

  private constructor(
    readonly database: Database,
    readonly config: ServiceConfig,
    readonly log: Logger,
    /** The service's notion of now (UTC ms): scores are computed as of it. Tests move it. */
    readonly clock: () => number,
  ) {
    const { db, dialect } = database;
    this.store = new Store(database);
    const scorerOptions: ScorerOptions = {
      enabled: config.scoring,
      // At most: under load a pass takes what gathered since the last one, and the more events
      // per contact a pass holds, the fewer times each contact is scored and written. SQLite
      // passes run in short slices (ingest answers between them), so they can be large. On
      // PostgreSQL a pass is one transaction holding its contacts' locks (a merge or property
      // change of one of them waits for it), so its passes stay smaller. Each default scored
      // faster in the ingest bench than the smaller one before it; a SQLite pass holds its
      // events in memory, which bounds it (bench/README.md, "Scoring pass size").
      batch: config.scoringPassEvents ?? (dialect === "sqlite" ? 1_000_000 : 20_000),
      pollMs: 1000,
      // A PostgreSQL pass costs a fixed number of statements whatever its size: under single events,
      // a longer interval between passes took a share of the server's and PostgreSQL's CPU off.
      minPassIntervalMs: dialect === "sqlite" ? 20 : 50,
    };
    // One path whatever the clock: the thread scores on this service's clock (scoring-thread.ts).
    // Only `scoringThread: off` scores on the serving thread (and running from the TypeScript
    // sources, where no built worker file exists).
    const thread = config.scoringThread !== false; // "auto" is on
    this.scorer =
      thread && scoringThreadAvailable()
        ? new ScoringThread(
            database,
            {
              database: {
                databaseUrl: config.databaseUrl,
                databaseSchema: config.databaseSchema,
                dataDir: config.dataDir,
                writeTurn: database.writeTurn,
                // Its passes run one at a time: one connection, and one spare.
                poolSize: 2,
              },
              scorer: scorerOptions,
              logLevel: config.logLevel,
              clock: clock === Date.now ? "wall" : "given",
            },
            this.models,
            log,
            clock,
          )
        : new Scorer(database, this.models, log, clock, scorerOptions);
    // SQLite has one writer. On PostgreSQL, two: requests arriving during a commit join the
    // next one, and one big batch does not hold every other request back. (Since ingest became
    // one statement, more writers no longer cost PostgreSQL more CPU under single events.)
    this.ingestor = new EventIngestor(this.store, dialect === "sqlite" ? 1 : 2, 5000, clock, () =>
      this.scorer.kick(),
    );
    this.contacts = new ContactStore(database, this.models, clock);
    this.eventTypes = new EventTypes(this.store, this.models, clock);
    this.publishing = new Publishing(database, this.models, log, clock);
    this.reader = new ScoreReader(db, dialect, this.models, this.contacts, clock);
    this.keys = new KeyChecker(this.store.apiKeys, clock);
    this.users = new Users(new UsersStore(db), clock);
    const allowedTargets = allowListOf(config.webhookAllowedTargets);
    this.delivery = new DeliveryWorker(
      database,
      log,
      clock,
      {
        enabled: config.alertDelivery,
        pollMs: 250,
        // A round leases no more rows than it sends at once: each leased row starts at once, so
        // its lease (twice the timeout plus 5 s) cannot run out while it still waits its turn.
        batch: 8,
        concurrency: 8,
        timeoutMs: config.alertTimeoutMs,
        allowedTargets,
        maxAttempts: config.alertMaxAttempts,
        retryBaseMs: config.alertRetryBaseMs,
        retryMaxMs: config.alertRetryMaxMs,
        retentionMs: config.alertRetentionDays * DAY_MS,
        purgeEveryMs: HOUR_MS,
      },
      config.smtpUrl ? smtpSender(config.smtpUrl, config.smtpFrom, config.alertTimeoutMs) : undefined,
    );
    this.alerts = new Alerts(db, clock, () => this.delivery.kick(), allowedTargets);
    this.predictive = new PredictiveModels(database, clock);
    this.predictions = new PredictionService(database, this.predictive, clock);
  }

  static async open(
    config: ServiceConfig,
    log: Logger,
    clock: () => number = Date.now,
  ): Promise<ScoringService> {
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      databaseSchema: config.databaseSchema,
      dataDir: config.dataDir,
    });
    return new ScoringService(database, config, log, clock);
  }

  get db() {
    return this.database.db;
  }

  /** Resumes unfinished jobs and queued scoring, and starts the periodic decay pass. */
  startBackground(): void {
    this.rememberStoredEvents();
    void this.warnWithoutAutovacuum();
    if (this.database.sqlite) {
      this.checkpointer = startCheckpointer(this.database.sqlite.name, (err) =>
        this.log.warn({ err }, "log checkpoints stay on the main thread: the checkpoint worker failed"),
      );
    }
    this.scorer.start();
    this.delivery.start();
    void this.publishing.resume();
    const seconds = this.config.decayIntervalSeconds;
    if (seconds > 0) {
      // Stored predictions move with time as scores do: refreshed right after each decay pass.
      this.decayTimer = setInterval(
        () =>
          void this.decay()
            .catch((err) => this.log.error({ err }, "decay pass failed"))
            .then(() => this.refreshPredictions())
            .catch((err) => this.log.error({ err }, "prediction refresh failed")),
        seconds * 1000,
      );
      this.decayTimer.unref();
    }
  }

  /**
   * PostgreSQL without autovacuum: every score, state and queue row Leadscore rewrites leaves a
   * dead row behind, and the planner's statistics never follow the tables' growth, so queries
   * slow down run after run (seen in the ingest bench, where upserts of contact states slowed
   * down once a few runs had gone through unvacuumed). Said at start, since nothing else would
   * tell.
   */
  private async warnWithoutAutovacuum(): Promise<void> {
    try {
      if (await this.store.autovacuumOff())
        this.log.warn(
          "PostgreSQL's autovacuum is off: the tables Leadscore rewrites (scores, contact states, the score queue) will bloat and slow down; turn it on, or run VACUUM ANALYZE regularly",
        );
    } catch (err) {
      this.log.debug({ err }, "could not read PostgreSQL's autovacuum setting");
    }
  }

  /**
   * SQLite: reads the ids of stored events into memory (store/event-id-memory.ts), from the file
   * saved at the last stop when it still holds, so that the first insert does not do it under
   * the write lock. Idempotent ingest on SQLite checks ids there.
   */
  rememberStoredEvents(): void {
    const sqlite = this.database.sqlite;
    if (!sqlite) return;
    const startedMs = performance.now();
    const remembered = sqliteStoreOf(sqlite).rememberStoredEvents(savedEventIdsFile(sqlite));
    this.log.info(
      {
        events: remembered.events,
        megabytes: Math.round(remembered.bytes / 1e5) / 10,
        ms: Math.round(performance.now() - startedMs),
        from: remembered.from,
      },
      "ids of stored events read into memory",
    );
  }

  /** Brings every stored score up to date with the clock (decay, windows). One pass at a time. */
  async decay(): Promise<{ contacts: number; changed: number }> {
    if (this.decayRunning) await this.decayRunning;
    const run = rescoreAll(
      this.store,
      this.models,
      { cause: "decay" },
      { clock: this.clock, shouldStop: () => this.stopping },
    );
    this.decayRunning = run;
    try {
      const result = await run;
      this.decayStats.runs++;
      this.decayStats.lastRunAt = new Date(this.clock()).toISOString();
      this.decayStats.lastChanged = result.changed;
      this.log.info({ contacts: result.done, changed: result.changed }, "decay pass finished");
      return { contacts: result.done, changed: result.changed };
    } finally {
      this.decayRunning = undefined;
    }
  }

  /** Computes and stores every contact's predictions now, deciding prediction alerts. */
  async refreshPredictions(): Promise<{ contacts: number; changed: number; alerts: number }> {
    const result = await this.predictions.refresh({ shouldStop: () => this.stopping });
    if (result.contacts > 0) this.log.info(result, "prediction refresh finished");
    if (result.alerts > 0) this.delivery.kick();
    return result;
  }

  /**
   * Stops timers, waits for requests being committed and running jobs, closes the database.
   * Events not scored yet stay queued (durably) and are scored at the next start.
   */
  async close(): Promise<void> {
    this.checkpointer?.stop();
    if (this.decayTimer) clearInterval(this.decayTimer);
    await this.ingestor.drain();
    await this.scorer.stop();
    // Deliveries under way are settled; the rest stay in the outbox for the next start.
    await this.delivery.stop();
    this.stopping = true;
    await this.decayRunning?.catch(() => undefined);
    await this.predictions.idle();
    await this.publishing.stop();
    this.saveEventIds();
    await this.database.close();
  }

  /** Saves the memory of event ids for the next start; a failure only makes that start slower. */
  private saveEventIds(): void {
    const sqlite = this.database.sqlite;
    if (!sqlite) return;
    const file = savedEventIdsFile(sqlite);
    try {
      if (sqliteStoreOf(sqlite).saveEventIds(file))
        this.log.info({ file }, "ids of stored events saved for the next start");
    } catch (err) {
      this.log.warn(
        { err, file },
        "could not save the ids of stored events: the next start reads them from the table",
      );
    }
  }
}
