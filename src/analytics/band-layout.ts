/**
 * The forms a rule's bands are written in (min, max, ranges, recency within) read as cut points
 * on the value line, and which values they cover. Pure: no I/O.
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
export interface Bound {
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

export const DAY_MS = 86_400_000;
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
