/**
 * Alerts in the service: versions of the trigger file (upload, validate, publish), the outbox
 * (deliveries and dead letters) and replay. Deciding alerts happens in record.ts, in the scoring
 * transaction; delivering them in delivery.ts.
 */
import type { Kysely } from "kysely";
import type { Tables } from "../../store/tables.js";
import { isoTime } from "../../time/timestamps.js";
import { Conflict, type FieldIssue, InvalidDocument, notFound } from "../shared/errors.js";
import { ALLOW_HINT, hostProblem, NOTHING_ALLOWED, type TargetAllowList } from "./targets.js";
import { parseTriggerFile, type Trigger, TriggerFileError } from "./triggers.js";

export interface TriggerVersionView {
  version: number;
  triggers: string[];
  createdAt: string;
  published: boolean;
}

export interface DeliveryView {
  id: string;
  triggerId: string;
  contactId: string;
  modelKey: string;
  kind: string;
  status: "pending" | "delivered" | "dead";
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const DELIVERY_STATUSES = ["pending", "delivered", "dead"] as const;

const iso = (ms: number) => isoTime(ms);

function deliveryView(row: Tables["alert_outbox"]): DeliveryView {
  return {
    id: row.id,
    triggerId: row.trigger_id,
    contactId: row.contact_id,
    modelKey: row.model_key,
    kind: row.kind,
    status: row.status as DeliveryView["status"],
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? iso(row.next_attempt_ms) : null,
    lastError: row.last_error,
    createdAt: iso(row.created_ms),
    finishedAt: row.finished_ms === null ? null : iso(row.finished_ms),
  };
}

/** Webhook URLs whose host is refused (targets.ts), named by trigger and URL. */
function refusedWebhooks(triggers: readonly Trigger[], allow: TargetAllowList): FieldIssue[] {
  const issues: FieldIssue[] = [];
  triggers.forEach((trigger, i) => {
    trigger.actions.forEach((action, j) => {
      if (!("webhook" in action)) return;
      const problem = hostProblem(new URL(action.webhook.url).hostname, allow);
      if (problem)
        issues.push({
          field: `triggers.${i}.actions.${j}.webhook.url`,
          message: `trigger "${trigger.id}": the webhook URL ${action.webhook.url} is refused: ${problem}; ${ALLOW_HINT}`,
        });
    });
  });
  return issues;
}

export class Alerts {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly clock: () => number,
    /** Called after a replay so the worker looks at once. */
    private readonly onReplay: () => void = () => undefined,
    private readonly allowedTargets: TargetAllowList = NOTHING_ALLOWED,
  ) {}

