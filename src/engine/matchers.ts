/**
 * Matchers: every event filter of a model (event rules, combination parts, aggregates,
 * recency, event gates) compiled into flat arrays, with one accumulator slot each. The hot
 * loop in accumulate.ts walks events once and updates the slots of the matchers of each
 * event's type.
 */

import { durationToMs } from "../model/duration.js";
import type { Condition, Decay } from "../model/schema.js";
import type { BatchBinding, EventPredicate } from "./conditions.js";
import { compileDecay, type DecayWeight, exponentialRate } from "./decay.js";

/** How a matcher uses its events. */
export const MatcherMode = {
  /** Count and latest time only. */
  Count: 0,
  /** Per-occurrence points with decay: sum of each occurrence's micro-points. */
  Decayed: 1,
  /** Per-occurrence decayed points, at most N occurrences: keeps the N largest. */
  DecayedCapped: 2,
  /** Sum, min and max of a numeric property. */
  Aggregate: 3,
} as const;
export type MatcherMode = (typeof MatcherMode)[keyof typeof MatcherMode];

/** Accumulator slot layout (Float64Array, STRIDE numbers per matcher). */
export const STRIDE = 8;
export const SLOT_COUNT = 0;
export const SLOT_LAST_TIME = 1;
export const SLOT_MICRO_SUM = 2;
export const SLOT_VALUE_SUM = 3;
export const SLOT_VALUE_MIN = 4;
export const SLOT_VALUE_MAX = 5;
export const SLOT_VALUE_COUNT = 6;
export const SLOT_LAST_INDEX = 7;

export interface MatcherSpec {
  event: string | string[];
  where?: Condition;
  within?: number | string;
  mode: MatcherMode;
  /** Only the latest occurrence matters (keeps incremental state small). */
  latestOnly: boolean;
  points?: number;
  decay?: Decay;
  maxOccurrences?: number;
  numberField?: string;
}

/** All matchers of a model, as parallel arrays indexed by matcher number. */
export class MatcherTable {
  readonly specs: MatcherSpec[] = [];
  filters: (EventPredicate | null)[] = [];
  withinMs: Float64Array = new Float64Array(0);
  modes: Uint8Array = new Uint8Array(0);
  latestOnly: Uint8Array = new Uint8Array(0);
  pointsOf: Float64Array = new Float64Array(0);
  weights: (DecayWeight | null)[] = [];
  /** Exponential decay rates per ms (0: none or step decay), inlined by the hot loop. */
  decayRates: Float64Array = new Float64Array(0);
  caps: Int32Array = new Int32Array(0);
  numberColumns: Int32Array = new Int32Array(0);
  /** Matchers per event type index; the last index is for types the model does not name. */
  byType: Int32Array[] = [];

  add(spec: MatcherSpec): number {
    this.specs.push(spec);
    return this.specs.length - 1;
  }

  get size(): number {
    return this.specs.length;
  }

  /** Freezes the table into arrays once every rule has added its matchers. */
  seal(options: {
    typeCount: number;
    typeIndex: (type: string) => number;
    compileWhere: (where: Condition) => EventPredicate;
    numberColumn: (field: string) => number;
  }): void {
    const n = this.specs.length;
    this.filters = this.specs.map((s) => (s.where ? options.compileWhere(s.where) : null));
    this.withinMs = Float64Array.from(this.specs, (s) =>
      s.within === undefined ? Number.POSITIVE_INFINITY : durationToMs(s.within),
    );
    this.modes = Uint8Array.from(this.specs, (s) => s.mode);
    this.latestOnly = Uint8Array.from(this.specs, (s) => (s.latestOnly ? 1 : 0));
    this.pointsOf = Float64Array.from(this.specs, (s) => s.points ?? 0);
    this.weights = this.specs.map((s) => compileDecay(s.decay));
    this.decayRates = Float64Array.from(this.specs, (s) => exponentialRate(s.decay));
    this.caps = Int32Array.from(this.specs, (s) => s.maxOccurrences ?? 0);
    this.numberColumns = Int32Array.from(this.specs, (s) =>
      s.numberField === undefined ? -1 : options.numberColumn(s.numberField),
    );
    const lists: number[][] = Array.from({ length: options.typeCount }, () => []);
    for (let m = 0; m < n; m++) {
      const types = this.specs[m].event;
      if (types === "*") for (const list of lists) list.push(m);
      else for (const type of Array.isArray(types) ? types : [types]) lists[options.typeIndex(type)].push(m);
    }
    this.byType = lists.map((list) => Int32Array.from(new Set(list)));
  }
}

/** Binding shared by every event predicate of one evaluator. */
export function newBinding(): BatchBinding {
  return {
    batch: {
      size: 0,
      type: new Int32Array(0),
      timeMs: new Float64Array(0),
      strings: [],
      numbers: [],
      ids: undefined,
    },
  };
}
