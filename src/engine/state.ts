/**
 * Incremental scoring for the service: a contact's state is the short list of its events
 * that can still change its score. Applying one event to the state and evaluating gives
 * the same result as evaluating every event from scratch (a tested property), because
 * evaluation of the state runs the very same engine on the very same retained events.
 */
import type { Evaluator } from "./api.js";
import type { EvaluateOptions, Properties, ScoreResult, ScoringEvent } from "./types.js";

export interface StoredEvent {
  id?: string;
  type: string;
  timeMs: number;
  /** Only the properties the model reads. */
  properties?: Record<string, unknown>;
}

/** JSON-serialisable; events sorted by time, then id. */
export interface ContactState {
  /** The latest event time seen: the state is only valid for evaluations from this date on. */
  watermarkMs: number;
  events: StoredEvent[];
}

export function emptyState(): ContactState {
  return { watermarkMs: Number.NEGATIVE_INFINITY, events: [] };
}

function compareEvents(a: StoredEvent, b: StoredEvent): number {
  if (a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
  const ia = a.id ?? "";
  const ib = b.id ?? "";
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

function slim(evaluator: Evaluator, event: ScoringEvent): StoredEvent {
  const properties: Record<string, unknown> = {};
  for (const name of [...evaluator.eventStringFields, ...evaluator.eventNumberFields]) {
    const value = event.properties?.[name];
    if (value !== undefined && value !== null && value !== "") properties[name] = value;
  }
  const stored: StoredEvent = { type: event.type, timeMs: event.timeMs, properties };
  if (event.id !== undefined) stored.id = event.id;
  return stored;
}

function batchOf(evaluator: Evaluator, events: readonly StoredEvent[]) {
  const builder = evaluator.newBatch({ capacity: events.length, keepIds: true });
  for (const event of events) builder.add(event);
  return builder.build();
}

/** The state after one more event; events that can no longer count are dropped. */
export function applyEvent(evaluator: Evaluator, state: ContactState, event: ScoringEvent): ContactState {
  return applyEvents(evaluator, state, [event]);
}

/** The state after several more events, in any order (one sort and one pruning for all). */
export function applyEvents(
  evaluator: Evaluator,
  state: ContactState,
  added: readonly ScoringEvent[],
): ContactState {
  if (added.length === 0) return state;
  const events = [...state.events, ...added.map((event) => slim(evaluator, event))].sort(compareEvents);
  let watermarkMs = state.watermarkMs;
  for (const event of added) if (event.timeMs > watermarkMs) watermarkMs = event.timeMs;
  const batch = batchOf(evaluator, events);
  const keep = evaluator.retainedEvents(batch, 0, batch.size, watermarkMs);
  return { watermarkMs, events: keep.map((i) => events[i]) };
}

/**
 * applyEvents then evaluateState, with one event batch instead of two: the events pruned from
 * the state cannot change a score from the watermark on, so scoring before pruning gives the
 * same result. Scores as of max(nowMs, the new watermark). The service's hot path.
 */
export function advanceState(
  evaluator: Evaluator,
  state: ContactState,
  added: readonly ScoringEvent[],
  contact: Properties,
  company: Properties | undefined,
  nowMs: number,
  options: EvaluateOptions = {},
): { state: ContactState; result: ScoreResult; asOfMs: number } {
  const events =
    added.length === 0
      ? state.events
      : [...state.events, ...added.map((event) => slim(evaluator, event))].sort(compareEvents);
  let watermarkMs = state.watermarkMs;
  for (const event of added) if (event.timeMs > watermarkMs) watermarkMs = event.timeMs;
  const asOfMs = Math.max(nowMs, watermarkMs);
  const batch = batchOf(evaluator, events);
  const result = evaluator.evaluateRange(contact, company, batch, 0, batch.size, asOfMs, options);
  if (added.length === 0) return { state, result, asOfMs };
  const keep = evaluator.retainedEvents(batch, 0, batch.size, watermarkMs);
  return { state: { watermarkMs, events: keep.map((i) => events[i]) }, result, asOfMs };
}

/** Scores a contact from its state; asOf must not be before the state's watermark. */
export function evaluateState(
  evaluator: Evaluator,
  state: ContactState,
  contact: Properties,
  company: Properties | undefined,
  asOfMs: number,
  options: EvaluateOptions = {},
): ScoreResult {
  if (asOfMs < state.watermarkMs) {
    throw new RangeError(
      `cannot score as of ${new Date(asOfMs).toISOString()}: the state has events up to ${new Date(state.watermarkMs).toISOString()}`,
    );
  }
  const batch = batchOf(evaluator, state.events);
  return evaluator.evaluateRange(contact, company, batch, 0, batch.size, asOfMs, options);
}
