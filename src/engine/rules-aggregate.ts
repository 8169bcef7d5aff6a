/** Aggregate rules (count, sum, average, min, max, days since last) and recency, read through bands. */
import { durationToMs } from "../model/duration.js";
import type { AggregateRule, RecencyRule } from "../model/schema.js";
import { MICRO } from "./decay.js";
import {
  type CompiledRule,
  cents,
  DAY_MS,
  eventLabel,
  evidenceIds,
  type FinalizeContext,
  fromCents,
  latestEvidence,
  line,
} from "./finalize.js";
import {
  MatcherMode,
  type MatcherTable,
  SLOT_COUNT,
  SLOT_LAST_TIME,
  SLOT_VALUE_COUNT,
  SLOT_VALUE_MAX,
  SLOT_VALUE_MIN,
  SLOT_VALUE_SUM,
  STRIDE,
} from "./matchers.js";

function bandPoints(bands: readonly { min?: number; max?: number; points: number }[], value: number) {
  return bands.find(
    (b) => (b.min === undefined || value >= b.min) && (b.max === undefined || value <= b.max),
  );
}

export function compileAggregateRule(rule: AggregateRule, table: MatcherTable): CompiledRule {
  const latest = rule.aggregate === "daysSinceLast";
  const m = table.add({
    event: rule.event,
    where: rule.where,
    within: rule.within,
    mode: rule.of ? MatcherMode.Aggregate : MatcherMode.Count,
    latestOnly: latest,
    numberField: rule.of,
  });
  const measure = `${rule.aggregate}${rule.of ? ` of ${rule.of}` : ""} over ${eventLabel(rule.event, rule.where)}${
    rule.within !== undefined ? ` in the last ${rule.within}` : ""
  }`;
  const label = rule.label ?? measure;
  const valueAt = (f: FinalizeContext) => aggregateValue(rule.aggregate, f.scratch.acc, m * STRIDE, f.asOfMs);
  return {
    id: rule.id,
    value: valueAt,
    finalize(f) {
      const value = valueAt(f);
      const band = value === null ? undefined : bandPoints(rule.bands, value);
      const points = band ? band.points : (rule.otherwise ?? 0);
      const result = cents(points);
      if (result === 0 && !band) return 0;
      if (f.ledger) {
        const shown = value === null ? "none" : String(Math.round(value * 100) / 100);
        const p = fromCents(result);
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: rule.kind,
          label,
          points: p,
          basePoints: p,
          decayedPoints: p,
          reason: `${measure} = ${shown}: ${band ? describeBand(band) : "no band"}, ${points} points`,
          value: value === null ? null : Math.round(value * 100) / 100,
          eventIds: latest ? latestEvidence(f, m) : evidenceIds(f, f.scratch.hits[m]),
        });
      }
      return result;
    },
  };
}

function describeBand(b: { min?: number; max?: number }): string {
  if (b.min !== undefined && b.max !== undefined) return `band ${b.min} to ${b.max}`;
  if (b.min !== undefined) return `band >= ${b.min}`;
  return `band <= ${b.max}`;
}

/** The value of an aggregate from its matcher's slots (at s): what its bands are read on. */
export function aggregateValue(
  kind: AggregateRule["aggregate"],
  acc: Float64Array,
  s: number,
  asOfMs: number,
) {
  const count = acc[s + SLOT_COUNT];
  switch (kind) {
    case "count":
      return count;
    case "sum":
      return acc[s + SLOT_VALUE_SUM] / MICRO;
    case "average":
      return acc[s + SLOT_VALUE_COUNT] === 0
        ? null
        : acc[s + SLOT_VALUE_SUM] / MICRO / acc[s + SLOT_VALUE_COUNT];
    case "min":
      return acc[s + SLOT_VALUE_COUNT] === 0 ? null : acc[s + SLOT_VALUE_MIN];
    case "max":
      return acc[s + SLOT_VALUE_COUNT] === 0 ? null : acc[s + SLOT_VALUE_MAX];
    case "daysSinceLast":
      return count === 0 ? null : (asOfMs - acc[s + SLOT_LAST_TIME]) / DAY_MS;
  }
}

/** Days from a last activity (-Infinity: none) to the as-of date; null when there is none. */
function daysSince(lastMs: number, asOfMs: number): number | null {
  return Number.isFinite(lastMs) ? (asOfMs - lastMs) / DAY_MS : null;
}

export function compileRecencyRule(rule: RecencyRule, table: MatcherTable): CompiledRule {
  const m = table.add({
    event: rule.recency.event ?? "*",
    where: rule.recency.where,
    mode: MatcherMode.Count,
    latestOnly: true,
  });
  const bands = rule.bands.map((b) => ({
    withinMs: durationToMs(b.within),
    within: b.within,
    points: b.points,
  }));
  const events = eventLabel(rule.recency.event ?? "*", rule.recency.where);
  const anything = rule.recency.event === undefined && rule.recency.where === undefined;
  const label = rule.label ?? `time since the last ${anything ? "activity" : events}`;
  const lastTime = (f: FinalizeContext) => f.scratch.acc[m * STRIDE + SLOT_LAST_TIME];
  return {
    id: rule.id,
    value: (f) => daysSince(lastTime(f), f.asOfMs),
    finalize(f) {
      const last = lastTime(f);
      const age = f.asOfMs - last;
      const band = Number.isFinite(last) ? bands.find((b) => age < b.withinMs) : undefined;
      const points = band ? band.points : (rule.otherwise ?? 0);
      const result = cents(points);
      if (result === 0 && !band) return 0;
      if (f.ledger) {
        const exact = daysSince(last, f.asOfMs);
        const days = exact === null ? null : Math.round(exact * 100) / 100;
        const p = fromCents(result);
        const when = days === null ? `no ${events} yet` : `last ${events} ${days} days ago`;
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: rule.kind,
          label,
          points: p,
          basePoints: p,
          decayedPoints: p,
          reason: `${when}: ${band ? `within ${band.within}` : "older than every band"}, ${points} points`,
          value: days,
          eventIds: latestEvidence(f, m),
        });
      }
      return result;
    },
  };
}
