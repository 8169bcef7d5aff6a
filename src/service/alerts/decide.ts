/**
 * Which triggers fire for one change of one contact's score: pure, from the trigger
 * definitions, the contact's trigger state and the snapshots before and after.
 *
 * Each trigger watches a level (score at or above a threshold, temperature hot, MQL...). It
 * fires when it is armed and the level is reached, then disarms; it re-arms only once the
 * level is clearly left (for a score: beyond the hysteresis band), so flapping around a
 * threshold fires once. A minimum interval holds a second alert back until it has passed (the
 * trigger stays armed and fires at the first change after the interval if the level still holds).
 */
import type { ScoreSnapshot } from "../shared/snapshot.js";
import { isPredicted, type PredictedWhen, type ScoreWhen, type Trigger } from "./triggers.js";

/** A contact's stored prediction under one predictive model, as prediction triggers see it. */
export interface PredictionSnapshot {
  probability: number;
  tier: string;
}

export interface TriggerState {
  armed: boolean;
  lastFiredMs: number | null;
}

export interface Condition<S = ScoreSnapshot> {
  met(snapshot: S): boolean;
  /** Left far enough to fire again at the next crossing. */
  rearmed(snapshot: S): boolean;
}

export interface Decision {
  fired: Trigger[];
  /** New states to store, by trigger id (only those that differ from what is stored). */
  states: Map<string, TriggerState>;
}

function scoreOf(snapshot: ScoreSnapshot, score: string): number {
  return score === "total" ? snapshot.total : (snapshot.dimensions[score] ?? 0);
}

/** A threshold with a hysteresis band: met at or past it, re-armed once clearly back. */
function threshold<S>(
  value: (s: S) => number,
  when: { above: number; hysteresis: number } | { below: number; hysteresis: number },
): Condition<S> {
  const { hysteresis } = when;
  if ("above" in when) {
    const limit = when.above;
    return { met: (s) => value(s) >= limit, rearmed: (s) => value(s) < limit - hysteresis };
  }
  const limit = when.below;
  return { met: (s) => value(s) <= limit, rearmed: (s) => value(s) > limit + hysteresis };
}

/** The condition of a prediction trigger, on the contact's stored prediction. */
export function predictedConditionOf(when: PredictedWhen): Condition<PredictionSnapshot> {
  if (when.predicted === "tier") {
    const tiers = new Set<string>(when.in);
    return levelCondition((s: PredictionSnapshot) => tiers.has(s.tier));
  }
  return threshold((s: PredictionSnapshot) => s.probability, when);
}

/** The condition of a score trigger; prediction triggers are decided elsewhere (refresh). */
export function conditionOf(when: ScoreWhen | PredictedWhen): Condition {
  if (isPredicted(when)) throw new Error("a prediction trigger is decided on predictions, not scores");
  if ("score" in when) return threshold((s: ScoreSnapshot) => scoreOf(s, when.score), when);
  return levelCondition(levelOf(when));
}

function levelOf(when: Exclude<ScoreWhen, { score: string }>): (s: ScoreSnapshot) => boolean {
  if ("temperature" in when) return (s) => s.temperature === when.temperature;
  if ("grade" in when) {
    const grades = new Set(when.in);
    return (s) => {
      const grade = when.grade === "fit" ? s.fitGrade : s.engagementGrade;
      return grade !== null && grades.has(grade);
    };
  }
  if ("mql" in when) return (s) => s.mql;
  return (s) => s.disqualified;
}

function levelCondition<S>(met: (s: S) => boolean): Condition<S> {
  return { met, rearmed: (s) => !met(s) };
}

/** What a contact without a stored state is: armed unless the level already held before. */
function implicitState<S>(condition: Condition<S>, before: S | undefined): TriggerState {
  return { armed: before === undefined || !condition.met(before), lastFiredMs: null };
}

const sameState = (a: TriggerState, b: TriggerState) =>
  a.armed === b.armed && a.lastFiredMs === b.lastFiredMs;

export function decide<S = ScoreSnapshot>(
  triggers: readonly Trigger[],
  stored: ReadonlyMap<string, TriggerState>,
  before: S | undefined,
  after: S,
  nowMs: number,
  conditionFor: (when: Trigger["when"]) => Condition<S> = conditionOf as unknown as (
    when: Trigger["when"],
  ) => Condition<S>,
): Decision {
  const fired: Trigger[] = [];
  const states = new Map<string, TriggerState>();
  for (const trigger of triggers) {
    const condition = conditionFor(trigger.when);
    const previous = stored.get(trigger.id);
    let state = previous ?? implicitState(condition, before);
    if (!state.armed && condition.rearmed(after)) state = { ...state, armed: true };
    if (state.armed && condition.met(after)) {
      const minIntervalMs = trigger.minIntervalMinutes * 60_000;
      const held = state.lastFiredMs !== null && nowMs - state.lastFiredMs < minIntervalMs;
      if (!held) {
        fired.push(trigger);
        state = { armed: false, lastFiredMs: nowMs };
      }
    }
    // Unstored states are implicit: store one only when the next change could not infer it.
    const reference = previous ?? implicitState(condition, after);
    if (!sameState(reference, state)) states.set(trigger.id, state);
  }
  return { fired, states };
}
