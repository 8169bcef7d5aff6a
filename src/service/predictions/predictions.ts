/**
 * Predictions in the service: read time (a contact's probability of converting within the
 * horizon, its tier and top factors, computed as of now from its stored history, exactly as
 * `leadscore predict --contacts --as-of` computes them) and the refresh pass, which computes
 * every contact's prediction, stores probability and tier, and decides prediction alerts in
 * the same transaction (service/alerts/record-predictions.ts).
 */
import type { Kysely } from "kysely";
import type { PredictiveArtifact } from "../../predict/artifact.js";
import { type ContactHistory, contactFeatures } from "../../predict/features.js";
import { type Factor, type Predictions, predictRows } from "../../predict/predictor.js";
import type { Database } from "../../store/database.js";
import { lockContacts } from "../../store/locks.js";
import type { Tables } from "../../store/tables.js";
import { isoTime } from "../../time/timestamps.js";
import { type PredictionChange, recordPredictionAlerts } from "../alerts/record-predictions.js";
import { notFound } from "../shared/errors.js";
import { readHistories } from "./histories.js";
import type { ActivePredictive, PredictiveModels } from "./predictive.js";

export interface FactorView extends Factor {
  /** For people: "pageViews_30d=12 (+0.42)". */
  text: string;
}

export interface PredictionView {
  model: { key: string; version: number; kind: string };
  horizonDays: number;
  asOf: string;
  probability: number;
  tier: string;
  factors: { up: FactorView[]; down: FactorView[] };
  /** What the last refresh stored (what prediction triggers compare), if any. */
  stored: { probability: number; tier: string; version: number; asOf: string } | null;
}

export interface RefreshResult {
  contacts: number;
  /** Stored predictions new or different (probability, tier or model version). */
  changed: number;
  /** Prediction triggers fired. */
  alerts: number;
}

/** Features as of the date, then the model: the same two steps as the CLI's predict. */
export function predictHistories(
  artifact: PredictiveArtifact,
  histories: readonly ContactHistory[],
  asOfMs: number,
  factors = true,
): Predictions {
  const { dataset } = contactFeatures(histories, artifact.schema, asOfMs);
  return predictRows(artifact, dataset, { factors });
}

function factorViews(predictions: Predictions, row: number, count: number) {
  const { up, down } = predictions.factors(row, count);
  const withText = (factor: Factor): FactorView => ({ ...factor, text: predictions.describe(factor) });
  return { up: up.map(withText), down: down.map(withText) };
}

const storedKey = (contactId: string, modelKey: string) => `${contactId}\u0000${modelKey}`;

export class PredictionService {
  private running: Promise<RefreshResult> | undefined;

  constructor(
    private readonly database: Database,
    private readonly models: PredictiveModels,
    private readonly clock: () => number,
  ) {}

  /** The contact's predictions under every published predictive model, as of the date (default now). */
  async forContact(
    contactId: string,
    options: { asOfMs?: number; factors: number },
  ): Promise<{ contactId: string; asOf: string; predictions: PredictionView[] }> {
    const db = this.database.db;
    const asOfMs = options.asOfMs ?? this.clock();
    const active = await this.models.active(db);
    const [history] = await readHistories(db, [contactId], asOfMs);
    if (!history) throw notFound(`contact ${contactId}`);
    const stored = await db
      .selectFrom("predictions")
      .selectAll()
      .where("contact_id", "=", contactId)
      .execute();
    const predictions = active.map((model): PredictionView => {
      const result = predictHistories(model.artifact, [history], asOfMs);
      const row = stored.find((s) => s.model_key === model.key);
      return {
        model: { key: model.key, version: model.version, kind: model.artifact.kind },
        horizonDays: model.artifact.schema.contacts?.horizonDays ?? 0,
        asOf: isoTime(asOfMs),
        probability: result.probabilities[0],
        tier: result.tiers[0],
        factors: factorViews(result, 0, options.factors),
        stored: row
          ? {
              probability: row.probability,
              tier: row.tier,
              version: row.model_version,
              asOf: isoTime(row.as_of_ms),
            }
          : null,
      };
    });
    return { contactId, asOf: isoTime(asOfMs), predictions };
  }

