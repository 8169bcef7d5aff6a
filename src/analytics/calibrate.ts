/**
 * Calibrating the bands of an aggregate or recency rule on observed values: new limits so that
 * each band holds about the same share of the contacts (k bands: the k-quantiles), keeping each
 * band's points, the bands' order and the form they are written in. Pure: no I/O.
 *
 * Bands are read first match first, so a rule's limits are cut points on the value line:
 *   min form   { min: 25000 }, { min: 12000 }, ..., { min: 0.01 }   a band holds v >= its min
 *   max form   { max: 30 }, { max: 90 }, ..., { points: 1 }          a band holds v <= its max
 *   ranges     { min: 0, max: 10 }, { min: 10, max: 20 }...           shared (or, for counts, +1) limits
 *   within     recency: { within: 30d }, { within: 90d }...           a band holds age < within
 * The outer limits (the lowest min, the highest max, the last within) say which values the bands
 * cover at all (the others get `otherwise`); they are kept, and only the inner cuts move.
 */

import { durationToMs } from "../model/duration.js";
import {
  type Bound,
  covers,
  DAY_MS,
  type Layout,
  layoutOf,
  type RecencyBand,
  type RuleBands,
  shareWord,
} from "./band-layout.js";
import { bandCounts, cutPositions, roundCuts } from "./quantile-cuts.js";

export * from "./band-layout.js";
export * from "./quantile-cuts.js";

export interface BandShare {
  /** "12000 to under 25000", "over 30 to 90", "25000 or more"... */
  range: string;
  count: number;
  /** Of the contacts the bands cover, 0 to 1. */
  share: number;
}

export interface BandPlan {
  points: number;
  before: BandShare;
  after: BandShare;
}

export interface BandEdit {
  /** Index of the band in the rule. */
  band: number;
  key: "min" | "max" | "within";
  value: number | string;
}

export interface CalibrationPlan {
  /** Why the bands cannot be calibrated (layout or data); then `edits` is empty and `after` = `before`. */
  problem?: string;
  /** Warnings about a result the data could not make even. */
  notes: string[];
  /** Values given; of them, those the bands cover. */
  observed: number;
  covered: number;
  /** In the model's band order. */
  bands: BandPlan[];
  /** The limits to change, in band order; empty when nothing changes. */
  edits: BandEdit[];
}

const shown = (v: number) => String(Math.round(v * 1e6) / 1e6);

function describeRange(from: Bound | undefined, to: Bound | undefined, integer: boolean): string {
  // Whole numbers: "over 3" is "4 or more".
  const lower =
    integer && from && !from.inclusive ? { value: Math.floor(from.value) + 1, inclusive: true } : from;
  const upper = integer && to && !to.inclusive ? { value: Math.ceil(to.value) - 1, inclusive: true } : to;
  if (lower && upper && lower.inclusive && upper.inclusive && lower.value === upper.value)
    return shown(lower.value);
  const low = lower && (lower.inclusive ? shown(lower.value) : `over ${shown(lower.value)}`);
  const high = upper && (upper.inclusive ? shown(upper.value) : `under ${shown(upper.value)}`);
  if (low && high) return `${low} to ${high}`;
  if (low) return lower!.inclusive ? `${low} or more` : low;
  if (high) return upper!.inclusive ? `up to ${high}` : high;
  return "any value";
}

/** Band ranges and counts of a layout with these cuts, in the model's band order. */
function shares(layout: Layout, cuts: readonly number[], sorted: Float64Array): BandShare[] {
  const counts = bandCounts(sorted, cuts, layout.below);
  const aboveInclusive = layout.below === "lt";
  const result = counts.map((count, i) => ({
    range: describeRange(
      i === 0 ? layout.lower : { value: cuts[i - 1], inclusive: aboveInclusive },
      i === cuts.length ? layout.upper : { value: cuts[i], inclusive: !aboveInclusive },
      layout.integer,
    ),
    count,
    share: sorted.length === 0 ? 0 : count / sorted.length,
  }));
  return layout.ascending ? result : result.reverse();
}

