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

export interface AggregateBand {
  min?: number;
  max?: number;
  points: number;
}
export interface RecencyBand {
  within: number | string;
  points: number;
}
export type RuleBands =
  | { kind: "aggregate"; bands: readonly AggregateBand[]; integer?: boolean }
  | { kind: "recency"; bands: readonly RecencyBand[] };

/** How a cut c splits the values: below it when v <= c ("le") or when v < c ("lt"). */
export type Below = "le" | "lt";
interface Bound {
  value: number;
  inclusive: boolean;
}

/** A rule's bands as cut points on the value line. */
export interface Layout {
  form: "min" | "max" | "ranges" | "within";
  below: Below;
  /** The first band (in the model) holds the lowest values. */
  ascending: boolean;
  /** The k - 1 inner limits, in increasing value order. */
  cuts: number[];
  /** The values the bands cover (the others get `otherwise`); none: unbounded. */
  lower?: Bound;
  upper?: Bound;
  /** Ranges: the next band starts at the cut (0) or, for whole numbers, one after it (1); per cut. */
  steps: number[];
  /** Values are whole numbers (counts): cuts are too. */
  integer: boolean;
}

const DAY_MS = 86_400_000;
const SHARE_WORDS: Record<number, string> = { 2: "a half", 3: "a third", 4: "a quarter", 5: "a fifth" };
export const shareWord = (k: number) => SHARE_WORDS[k] ?? `1/${k}`;

/** Reads a rule's bands as a layout, or says why they cannot be calibrated. */
export function layoutOf(rule: RuleBands): Layout | string {
  const k = rule.bands.length;
  if (k < 2) return "a single band: nothing to split";
  if (rule.kind === "recency") {
    const days = rule.bands.map((b) => durationToMs(b.within) / DAY_MS);
    for (let i = 1; i < k; i++)
      if (!(days[i] > days[i - 1]))
        return `band ${i + 1} (within ${rule.bands[i].within}) is never reached: windows must grow from band to band`;
    const upper = { value: days[k - 1], inclusive: false };
    return { form: "within", below: "lt", ascending: true, cuts: days.slice(0, -1), upper, ...plain(k) };
  }
  const { bands } = rule;
  const integer = rule.integer === true;
  const inner = bands.slice(0, -1);
  const last = bands[k - 1];
  if (bands.every((b) => b.max === undefined) && inner.every((b) => b.min !== undefined)) {
    const mins = bands.map((b) => b.min);
    for (let i = 1; i < k; i++)
      if (mins[i] !== undefined && !(mins[i]! < mins[i - 1]!))
        return `band ${i + 1} (min ${mins[i]}) is never reached: with \`min\` limits, each band's min must be below the previous one's`;
    const lower = last.min === undefined ? undefined : { value: last.min, inclusive: true };
    const cuts = inner.map((b) => b.min!).reverse();
    return { form: "min", below: "lt", ascending: false, cuts, lower, ...plain(k), integer };
  }
  if (bands.every((b) => b.min === undefined) && inner.every((b) => b.max !== undefined)) {
    const maxes = bands.map((b) => b.max);
    for (let i = 1; i < k; i++)
      if (maxes[i] !== undefined && !(maxes[i]! > maxes[i - 1]!))
        return `band ${i + 1} (max ${maxes[i]}) is never reached: with \`max\` limits, each band's max must be above the previous one's`;
    const upper = last.max === undefined ? undefined : { value: last.max, inclusive: true };
    return {
      form: "max",
      below: "le",
      ascending: true,
      cuts: maxes.slice(0, -1) as number[],
      upper,
      ...plain(k),
      integer,
    };
  }
  return rangesLayout(bands, integer);
}

function plain(k: number) {
  return { steps: new Array<number>(k - 1).fill(0), integer: false };
}

/** Bands with both limits, in increasing or decreasing order, each starting where the previous ends. */
function rangesLayout(bands: readonly AggregateBand[], integer: boolean): Layout | string {
  const k = bands.length;
  const first = bands[0];
  const last = bands[k - 1];
  const ascending = (first.max ?? first.min ?? 0) <= (last.min ?? last.max ?? 0);
  const order = ascending ? [...bands] : [...bands].reverse();
  const cuts: number[] = [];
  const steps: number[] = [];
  const place = (i: number) => `band ${ascending ? i + 1 : k - i}`;
  for (let i = 0; i < k; i++) {
    const b = order[i];
    if ((i > 0 && b.min === undefined) || (i < k - 1 && b.max === undefined))
      return `${place(i)} lacks a limit: calibration reads bands that all use \`min\`, all use \`max\`, or follow each other as ranges`;
    if (b.min !== undefined && b.max !== undefined && b.min > b.max) return `${place(i)} has min above max`;
    if (i === 0) continue;
    const end = order[i - 1].max!;
    const step = b.min! - end;
    if (step !== 0 && !(integer && step === 1))
      return step > 0
        ? `the bands leave a gap between ${end} and ${b.min}`
        : `the bands overlap between ${b.min} and ${end}`;
    cuts.push(ascending ? end : b.min!);
    steps.push(step);
  }
  const lower = order[0].min === undefined ? undefined : { value: order[0].min, inclusive: true };
  const upper = order[k - 1].max === undefined ? undefined : { value: order[k - 1].max!, inclusive: true };
  return { form: "ranges", below: ascending ? "le" : "lt", ascending, cuts, lower, upper, steps, integer };
}

