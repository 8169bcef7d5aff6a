/**
 * Alerts decided where scores are written: `recordAlerts` runs inside the scoring transaction
 * (called from scoreContacts), so an alert is decided exactly once per score change and its
 * outbox rows commit with the score, or not at all. Deliveries leave later, from the outbox
 * (delivery.ts); lifecycle actions are database writes and apply here, in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { type Kysely, sql } from "kysely";
import type { LedgerLine, Properties } from "../../engine/index.js";
import { chunks } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import { historyColumnsOf, type ScoreSnapshot } from "../shared/snapshot.js";
import { decide, type TriggerState } from "./decide.js";
import type { PredictionAlertPayload } from "./record-predictions.js";
import { isPredicted, parseTriggerFile, type Trigger, type TriggerAction } from "./triggers.js";

/** One changed score, as scoreContacts saw it. */
export interface ScoreChange {
  contact: { id: string; email: string | null; properties: Properties };
  modelKey: string;
  modelVersion: number;
  before: ScoreSnapshot | undefined;
  after: ScoreSnapshot;
  cause: string;
  detail: Record<string, unknown>;
  /**
   * The new score's ledger, events named by the sender's ids; computed only when an alert fires
   * (it costs an evaluation and a read).
   */
  ledger(): Promise<LedgerLine[]>;
}

/** A delivered alert: a score trigger's (this) or a prediction trigger's (record-predictions.ts). */
export type AlertPayload = ScoreAlertPayload | PredictionAlertPayload;

export interface ScoreAlertPayload {
  id: string;
  type: "leadscore.alert";
  firedAt: string;
  trigger: { id: string; when: Trigger["when"] };
  contact: { id: string; email: string | null };
  model: { key: string; version: number };
  previous: ScoreSnapshot | null;
  current: ScoreSnapshot;
  cause: Record<string, unknown>;
  /** The ledger lines behind the change: those of the new events, or every line that counts. */
  ledger: LedgerLine[];
}

// Trigger files by their text: versions are immutable, and several databases may share a process (tests).
const compiled = new Map<string, Trigger[]>();

/** The published triggers, or none. */
export async function publishedTriggers(db: Kysely<Tables>): Promise<Trigger[]> {
  const row = await db
    .selectFrom("trigger_versions")
    .select("source")
    .where("published_ms", "is not", null)
    .executeTakeFirst();
  if (!row) return [];
  let triggers = compiled.get(row.source);
  if (!triggers) {
    triggers = parseTriggerFile(row.source).triggers;
    if (compiled.size > 32) compiled.clear();
    compiled.set(row.source, triggers);
  }
  return triggers;
}

export const stateKey = (contactId: string, modelKey: string) => `${contactId}\u0000${modelKey}`;

export async function recordAlerts(
  tx: Kysely<Tables>,
  changes: readonly ScoreChange[],
  nowMs: number,
): Promise<void> {
  if (changes.length === 0) return;
  // Prediction triggers are decided by the prediction refresh, on predictions.
  const triggers = (await publishedTriggers(tx)).filter((trigger) => !isPredicted(trigger.when));
  if (triggers.length === 0) return;
  const stored = await readStates(tx, [...new Set(changes.map((c) => c.contact.id))]);
  const stateRows: Tables["trigger_states"][] = [];
  const outbox: Tables["alert_outbox"][] = [];
  for (const change of changes) {
    const applicable = triggers.filter((t) => t.model === undefined || t.model === change.modelKey);
    if (applicable.length === 0) continue;
    const key = stateKey(change.contact.id, change.modelKey);
    const decision = decide(applicable, stored.get(key) ?? new Map(), change.before, change.after, nowMs);
    for (const [triggerId, state] of decision.states) {
      stateRows.push({
        contact_id: change.contact.id,
        model_key: change.modelKey,
        trigger_id: triggerId,
        armed: state.armed ? 1 : 0,
        last_fired_ms: state.lastFiredMs,
      });
    }
    for (const trigger of decision.fired) {
      for (const [index, action] of trigger.actions.entries()) {
        if ("lifecycle" in action) await applyLifecycle(tx, change, trigger, index, action.lifecycle, nowMs);
        else outbox.push(await outboxRow(change, trigger, action, nowMs));
      }
    }
  }
  await writeDecisions(tx, stateRows, outbox);
}

/** Stores changed trigger states and queues the deliveries (in the caller's transaction). */
export async function writeDecisions(
  tx: Kysely<Tables>,
  stateRows: readonly Tables["trigger_states"][],
  outbox: readonly Tables["alert_outbox"][],
): Promise<void> {
  for (const part of chunks([...stateRows], 200)) {
    await tx
      .insertInto("trigger_states")
      .values(part)
      .onConflict((oc) =>
        oc.columns(["contact_id", "model_key", "trigger_id"]).doUpdateSet((eb) => ({
          armed: eb.ref("excluded.armed"),
          last_fired_ms: eb.ref("excluded.last_fired_ms"),
        })),
      )
      .execute();
  }
  for (const part of chunks([...outbox], 100)) await tx.insertInto("alert_outbox").values(part).execute();
}

