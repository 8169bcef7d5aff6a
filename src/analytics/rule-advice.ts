/**
 * Rule advice from data: for each rule of the model, and for each candidate (a property value
 * or an event type the model does not read), the conversion of the contacts it fires for
 * against the others, the lift (risk ratio, Katz 95% interval) and a suggested number of
 * points. Pure: no I/O.
 *
 * Method for the points: the log odds ratio of converting when the rule fires (Woolf, half a
 * count added to empty cells), times a factor in points per unit of log odds. The factor is the
 * one that best maps the model's own rules to their current points (least squares through 0
 * over the rules that fire for some contacts and not all, with non-zero points), so suggestions
 * are in the model's currency; with fewer than three such rules, or a factor that is not
 * positive, 10 points per doubling of the odds (10 / ln 2). A rule whose lift interval holds 1
 * gets 0: the data shows no effect. Each rule is measured alone (a marginal effect): two rules
 * that fire for the same contacts each get the credit of both.
 */
import { type Interval, logOddsRatio, riskRatio, wilsonInterval } from "./intervals.js";

export class FeatureCounter {
  fired = 0;
  firedConversions = 0;
  /** Sum of the points the rule gave when it fired (rules only), and their range. */
  points = 0;
  lowestPoints = Number.POSITIVE_INFINITY;
  highestPoints = Number.NEGATIVE_INFINITY;

  add(converted: boolean, points = 0): void {
    this.fired++;
    if (converted) this.firedConversions++;
    this.points += points;
    if (points < this.lowestPoints) this.lowestPoints = points;
    if (points > this.highestPoints) this.highestPoints = points;
  }
}

export type FeatureKind = "rule" | "property" | "event";

export interface FeatureAdvice {
  kind: FeatureKind;
  /** Rule id; "country = FR", "jobTitle filled"; an event type. */
  id: string;
  /** Rules: their dimension. */
  dimension?: string;
  fired: number;
  /** Of the contacts analysed. */
  firedShare: number;
  firedRate: number;
  firedInterval: Interval;
  notFiredRate: number;
  notFiredInterval: Interval;
  /** Conversion rate when fired over when not (risk ratio) and its 95% interval. */
  lift: number;
  liftInterval: Interval;
  /** Does the lift interval leave out 1? */
  significant: boolean;
  logOddsRatio: number;
  /** Rules: the mean points they gave when they fired. */
  meanPoints: number | null;
  /** Rules: the sign of every point they gave (banded rules may give both: "mixed"). */
  pointsSign: "positive" | "negative" | "mixed" | null;
  suggestedPoints: number;
  note?: string;
}

export interface Population {
  contacts: number;
  conversions: number;
}

export interface FeatureInput {
  kind: FeatureKind;
  id: string;
  dimension?: string;
  counter: FeatureCounter;
}

/** The rates and the lift of one feature, before points are suggested. */
export function measure(input: FeatureInput, population: Population): FeatureAdvice {
  const { fired, firedConversions, points } = input.counter;
  const notFired = population.contacts - fired;
  const notConverted = population.conversions - firedConversions;
  const groups = { a: firedConversions, n1: fired, c: notConverted, n2: notFired };
  const lift = riskRatio(groups);
  const significant = lift.interval.low > 1 || lift.interval.high < 1;
  const advice: FeatureAdvice = {
    kind: input.kind,
    id: input.id,
    fired,
    firedShare: population.contacts === 0 ? 0 : fired / population.contacts,
    firedRate: fired === 0 ? Number.NaN : firedConversions / fired,
    firedInterval: wilsonInterval(firedConversions, fired),
    notFiredRate: notFired === 0 ? Number.NaN : notConverted / notFired,
    notFiredInterval: wilsonInterval(notConverted, notFired),
    lift: lift.value,
    liftInterval: lift.interval,
    significant,
    logOddsRatio: logOddsRatio(groups).value,
    meanPoints: input.kind === "rule" && fired > 0 ? points / fired : null,
    pointsSign: input.kind === "rule" && fired > 0 ? signOf(input.counter) : null,
    suggestedPoints: 0,
  };
  if (input.dimension !== undefined) advice.dimension = input.dimension;
  const note = noteOf(advice);
  if (note) advice.note = note;
  return advice;
}

function signOf(counter: FeatureCounter): FeatureAdvice["pointsSign"] {
  if (counter.lowestPoints > 0) return "positive";
  if (counter.highestPoints < 0) return "negative";
  return "mixed";
}

function noteOf(advice: FeatureAdvice): string | undefined {
  if (advice.fired === 0) return "never fires";
  if (advice.firedShare === 1) return "fires for every contact: nothing to compare with";
  if (advice.fired >= 20 && advice.firedRate >= 0.99)
    return "converts nearly always: is it set by the conversion itself (a leak)?";
  return undefined;
}

/** 10 points per doubling of the odds. */
export const DEFAULT_POINTS_PER_LOG_ODDS = 10 / Math.LN2;

/** Points per unit of log odds that best reproduces the rules' current points. */
export function pointsScale(rules: readonly FeatureAdvice[]): { factor: number; fitted: boolean } {
  const usable = rules.filter(
    (r) => r.meanPoints !== null && r.meanPoints !== 0 && Number.isFinite(r.logOddsRatio) && r.firedShare < 1,
  );
  let xy = 0;
  let xx = 0;
  for (const r of usable) {
    xy += r.logOddsRatio * r.meanPoints!;
    xx += r.logOddsRatio * r.logOddsRatio;
  }
  const factor = xx > 0 ? xy / xx : 0;
  if (usable.length < 3 || !(factor > 0)) return { factor: DEFAULT_POINTS_PER_LOG_ODDS, fitted: false };
  return { factor, fitted: true };
}

export interface RuleAdvice {
  /** Points per unit of log odds, and whether it was fitted on the model's rules. */
  pointsPerLogOdds: number;
  fitted: boolean;
  method: string;
  rules: FeatureAdvice[];
  candidates: FeatureAdvice[];
  /** Candidate properties left out, with why ("too many different values"). */
  skipped: { property: string; reason: string }[];
}

const strength = (a: FeatureAdvice) => (Number.isFinite(a.logOddsRatio) ? Math.abs(a.logOddsRatio) : 0);

export function adviseRules(
  rules: readonly FeatureAdvice[],
  candidates: readonly FeatureAdvice[],
  skipped: RuleAdvice["skipped"] = [],
): RuleAdvice {
  const { factor, fitted } = pointsScale(rules);
  const suggest = (advice: FeatureAdvice): FeatureAdvice => ({
    ...advice,
    suggestedPoints: advice.significant ? Math.round(factor * advice.logOddsRatio) + 0 : 0,
  });
  const scale = fitted
    ? `${factor.toFixed(1)} points per unit of log odds, fitted on the model's own rules`
    : `${factor.toFixed(1)} points per unit of log odds (10 per doubling of the odds; too few rules to fit one)`;
  return {
    pointsPerLogOdds: factor,
    fitted,
    method: `suggested points = log odds ratio (fired against not fired) x ${scale}; 0 when the lift's 95% interval holds 1`,
    rules: rules.map(suggest),
    candidates: candidates
      .map(suggest)
      .sort((x, y) => Number(y.significant) - Number(x.significant) || strength(y) - strength(x)),
    skipped,
  };
}
