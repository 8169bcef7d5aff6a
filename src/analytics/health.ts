/**
 * Health warnings on an analysis: what a marketing-ops lead should look at before trusting the
 * scores. Pure: no I/O.
 */
import type { Model } from "../model/schema.js";
import type { Analysis } from "./analyze.js";

export type WarningCode =
  | "no-hot"
  | "one-band"
  | "rule-never-fires"
  | "rule-fires-for-all"
  | "rule-sign"
  | "ties-at-maximum"
  | "few-conversions"
  | "undated-conversions"
  | "leak";

export interface Warning {
  code: WarningCode;
  text: string;
  /** The rule or candidate concerned, if any. */
  ruleId?: string;
}

/** A band holding this share of the contacts or more is "most contacts". */
export const ONE_BAND_SHARE = 0.6;
/** A rule firing for this share of the contacts or more fires "for nearly everyone". */
export const NEARLY_ALL_SHARE = 0.95;
/** Ties at the maximum worth a warning: this share of the contacts, and at least TIES_MIN of them. */
export const TIES_SHARE = 0.01;
export const TIES_MIN = 10;
/** Below this many conversions, intervals are too wide to tell bands or rules apart. */
export const FEW_CONVERSIONS = 30;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const n = (x: number) => x.toLocaleString("en-US");
const ratio = (x: number) => x.toFixed(2);

export function healthWarnings(analysis: Omit<Analysis, "warnings">, model: Model): Warning[] {
  return [
    ...populationWarnings(analysis),
    ...bandWarnings(analysis, model),
    ...tieWarnings(analysis),
    ...ruleWarnings(analysis),
  ];
}

function populationWarnings({ population }: Omit<Analysis, "warnings">): Warning[] {
  const warnings: Warning[] = [];
  if (population.conversions < FEW_CONVERSIONS)
    warnings.push({
      code: "few-conversions",
      text: `only ${population.conversions} conversions among ${n(population.contacts)} contacts: the intervals are wide and few differences can be told apart`,
    });
  if (population.undatedConversions > 0)
    warnings.push({
      code: "undated-conversions",
      text: `${n(population.undatedConversions)} conversions have no date: they count as within the horizon whenever they happened, and have no days to conversion`,
    });
  return warnings;
}

function bandWarnings(analysis: Omit<Analysis, "warnings">, model: Model): Warning[] {
  const warnings: Warning[] = [];
  const temperature = analysis.groupings.find((g) => g.id === "temperature");
  const hot = temperature?.cells.find((c) => c.key === "hot");
  const hotFrom = model.thresholds?.temperature?.hot;
  if (temperature && hot && hot.contacts === 0 && temperature.contacts > 0) {
    const top = analysis.thresholds.points.at(-1)?.threshold;
    warnings.push({
      code: "no-hot",
      text: `no lead is hot at ${analysis.asOf.slice(0, 10)} (hot from ${hotFrom}; the highest score is ${top}): sales gets no lead by temperature; lower \`hot\` or review the rules`,
    });
  }
  const total = analysis.groupings.find((g) => g.id === "total");
  const crowded = total?.cells.find((c) => c.share >= ONE_BAND_SHARE);
  if (total && crowded && total.contacts > 0)
    warnings.push({
      code: "one-band",
      text: `${pct(crowded.share)} of the contacts are in band ${crowded.key}: the score hardly separates them`,
    });
  return warnings;
}

function tieWarnings({ ties, population }: Omit<Analysis, "warnings">): Warning[] {
  if (ties.maximum === null || ties.atMaximum < TIES_MIN || ties.atMaximum < population.contacts * TIES_SHARE)
    return [];
  const spread =
    ties.clamped > 0
      ? `${n(ties.clamped)} of them had more points before the clamp (${ties.unclampedLow} to ${ties.unclampedHigh}): rank them by those points, computed from the ledger (the engine gives the clamped total only)`
      : "their points before the clamp are the same: nothing ranks them";
  return [
    {
      code: "ties-at-maximum",
      text: `${n(ties.atMaximum)} of ${n(population.contacts)} contacts score exactly ${ties.maximum}, the scale's maximum: the top of the call list is a tie. ${spread}`,
    },
  ];
}

function ruleWarnings({ rules, population }: Omit<Analysis, "warnings">): Warning[] {
  const warnings: Warning[] = [];
  if (population.contacts === 0) return warnings;
  for (const rule of rules.rules) {
    const ruleId = rule.id;
    if (rule.fired === 0) {
      warnings.push({ code: "rule-never-fires", ruleId, text: `rule ${ruleId} never gives points` });
      continue;
    }
    if (rule.firedShare >= NEARLY_ALL_SHARE)
      warnings.push({
        code: "rule-fires-for-all",
        ruleId,
        text: `rule ${ruleId} gives points to ${pct(rule.firedShare)} of the contacts: it moves everyone alike`,
      });
    // A banded rule giving both signs (recency: + when recent, - when old) has no one sign to check.
    const points = rule.meanPoints ?? 0;
    const against =
      (rule.pointsSign === "positive" && rule.liftInterval.high < 1) ||
      (rule.pointsSign === "negative" && rule.liftInterval.low > 1);
    if (against)
      warnings.push({
        code: "rule-sign",
        ruleId,
        text: `rule ${ruleId} gives ${points > 0 ? "+" : ""}${ratio(points)} points on average, but its contacts convert ${points > 0 ? "less" : "more"} (lift ${ratio(rule.lift)}, 95% ${ratio(rule.liftInterval.low)}-${ratio(rule.liftInterval.high)})`,
      });
  }
  for (const feature of [...rules.rules, ...rules.candidates])
    if (feature.note?.includes("leak"))
      warnings.push({
        code: "leak",
        ruleId: feature.id,
        text: `${feature.kind === "rule" ? "rule " : ""}${feature.id}: ${pct(feature.firedRate)} of its ${n(feature.fired)} contacts convert; is it set by the conversion itself (a leak)?`,
      });
  return warnings;
}