export async function readStates(tx: Kysely<Tables>, contactIds: string[]) {
  const out = new Map<string, Map<string, TriggerState>>();
  for (const part of chunks(contactIds, 500)) {
    const rows = await tx.selectFrom("trigger_states").selectAll().where("contact_id", "in", part).execute();
    for (const row of rows) {
      const key = stateKey(row.contact_id, row.model_key);
      let states = out.get(key);
      if (!states) {
        states = new Map();
        out.set(key, states);
      }
      states.set(row.trigger_id, { armed: row.armed === 1, lastFiredMs: row.last_fired_ms });
    }
  }
  return out;
}

/** The ledger lines that explain the change: the new events' lines, else every line that counts. */
async function causeLines(change: ScoreChange): Promise<LedgerLine[]> {
  const lines = await change.ledger();
  const eventIds = change.detail.eventIds;
  if (Array.isArray(eventIds) && eventIds.length > 0) {
    const ids = new Set(eventIds as string[]);
    const related = lines.filter((line) => line.eventIds?.some((id) => ids.has(id)));
    if (related.length > 0) return related;
  }
  return lines.filter((line) => line.points !== 0);
}

async function outboxRow(
  change: ScoreChange,
  trigger: Trigger,
  action: Exclude<TriggerAction, { lifecycle: unknown }>,
  nowMs: number,
): Promise<Tables["alert_outbox"]> {
  const id = randomUUID();
  const payload: ScoreAlertPayload = {
    id,
    type: "leadscore.alert",
    firedAt: new Date(nowMs).toISOString(),
    trigger: { id: trigger.id, when: trigger.when },
    contact: { id: change.contact.id, email: change.contact.email },
    model: { key: change.modelKey, version: change.modelVersion },
    previous: change.before ?? null,
    current: change.after,
    cause: { cause: change.cause, ...change.detail },
    ledger: await causeLines(change),
  };
  return outboxEntry(payload, change.modelKey, action, nowMs);
}

export type DeliveryAction = Exclude<TriggerAction, { lifecycle: unknown }>;

/** The outbox row that delivers `payload` through one webhook or email action. */
export function outboxEntry(
  payload: AlertPayload,
  modelKey: string,
  action: DeliveryAction,
  nowMs: number,
): Tables["alert_outbox"] {
  const [kind, target] = "webhook" in action ? ["webhook", action.webhook] : ["email", action.email];
  return {
    id: payload.id,
    trigger_id: payload.trigger.id,
    contact_id: payload.contact.id,
    model_key: modelKey,
    kind,
    target: JSON.stringify(target),
    payload: JSON.stringify(payload),
    status: "pending",
    attempts: 0,
    next_attempt_ms: nowMs,
    last_error: null,
    created_ms: nowMs,
    finished_ms: null,
  };
}

type LifecycleAction = Extract<TriggerAction, { lifecycle: unknown }>["lifecycle"];

/** Sets the stage and owner, and records the change in the contact's score history. */
async function applyLifecycle(
  tx: Kysely<Tables>,
  change: ScoreChange,
  trigger: Trigger,
  index: number,
  action: LifecycleAction,
  nowMs: number,
): Promise<void> {
  const current = await tx
    .selectFrom("contact_lifecycle")
    .selectAll()
    .where("contact_id", "=", change.contact.id)
    .executeTakeFirst();
  const owner = await ownerFor(tx, change, trigger, index, action.owner);
  const stage = action.stage ?? current?.stage ?? null;
  const newOwner = owner ?? current?.owner ?? null;
  await tx
    .insertInto("contact_lifecycle")
    .values({ contact_id: change.contact.id, stage, owner: newOwner, updated_ms: nowMs })
    .onConflict((oc) => oc.column("contact_id").doUpdateSet({ stage, owner: newOwner, updated_ms: nowMs }))
    .execute();
  const after = change.after;
  await tx
    .insertInto("score_history")
    .values({
      contact_id: change.contact.id,
      model_key: change.modelKey,
      model_version: change.modelVersion,
      at_ms: nowMs,
      as_of_ms: nowMs,
      cause: "lifecycle",
      detail: JSON.stringify({
        triggerId: trigger.id,
        stage,
        owner: newOwner,
        previousStage: current?.stage ?? null,
        previousOwner: current?.owner ?? null,
      }),
      ...historyColumnsOf(after),
      previous_total: after.total,
    })
    .execute();
}

async function ownerFor(
  tx: Kysely<Tables>,
  change: ScoreChange,
  trigger: Trigger,
  index: number,
  rule: LifecycleAction["owner"],
): Promise<string | undefined> {
  if (!rule) return undefined;
  if ("byProperty" in rule) {
    const value = change.contact.properties[rule.byProperty];
    return (typeof value === "string" ? rule.map[value] : undefined) ?? rule.default;
  }
  // One atomic increment: two processes assigning at once get different owners.
  const row = await tx
    .insertInto("owner_rotation")
    .values({ key: `${trigger.id}#${index}`, next: 1 })
    .onConflict((oc) => oc.column("key").doUpdateSet({ next: sql<number>`owner_rotation.next + 1` }))
    .returning("next")
    .executeTakeFirstOrThrow();
  return rule.roundRobin[(row.next - 1) % rule.roundRobin.length];
}