  /** Computes and stores every contact's predictions as of now; one pass at a time per process. */
  async refresh(options: { shouldStop?: () => boolean; pageSize?: number } = {}): Promise<RefreshResult> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.pass(options);
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Resolves when no pass is running (shutdown). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async pass(options: { shouldStop?: () => boolean; pageSize?: number }): Promise<RefreshResult> {
    const total: RefreshResult = { contacts: 0, changed: 0, alerts: 0 };
    const db = this.database.db;
    if (options.shouldStop?.() || (await this.models.active(db)).length === 0) return total;
    let after = "";
    for (;;) {
      if (options.shouldStop?.()) break;
      const ids = (
        await db
          .selectFrom("contacts")
          .select("id")
          .where("id", ">", after)
          .orderBy("id")
          .limit(options.pageSize ?? 500)
          .execute()
      ).map((row) => row.id);
      if (ids.length === 0) break;
      const page = await db.transaction().execute(async (tx) => {
        await lockContacts(tx, this.database.dialect, ids);
        return this.refreshPage(tx, ids, this.clock());
      });
      total.contacts += ids.length;
      total.changed += page.changed;
      total.alerts += page.alerts;
      after = ids[ids.length - 1];
      // Let ingest and reads run between pages.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return total;
  }

  private async refreshPage(tx: Kysely<Tables>, ids: string[], nowMs: number) {
    const active = await this.models.active(tx);
    const histories = await readHistories(tx, ids, nowMs);
    const stored = new Map(
      (await tx.selectFrom("predictions").selectAll().where("contact_id", "in", ids).execute()).map((row) => [
        storedKey(row.contact_id, row.model_key),
        row,
      ]),
    );
    const rows: Tables["predictions"][] = [];
    const changes: PredictionChange[] = [];
    for (const model of active) {
      const result = predictHistories(model.artifact, histories, nowMs, false);
      histories.forEach((history, i) => {
        const after = { probability: result.probabilities[i], tier: result.tiers[i] };
        const previous = stored.get(storedKey(history.id, model.key));
        rows.push({
          contact_id: history.id,
          model_key: model.key,
          model_version: model.version,
          ...after,
          as_of_ms: nowMs,
          updated_ms: nowMs,
        });
        const same =
          previous !== undefined &&
          previous.model_version === model.version &&
          previous.tier === after.tier &&
          Math.abs(previous.probability - after.probability) < 1e-12;
        if (!same) changes.push(changeOf(model, history, previous, after, nowMs));
      });
    }
    for (let i = 0; i < rows.length; i += 200) {
      await tx
        .insertInto("predictions")
        .values(rows.slice(i, i + 200))
        .onConflict((oc) =>
          oc.columns(["contact_id", "model_key"]).doUpdateSet((eb) => ({
            model_version: eb.ref("excluded.model_version"),
            probability: eb.ref("excluded.probability"),
            tier: eb.ref("excluded.tier"),
            as_of_ms: eb.ref("excluded.as_of_ms"),
            updated_ms: eb.ref("excluded.updated_ms"),
          })),
        )
        .execute();
    }
    const alerts = await recordPredictionAlerts(tx, changes, nowMs);
    return { changed: changes.length, alerts };
  }
}

function changeOf(
  model: ActivePredictive,
  history: ContactHistory,
  previous: Tables["predictions"] | undefined,
  after: { probability: number; tier: string },
  nowMs: number,
): PredictionChange {
  const email = history.properties.email;
  return {
    contact: { id: history.id, email: typeof email === "string" ? email : null },
    modelKey: model.key,
    modelVersion: model.version,
    horizonDays: model.artifact.schema.contacts?.horizonDays ?? 0,
    before: previous ? { probability: previous.probability, tier: previous.tier } : undefined,
    after,
    asOfMs: nowMs,
    // Exact factors cost a TreeSHAP pass: only for the contacts whose alert fires.
    factors: () => predictHistories(model.artifact, [history], nowMs).factors(0, 3),
  };
}