/** The band limits that give these cuts, as edits of the rule's bands. */
function editsFor(rule: RuleBands, layout: Layout, cuts: readonly number[]): BandEdit[] {
  const k = cuts.length + 1;
  const edits: BandEdit[] = [];
  const set = (band: number, key: BandEdit["key"], value: number | string) => {
    const current = (rule.bands[band] as Partial<Record<BandEdit["key"], unknown>>)[key];
    if (current !== value) edits.push({ band, key, value });
  };
  const model = (i: number) => (layout.ascending ? i : k - 1 - i);
  cuts.forEach((cut, j) => {
    switch (layout.form) {
      case "within": {
        const old = (rule.bands[j] as RecencyBand).within;
        const days = Number(shown(cut));
        if (durationToMs(old) !== days * DAY_MS)
          set(j, "within", typeof old === "number" ? days : `${days}d`);
        break;
      }
      case "max":
        set(j, "max", cut);
        break;
      case "min":
        set(k - 2 - j, "min", cut);
        break;
      case "ranges": {
        const step = layout.steps[j];
        set(model(j), "max", layout.ascending ? cut : cut - step);
        set(model(j + 1), "min", layout.ascending ? cut + step : cut);
        break;
      }
    }
  });
  return edits.sort((a, b) => a.band - b.band);
}

/** New limits for a rule's bands from the observed values (nulls left out by the caller). */
export function planCalibration(rule: RuleBands, values: ArrayLike<number>): CalibrationPlan {
  const layout = layoutOf(rule);
  const points = rule.bands.map((b) => b.points);
  if (typeof layout === "string")
    return { problem: layout, notes: [], observed: values.length, covered: 0, bands: [], edits: [] };
  const kept = Array.from(values).filter((v) => Number.isFinite(v) && covers(layout, v));
  const sorted = Float64Array.from(kept).sort();
  const k = rule.bands.length;
  const before = shares(layout, layout.cuts, sorted);
  const plan: CalibrationPlan = {
    notes: [],
    observed: values.length,
    covered: sorted.length,
    bands: points.map((p, i) => ({ points: p, before: before[i], after: before[i] })),
    edits: [],
  };
  const distinct = sorted.length === 0 ? 0 : 1 + countSteps(sorted);
  const positions = cutPositions(sorted, k);
  if (positions === undefined) {
    plan.problem =
      sorted.length === 0
        ? "no contact has a value the bands cover"
        : `${plural(distinct, "different value")} (${sample(sorted)}) for ${k} bands: the data cannot separate them`;
    return plan;
  }
  const cuts = roundCuts(sorted, positions, layout);
  const after = shares(layout, cuts, sorted);
  plan.bands = points.map((p, i) => ({ points: p, before: before[i], after: after[i] }));
  plan.edits = editsFor(rule, layout, cuts);
  const even = 1 / k;
  if (after.some((band) => Math.abs(band.share - even) > even / 2)) {
    const [mode, count] = mostCommon(sorted);
    plan.notes.push(
      count / sorted.length > even * 1.5
        ? `uneven: ${shown(mode)} alone is the value of ${percent(count / sorted.length)} of the contacts, so the bands cannot hold ${shareWord(k)} each`
        : `uneven: only ${plural(distinct, "different value")}, so the bands cannot hold ${shareWord(k)} each`,
    );
  }
  return plan;
}

function countSteps(sorted: Float64Array): number {
  let steps = 0;
  for (let i = 1; i < sorted.length; i++) if (sorted[i] > sorted[i - 1]) steps++;
  return steps;
}

function mostCommon(sorted: Float64Array): [number, number] {
  let best: [number, number] = [sorted[0], 0];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > best[1]) best = [sorted[i], j - i];
    i = j;
  }
  return best;
}

function sample(sorted: Float64Array): string {
  const values = [...new Set(sorted)].map(shown);
  return values.length <= 5 ? values.join(", ") : `${values.slice(0, 4).join(", ")}...`;
}

export const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