  /** Stores a new version of the trigger file (validated first; nothing stored when invalid). */
  async upload(source: string): Promise<TriggerVersionView> {
    let triggers: Trigger[];
    try {
      triggers = parseTriggerFile(source).triggers;
    } catch (error) {
      if (!(error instanceof TriggerFileError)) throw error;
      throw new InvalidDocument(
        "invalid_triggers",
        `the trigger file is invalid (${error.issues.length} issue${error.issues.length === 1 ? "" : "s"})`,
        error.issues.map((issue) => ({
          field: issue.path,
          message:
            issue.line !== undefined ? `line ${issue.line}:${issue.column}: ${issue.message}` : issue.message,
        })),
      );
    }
    const refused = refusedWebhooks(triggers, this.allowedTargets);
    if (refused.length > 0) throw new InvalidDocument("invalid_triggers", refused[0].message, refused);
    const ids = triggers.map((t) => t.id);
    const created_ms = this.clock();
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.db.transaction().execute(async (tx) => {
          const last = await tx
            .selectFrom("trigger_versions")
            .select((eb) => eb.fn.max("version").as("v"))
            .executeTakeFirst();
          const version = Number(last?.v ?? 0) + 1;
          await tx
            .insertInto("trigger_versions")
            .values({ version, source, created_ms, published_ms: null })
            .execute();
          return { version, triggers: ids, createdAt: iso(created_ms), published: false };
        });
      } catch (error) {
        // Two uploads at once: the second retries with the next version number.
        if (attempt < 3 && /unique|duplicate/i.test(String((error as Error).message))) continue;
        throw error;
      }
    }
  }

  async versions(): Promise<TriggerVersionView[]> {
    const rows = await this.db.selectFrom("trigger_versions").selectAll().orderBy("version").execute();
    return rows.map((row) => ({
      version: row.version,
      triggers: parseTriggerFile(row.source).triggers.map((t) => t.id),
      createdAt: iso(row.created_ms),
      published: row.published_ms !== null,
    }));
  }

  async source(version: number): Promise<string> {
    const row = await this.db
      .selectFrom("trigger_versions")
      .select("source")
      .where("version", "=", version)
      .executeTakeFirst();
    if (!row) throw notFound(`trigger file version ${version}`);
    return row.source;
  }

  /** Publishes a version: scoring transactions decide with it from their next change on. */
  async publish(version: number): Promise<TriggerVersionView> {
    const now = this.clock();
    await this.db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom("trigger_versions")
        .select("version")
        .where("version", "=", version)
        .executeTakeFirst();
      if (!row) throw notFound(`trigger file version ${version}`);
      await tx
        .updateTable("trigger_versions")
        .set({ published_ms: null })
        .where("published_ms", "is not", null)
        .execute();
      await tx
        .updateTable("trigger_versions")
        .set({ published_ms: now })
        .where("version", "=", version)
        .execute();
    });
    return (await this.versions()).find((v) => v.version === version) as TriggerVersionView;
  }

  async unpublish(): Promise<void> {
    await this.db
      .updateTable("trigger_versions")
      .set({ published_ms: null })
      .where("published_ms", "is not", null)
      .execute();
  }

  /** Deliveries, newest first, optionally of one status. */
  async deliveries(options: { status?: DeliveryView["status"]; limit: number }): Promise<DeliveryView[]> {
    let query = this.db
      .selectFrom("alert_outbox")
      .selectAll()
      .orderBy("created_ms", "desc")
      .orderBy("id")
      .limit(options.limit);
    if (options.status) query = query.where("status", "=", options.status);
    return (await query.execute()).map(deliveryView);
  }

  async delivery(id: string): Promise<DeliveryView & { payload: unknown }> {
    const row = await this.db.selectFrom("alert_outbox").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw notFound(`delivery ${id}`);
    return { ...deliveryView(row), payload: JSON.parse(row.payload) };
  }

  /** Puts dead letters back in the outbox (same delivery id, attempts from zero). */
  async replay(ids: readonly string[] | "all"): Promise<{ replayed: number }> {
    let query = this.db
      .updateTable("alert_outbox")
      .set({ status: "pending", attempts: 0, next_attempt_ms: this.clock(), finished_ms: null })
      .where("status", "=", "dead");
    if (ids !== "all") {
      if (ids.length === 0) return { replayed: 0 };
      query = query.where("id", "in", [...ids]);
    }
    const result = await query.executeTakeFirst();
    const replayed = Number(result.numUpdatedRows);
    if (ids !== "all" && ids.length === 1 && replayed === 0) {
      await this.delivery(ids[0]); // 404 when unknown
      throw new Conflict("not_dead", `delivery ${ids[0]} is not a dead letter`);
    }
    if (replayed > 0) this.onReplay();
    return { replayed };
  }

  async counts(): Promise<Record<DeliveryView["status"], number>> {
    const rows = await this.db
      .selectFrom("alert_outbox")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
    const out = { pending: 0, delivered: 0, dead: 0 };
    for (const row of rows) out[row.status as DeliveryView["status"]] = Number(row.n);
    return out;
  }

  /** A contact's lifecycle stage and owner as triggers set them. */
  async lifecycle(
    contactId: string,
  ): Promise<{ stage: string | null; owner: string | null; updatedAt: string | null }> {
    const row = await this.db
      .selectFrom("contact_lifecycle")
      .selectAll()
      .where("contact_id", "=", contactId)
      .executeTakeFirst();
    return {
      stage: row?.stage ?? null,
      owner: row?.owner ?? null,
      updatedAt: row ? iso(row.updated_ms) : null,
    };
  }
}
