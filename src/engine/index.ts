/** The engine's public API: compile a model once, evaluate many contacts. */
import type { Model } from "../model/schema.js";
import type { Evaluator } from "./api.js";
import { compileModel } from "./compile.js";
import type { EvaluateOptions, Properties, ScoreResult, ScoringEvent } from "./types.js";

export type { Evaluator } from "./api.js";
export { type EventBatch, EventBatchBuilder, StringPool } from "./batch.js";
export { compileModel } from "./compile.js";
export { BANDS, bandOf } from "./thresholds.js";
export * from "./types.js";

const compiled = new WeakMap<Model, Evaluator>();

/** Reads an as-of date: UTC milliseconds, a Date, or an ISO 8601 string. */
export function toTimeMs(asOf: number | Date | string): number {
  const ms = typeof asOf === "number" ? asOf : typeof asOf === "string" ? Date.parse(asOf) : asOf.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a date: ${String(asOf)}`);
  return ms;
}

/**
 * Scores one contact from its properties, its company's and its events, as of a date.
 * A model passed as data is compiled once and cached; pass an Evaluator to control that.
 */
export function evaluate(
  model: Model | Evaluator,
  contact: Properties,
  company: Properties | undefined,
  events: readonly ScoringEvent[],
  asOf: number | Date | string,
  options: EvaluateOptions = {},
): ScoreResult {
  let evaluator: Evaluator;
  if ("evaluateRange" in model) evaluator = model;
  else {
    evaluator = compiled.get(model) ?? compileModel(model);
    compiled.set(model, evaluator);
  }
  const builder = evaluator.newBatch({ capacity: events.length, keepIds: true });
  for (const event of events) builder.add(event);
  const batch = builder.build();
  return evaluator.evaluateRange(contact, company, batch, 0, batch.size, toTimeMs(asOf), options);
}
export {
  advanceState,
  applyEvent,
  applyEvents,
  type ContactState,
  emptyState,
  evaluateState,
  parseState,
  serializeState,
  stateSize,
} from "./state.js";
