/**
 * The delivery worker: takes due rows from the alert outbox and delivers them, apart from ingest
 * and scoring (a slow or failing receiver only delays its own deliveries). At least once: a row
 * is leased before it is sent and settled after, so a process killed in between leaves it to be
 * sent again when the lease runs out; receivers deduplicate by the delivery id. A failed attempt
 * is retried after an exponential backoff with jitter; after `maxAttempts` the row is dead (a
 * dead letter, listed and replayed through the API or the CLI).
 */
import type { Logger } from "pino";
import type { Database } from "../../store/database.js";
import type { Tables } from "../../store/tables.js";
import type { AlertPayload } from "./record.js";
import type { TargetAllowList } from "./targets.js";
import { type AttemptResult, sendWebhook, type WebhookTarget } from "./webhook.js";

export interface DeliveryOptions {
  enabled: boolean;
  pollMs: number;
  /** Rows taken per round. */
  batch: number;
  /** Deliveries in flight at once. */
  concurrency: number;
  timeoutMs: number;
  /** Webhook targets let through although private or local (targets.ts). */
  allowedTargets?: TargetAllowList;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /**
   * Delivered rows older than this (by when they were delivered) are deleted, in ms; 0 keeps
   * them. Dead letters stay until replayed: someone has to look at them.
   */
  retentionMs: number;
  /** How often to delete expired rows, in ms. */
  purgeEveryMs: number;
}

export interface DeliveryStats {
  delivered: number;
  failedAttempts: number;
  dead: number;
  /** Delivered rows deleted after the retention. */
  purged: number;
}

/** Rows deleted by one statement of a purge: short transactions, which never hold up ingest. */
const PURGE_CHUNK = 1000;

/** Sends one email alert; undefined when SMTP is not configured. */
export type EmailSender = (
  target: { to: string[]; subject?: string },
  payload: AlertPayload,
) => Promise<void>;

type OutboxRow = Tables["alert_outbox"];

/** Backoff before attempt n+1 after n failures: base·2^(n-1), capped, times a jitter in [0.5, 1). */
export function retryDelayMs(failures: number, options: DeliveryOptions, random: () => number): number {
  const exponential = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential * (0.5 + random() / 2));
}

export class DeliveryWorker {
  readonly stats: DeliveryStats = { delivered: 0, failedAttempts: 0, dead: 0, purged: 0 };
  private timer: NodeJS.Timeout | undefined;
  private lastPurgeMs = Number.NEGATIVE_INFINITY;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly database: Database,
    private readonly log: Logger,
    private readonly clock: () => number,
    private readonly options: DeliveryOptions,
    private readonly email?: EmailSender,
    private readonly random: () => number = Math.random,
  ) {}

  /** A lease outlives any attempt: a row is only taken again once its sender is surely gone. */
  private get leaseMs(): number {
    return this.options.timeoutMs * 2 + 5000;
  }

  start(): void {
    if (!this.options.enabled) return;
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  kick(): void {
    if (this.stopped || !this.options.enabled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.runUntilIdle()
      .catch((err) => this.log.warn({ err }, "alert delivery round failed; rows stay in the outbox"))
      .finally(() => {
        this.running = undefined;
      });
  }

  private async runUntilIdle(): Promise<void> {
    if (this.options.retentionMs > 0 && this.clock() - this.lastPurgeMs >= this.options.purgeEveryMs) {
      this.lastPurgeMs = this.clock();
      await this.purgeDelivered().catch((err) =>
        this.log.warn({ err }, "deleting expired alert deliveries failed"),
      );
    }
    do {
      this.again = false;
      while (!this.stopped && (await this.round()) > 0);
    } while (this.again && !this.stopped);
  }

  /** Leases due rows, delivers them, settles each. Returns the number of rows taken. */
  async round(): Promise<number> {
    const rows = await this.lease();
    let next = 0;
    const work = async () => {
      while (next < rows.length) await this.deliver(rows[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, rows.length) }, work));
    return rows.length;
  }

  private async lease(): Promise<OutboxRow[]> {
    const now = this.clock();
    return this.database.db.transaction().execute(async (tx) => {
      let query = tx
        .selectFrom("alert_outbox")
        .selectAll()
        .where("status", "=", "pending")
        .where("next_attempt_ms", "<=", now)
        .orderBy("next_attempt_ms")
        .limit(this.options.batch);
      if (this.database.dialect === "postgres") query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length === 0) return rows;
      await tx
        .updateTable("alert_outbox")
        .set({ next_attempt_ms: now + this.leaseMs })
        .where(
          "id",
          "in",
          rows.map((row) => row.id),
        )
        .execute();
      return rows;
    });
  }

  private async attempt(row: OutboxRow): Promise<AttemptResult> {
    const payload = JSON.parse(row.payload) as AlertPayload;
    if (row.kind === "webhook") {
      const target = JSON.parse(row.target) as WebhookTarget;
      return sendWebhook(target, payload, {
        timeoutMs: this.options.timeoutMs,
        nowMs: this.clock(),
        allow: this.options.allowedTargets,
      });
    }
    if (!this.email)
      return { ok: false, error: "email is not configured (set smtpUrl / LEADSCORE_SMTP_URL)" };
    try {
      await this.email(JSON.parse(row.target), payload);
      return { ok: true, status: 250 };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  }

  private async deliver(row: OutboxRow): Promise<void> {
    const result = await this.attempt(row);
    const attempts = row.attempts + 1;
    const now = this.clock();
    let update: Partial<OutboxRow>;
    if (result.ok) {
      this.stats.delivered++;
      update = { status: "delivered", attempts, finished_ms: now, last_error: null };
    } else if (attempts >= this.options.maxAttempts) {
      this.stats.failedAttempts++;
      this.stats.dead++;
      this.log.warn({ delivery: row.id, error: result.error, attempts }, "alert delivery is dead");
      update = { status: "dead", attempts, finished_ms: now, last_error: result.error };
    } else {
      this.stats.failedAttempts++;
      const delay = retryDelayMs(attempts, this.options, this.random);
      update = { attempts, next_attempt_ms: now + delay, last_error: result.error };
    }
    await this.database.db
      .updateTable("alert_outbox")
      .set(update)
      .where("id", "=", row.id)
      .where("status", "=", "pending")
      .execute();
  }

  /**
   * Deletes delivered rows older than the retention, a chunk per transaction; returns how many.
   * Run by the worker every `purgeEveryMs`.
   */
  async purgeDelivered(): Promise<number> {
    const before = this.clock() - this.options.retentionMs;
    let deleted = 0;
    for (;;) {
      const expired = this.database.db
        .selectFrom("alert_outbox")
        .select("id")
        .where("status", "=", "delivered")
        .where("finished_ms", "<", before)
        .limit(PURGE_CHUNK);
      const result = await this.database.db
        .deleteFrom("alert_outbox")
        .where("id", "in", expired)
        .executeTakeFirst();
      const n = Number(result.numDeletedRows);
      deleted += n;
      this.stats.purged += n;
      if (n < PURGE_CHUNK || this.stopped) break;
    }
    if (deleted > 0)
      this.log.info({ deleted, before: new Date(before).toISOString() }, "expired alert deliveries deleted");
    return deleted;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
