/**
 * Threshold advice: a histogram of whole scores with their conversions, filled contact by
 * contact, gives for every threshold t the contacts at or above it (the MQLs, "total >= t" as
 * the model's `mql.minTotal` reads it), how many of them convert and what share of all the
 * conversions they catch; a goal picks the threshold. Pure: no I/O.
 *
 * MQLs per week divide the MQLs by the period the contacts came in over (given by the caller,
 * in days): the leads of a quarter, handed over at threshold t, make that many a week.
 */
import { type Interval, wilsonInterval } from "./intervals.js";

export class ScoreHistogram {
  private readonly contacts = new Map<number, number>();
  private readonly conversions = new Map<number, number>();
  /** Conversions of contacts that can never be MQLs (disqualified): missed at every threshold. */
  missedConversions = 0;
  excluded = 0;

  /** total: the contact's score; eligible false: disqualified, never an MQL. */
  add(total: number, converted: boolean, eligible = true): void {
    if (!eligible) {
      this.excluded++;
      if (converted) this.missedConversions++;
      return;
    }
    const score = Math.floor(total);
    this.contacts.set(score, (this.contacts.get(score) ?? 0) + 1);
    if (converted) this.conversions.set(score, (this.conversions.get(score) ?? 0) + 1);
  }

  /** Whole scores seen, ascending, with their counts. */
  entries(): { score: number; contacts: number; conversions: number }[] {
    return [...this.contacts.keys()]
      .sort((a, b) => a - b)
      .map((score) => ({
        score,
        contacts: this.contacts.get(score)!,
        conversions: this.conversions.get(score) ?? 0,
      }));
  }
}

export interface CurvePoint {
  threshold: number;
  mqls: number;
  mqlsPerWeek: number;
  /** Conversions among the MQLs (the customers caught). */
  conversions: number;
  /** Their conversion rate, NaN without MQLs, and its Wilson 95% interval. */
  rate: number;
  interval: Interval;
  /** Of every conversion in the analysis, disqualified contacts' included. */
  shareCaught: number;
}

export interface ThresholdCurve {
  periodDays: number;
  /** Contacts that can be MQLs (not disqualified), and every conversion. */
  eligible: number;
  conversions: number;
  /** Every whole threshold from the lowest score seen to the highest, ascending. */
  points: CurvePoint[];
}

/** The trade-off at every threshold from the lowest score seen to the highest. */
export function thresholdCurve(histogram: ScoreHistogram, periodDays: number): ThresholdCurve {
  if (!(periodDays > 0)) throw new RangeError(`periodDays must be positive, got ${periodDays}`);
  const entries = histogram.entries();
  const eligible = entries.reduce((sum, e) => sum + e.contacts, 0);
  const caughtAll = entries.reduce((sum, e) => sum + e.conversions, 0);
  const conversions = caughtAll + histogram.missedConversions;
  const points: CurvePoint[] = [];
  if (entries.length === 0) return { periodDays, eligible, conversions, points };
  const weeks = periodDays / 7;
  let mqls = eligible;
  let caught = caughtAll;
  let k = 0;
  for (let t = entries[0].score; t <= entries[entries.length - 1].score; t++) {
    points.push({
      threshold: t,
      mqls,
      mqlsPerWeek: mqls / weeks,
      conversions: caught,
      rate: mqls === 0 ? Number.NaN : caught / mqls,
      interval: wilsonInterval(caught, mqls),
      shareCaught: conversions === 0 ? 0 : caught / conversions,
    });
    if (entries[k].score === t) {
      mqls -= entries[k].contacts;
      caught -= entries[k].conversions;
      k++;
    }
  }
  return { periodDays, eligible, conversions, points };
}

export type ThresholdGoal =
  /** Sales can take this many MQLs a week. */
  | { kind: "capacity"; perWeek: number }
  /** At least this share of the MQLs must convert. */
  | { kind: "minConversion"; rate: number }
  /** The MQLs must hold at least this share of the future customers. */
  | { kind: "catch"; share: number };

export interface ThresholdAdvice {
  goal: ThresholdGoal;
  /** The threshold meeting the goal; null when none does. */
  threshold: number | null;
  point: CurvePoint | null;
  text: string;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const perWeek = (x: number) => (x >= 10 ? x.toFixed(0) : x.toFixed(1));

export function describeGoal(goal: ThresholdGoal): string {
  switch (goal.kind) {
    case "capacity":
      return `at most ${goal.perWeek} MQLs a week`;
    case "minConversion":
      return `at least ${pct(goal.rate)} of MQLs converting`;
    case "catch":
      return `${pct(goal.share)} of future customers among the MQLs`;
  }
}

/**
 * capacity: the lowest threshold within the capacity (the most leads sales can take);
 * minConversion: the lowest threshold whose MQLs convert at the rate (the most leads at that
 * quality); catch: the highest threshold that still catches the share (the fewest leads).
 */
export function adviseThreshold(curve: ThresholdCurve, goal: ThresholdGoal): ThresholdAdvice {
  const { points } = curve;
  let point: CurvePoint | undefined;
  switch (goal.kind) {
    case "capacity":
      point = points.find((p) => p.mqlsPerWeek <= goal.perWeek);
      break;
    case "minConversion":
      point = points.find((p) => p.mqls > 0 && p.rate >= goal.rate);
      break;
    case "catch":
      point = [...points].reverse().find((p) => p.shareCaught >= goal.share);
      break;
  }
  const wanted = describeGoal(goal);
  if (!point)
    return { goal, threshold: null, point: null, text: `no threshold gives ${wanted}${why(curve, goal)}` };
  const text =
    `threshold ${point.threshold} for ${wanted}: ${perWeek(point.mqlsPerWeek)} MQLs a week, ` +
    `${pct(point.rate)} of them converting (95% ${pct(point.interval.low)}-${pct(point.interval.high)}), ` +
    `${point.conversions} customers caught (${pct(point.shareCaught)})`;
  return { goal, threshold: point.threshold, point, text };
}

function why(curve: ThresholdCurve, goal: ThresholdGoal): string {
  if (curve.points.length === 0) return ": no contact can be an MQL";
  const top = curve.points[curve.points.length - 1];
  if (goal.kind === "capacity")
    return `: even at ${top.threshold}, the highest score seen, ${perWeek(top.mqlsPerWeek)} MQLs a week`;
  if (goal.kind === "minConversion") {
    const best = Math.max(...curve.points.filter((p) => p.mqls > 0).map((p) => p.rate));
    return `: the best threshold converts ${pct(best)}`;
  }
  return `: disqualified contacts hold ${pct(1 - curve.points[0].shareCaught)} of the conversions`;
}
