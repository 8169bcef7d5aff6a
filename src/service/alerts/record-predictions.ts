/**
 * Alerts decided on predictions: the prediction refresh (service/predictions/predictions.ts)
 * calls `recordPredictionAlerts` in the transaction that stores the new predictions, so an
 * alert is decided once per change and its outbox rows commit with the prediction, or not at
 * all. Same hysteresis, minimum interval and outbox as score triggers (decide.ts, record.ts);
 * the trigger state is kept under "predictive:<key>" so it never mixes with a rule model's.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Factor } from "../../predict/predictor.js";
import type { Tables } from "../../store/tables.js";
import { decide, type PredictionSnapshot, predictedConditionOf } from "./decide.js";
import {
  type DeliveryAction,
  outboxEntry,
  publishedTriggers,
  readStates,
  stateKey,
  writeDecisions,
} from "./record.js";
import { isPredicted, type PredictedWhen, type Trigger } from "./triggers.js";

/** One contact's prediction that differs from the stored one. */
export interface PredictionChange {
  contact: { id: string; email: string | null };
  modelKey: string;
  modelVersion: number;
  horizonDays: number;
  before: PredictionSnapshot | undefined;
  after: PredictionSnapshot;
  asOfMs: number;
  /** The strongest factors up and down; computed only when an alert fires. */
  factors(): { up: Factor[]; down: Factor[] };
}

export interface PredictionAlertPayload {
  id: string;
  type: "leadscore.alert";
  firedAt: string;
  trigger: { id: string; when: Trigger["when"] };
  contact: { id: string; email: string | null };
  model: { key: string; version: number; kind: "predictive"; horizonDays: number };
  previous: PredictionSnapshot | null;
  current: PredictionSnapshot;
  cause: { cause: "prediction"; asOf: string };
  factors: { up: Factor[]; down: Factor[] };
}

export const predictiveStateKey = (modelKey: string) => `predictive:${modelKey}`;

export async function recordPredictionAlerts(
  tx: Kysely<Tables>,
  changes: readonly PredictionChange[],
  nowMs: number,
): Promise<number> {
  if (changes.length === 0) return 0;
  const triggers = (await publishedTriggers(tx)).filter((trigger) => isPredicted(trigger.when));
  if (triggers.length === 0) return 0;
  const stored = await readStates(tx, [...new Set(changes.map((c) => c.contact.id))]);
  const stateRows: Tables["trigger_states"][] = [];
  const outbox: Tables["alert_outbox"][] = [];
  let fired = 0;
  for (const change of changes) {
    const applicable = triggers.filter((t) => t.model === undefined || t.model === change.modelKey);
    if (applicable.length === 0) continue;
    const modelKey = predictiveStateKey(change.modelKey);
    const decision = decide(
      applicable,
      stored.get(stateKey(change.contact.id, modelKey)) ?? new Map(),
      change.before,
      change.after,
      nowMs,
      (when) => predictedConditionOf(when as PredictedWhen),
    );
    for (const [triggerId, state] of decision.states)
      stateRows.push({
        contact_id: change.contact.id,
        model_key: modelKey,
        trigger_id: triggerId,
        armed: state.armed ? 1 : 0,
        last_fired_ms: state.lastFiredMs,
      });
    for (const trigger of decision.fired) {
      fired++;
      // Lifecycle actions are refused on prediction triggers when the file is read (triggers.ts).
      for (const action of trigger.actions)
        if (!("lifecycle" in action))
          outbox.push(
            outboxEntry(payloadOf(change, trigger, nowMs), modelKey, action as DeliveryAction, nowMs),
          );
    }
  }
  await writeDecisions(tx, stateRows, outbox);
  return fired;
}

function payloadOf(change: PredictionChange, trigger: Trigger, nowMs: number): PredictionAlertPayload {
  return {
    id: randomUUID(),
    type: "leadscore.alert",
    firedAt: new Date(nowMs).toISOString(),
    trigger: { id: trigger.id, when: trigger.when },
    contact: change.contact,
    model: {
      key: change.modelKey,
      version: change.modelVersion,
      kind: "predictive",
      horizonDays: change.horizonDays,
    },
    previous: change.before ?? null,
    current: change.after,
    cause: { cause: "prediction", asOf: new Date(change.asOfMs).toISOString() },
    factors: change.factors(),
  };
}