/** Is v inside the values the bands cover? */
export function covers(layout: Layout, v: number): boolean {
  const { lower, upper } = layout;
  if (lower && (lower.inclusive ? v < lower.value : v <= lower.value)) return false;
  if (upper && (upper.inclusive ? v > upper.value : v >= upper.value)) return false;
  return true;
}

/** Number of sorted values below the cut. */
function countBelow(sorted: Float64Array, cut: number, below: Below): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (below === "le" ? sorted[middle] <= cut : sorted[middle] < cut) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Contacts per band, in increasing value order. */
export function bandCounts(sorted: Float64Array, cuts: readonly number[], below: Below): number[] {
  const edges = [0, ...cuts.map((cut) => countBelow(sorted, cut, below)), sorted.length];
  return edges.slice(1).map((edge, i) => edge - edges[i]);
}

/**
 * The roundest number c (fewest significant digits; a final 5 is rounder than other digits)
 * that splits a from b (a < b): a <= c < b when below is "le", a < c <= b when "lt". Among
 * the roundest, the one nearest the target (default: the middle).
 */
export function roundCut(a: number, b: number, below: Below, integer = false, target = (a + b) / 2): number {
  const inside = (c: number) => (below === "le" ? a <= c && c < b : a < c && c <= b);
  const top = Math.ceil(Math.log10(Math.max(Math.abs(a), Math.abs(b), 1e-9)));
  const bottom = integer ? 0 : Math.min(top, Math.floor(Math.log10(b - a)) - 1);
  const middle = target;
  // Multiples of 10^e, then of 5 * 10^(e-1), from the coarsest down.
  for (let e = top; e >= bottom; e--)
    for (const multiple of [1, 0.5]) {
      if (integer && e === 0 && multiple === 0.5) continue;
      const at = (n: number) => (e >= 0 ? n * multiple * 10 ** e : (n * multiple) / 10 ** -e);
      const unit = multiple * 10 ** e;
      const candidates = [Math.floor(middle / unit), Math.ceil(middle / unit)]
        .concat([Math.ceil(a / unit), Math.floor(b / unit)])
        .map(at)
        .filter(inside);
      if (candidates.length > 0)
        return candidates.reduce((best, c) => (Math.abs(c - middle) < Math.abs(best - middle) ? c : best));
    }
  return below === "le" ? a : b;
}

/**
 * Where to cut sorted values into k groups of about n/k: k - 1 positions (the index of the first
 * value above each cut), strictly increasing, each between two different values, as near the
 * ideal positions j * n / k as ties allow (least total distance). Undefined when there are
 * fewer than k different values.
 */
export function cutPositions(sorted: Float64Array, k: number): number[] | undefined {
  const n = sorted.length;
  const valid: number[] = [];
  for (let i = 1; i < n; i++) if (sorted[i] > sorted[i - 1]) valid.push(i);
  if (valid.length < k - 1) return undefined;
  // The best position for each cut is among the k nearest valid ones on each side of its target.
  const near = new Set<number>();
  for (let j = 1; j < k; j++) {
    const target = (j * n) / k;
    let q = 0;
    while (q < valid.length && valid[q] < target) q++;
    for (let d = Math.max(0, q - k); d < Math.min(valid.length, q + k); d++) near.add(d);
  }
  const candidates = [...near].sort((x, y) => x - y).map((q) => valid[q]);
  // cost[j][c]: least distance for cuts 0..j with cut j at candidate c.
  const m = candidates.length;
  let cost = candidates.map((p) => Math.abs(p - n / k));
  const from: number[][] = [];
  for (let j = 1; j < k - 1; j++) {
    const next = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
    const back = new Array<number>(m).fill(-1);
    let best = -1;
    for (let c = 0; c < m; c++) {
      if (best >= 0) {
        next[c] = cost[best] + Math.abs(candidates[c] - ((j + 1) * n) / k);
        back[c] = best;
      }
      if (best < 0 || cost[c] < cost[best]) best = c;
    }
    from.push(back);
    cost = next;
  }
  let c = cost.indexOf(Math.min(...cost));
  const positions = [candidates[c]];
  for (let j = from.length - 1; j >= 0; j--) {
    c = from[j][c];
    positions.unshift(candidates[c]);
  }
  return positions;
}

/** Share of the contacts a cut may move by to land on a rounder number. */
export const ROUNDING_SLACK = 0.005;

/**
 * A limit for each cut position: the roundest number that keeps the split within
 * ROUNDING_SLACK of the contacts of the exact one (and between the neighbouring cuts), so limits
 * read 40 rather than 40.37 at the cost of a contact or two.
 */
function roundCuts(sorted: Float64Array, positions: readonly number[], layout: Layout): number[] {
  const slack = Math.floor(sorted.length * ROUNDING_SLACK);
  return positions.map((p, j) => {
    const a = sorted[Math.max(p - 1 - slack, j === 0 ? 0 : positions[j - 1])];
    const b =
      sorted[Math.min(p + slack, j === positions.length - 1 ? sorted.length - 1 : positions[j + 1] - 1)];
    const exact = (sorted[p - 1] + sorted[p]) / 2;
    return roundCut(a, b, layout.below, layout.integer, exact);
  });
}

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
