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
import type { ScoreSnapshot } from "../service/snapshot.js";
import type { Trigger, TriggerWhen } from "./triggers.js";

export interface TriggerState {
  armed: boolean;
  lastFiredMs: number | null;
}

export interface Condition {
  met(snapshot: ScoreSnapshot): boolean;
  /** Left far enough to fire again at the next crossing. */
  rearmed(snapshot: ScoreSnapshot): boolean;
}

export interface Decision {
  fired: Trigger[];
  /** New states to store, by trigger id (only those that differ from what is stored). */
  states: Map<string, TriggerState>;
}

function scoreOf(snapshot: ScoreSnapshot, score: string): number {
  return score === "total" ? snapshot.total : (snapshot.dimensions[score] ?? 0);
}

export function conditionOf(when: TriggerWhen): Condition {
  if ("score" in when) {
    const { score, hysteresis } = when;
    if ("above" in when) {
      const threshold = when.above;
      return {
        met: (s) => scoreOf(s, score) >= threshold,
        rearmed: (s) => scoreOf(s, score) < threshold - hysteresis,
      };
    }
    const threshold = when.below;
    return {
      met: (s) => scoreOf(s, score) <= threshold,
      rearmed: (s) => scoreOf(s, score) > threshold + hysteresis,
    };
  }
  return levelCondition(levelOf(when));
}

function levelOf(when: Exclude<TriggerWhen, { score: string }>): (s: ScoreSnapshot) => boolean {
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

function levelCondition(met: (s: ScoreSnapshot) => boolean): Condition {
  return { met, rearmed: (s) => !met(s) };
}

/** What a contact without a stored state is: armed unless the level already held before. */
function implicitState(condition: Condition, before: ScoreSnapshot | undefined): TriggerState {
  return { armed: before === undefined || !condition.met(before), lastFiredMs: null };
}

const sameState = (a: TriggerState, b: TriggerState) =>
  a.armed === b.armed && a.lastFiredMs === b.lastFiredMs;

export function decide(
  triggers: readonly Trigger[],
  stored: ReadonlyMap<string, TriggerState>,
  before: ScoreSnapshot | undefined,
  after: ScoreSnapshot,
  nowMs: number,
): Decision {
  const fired: Trigger[] = [];
  const states = new Map<string, TriggerState>();
  for (const trigger of triggers) {
    const condition = conditionOf(trigger.when);
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
