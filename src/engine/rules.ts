/**
 * Each rule compiles into matchers (for its events) and a finaliser that turns the
 * accumulated slots into integer cents and, when asked, a ledger line.
 */

import { durationToMs } from "../model/duration.js";
import type {
  AggregateRule,
  CasesRule,
  CombinationRule,
  Condition,
  EventRule,
  PropertyRule,
  RecencyRule,
  Rule,
} from "../model/schema.js";
import { IndexList, type Scratch } from "./accumulate.js";
import type { EventBatch } from "./batch.js";
import {
  compileRecordPredicate,
  conditionFields,
  describeCondition,
  resolveFieldPath,
} from "./conditions.js";
import { compileDecay, describeDecay, MICRO, microPoints, microToCents } from "./decay.js";
import {
  MatcherMode,
  type MatcherTable,
  SLOT_COUNT,
  SLOT_LAST_INDEX,
  SLOT_LAST_TIME,
  SLOT_MICRO_SUM,
  SLOT_VALUE_COUNT,
  SLOT_VALUE_MAX,
  SLOT_VALUE_MIN,
  SLOT_VALUE_SUM,
  STRIDE,
} from "./matchers.js";
import type { LedgerLine, Properties } from "./types.js";

export const DAY_MS = 86_400_000;

/** What a finaliser reads. */
export interface FinalizeContext {
  contact: Properties;
  company: Properties | undefined;
  asOfMs: number;
  scratch: Scratch;
  batch: EventBatch;
  start: number;
  /** Ledger lines go here when the ledger was asked for. */
  ledger: LedgerLine[] | null;
  dimension: string;
}

/** Returns the rule's points in integer cents (0 when it does not apply). */
export type Finalizer = (f: FinalizeContext) => number;

export interface CompiledRule {
  id: string;
  finalize: Finalizer;
}

// + 0 turns a negative zero (Math.round(-0.4)) into 0: no score or ledger line reads -0.
const cents = (points: number) => Math.round(points * 100) + 0;
const fromCents = (value: number) => value / 100 + 0;

/**
 * Event ids of these batch indices, most recent first (ties by id), so evidence does not
 * depend on input order; at most `limit` of them. Events usually arrive in time order, in
 * which case no sort is needed.
 */
export function evidenceIds(
  f: FinalizeContext,
  indices: IndexList | readonly number[],
  limit = Infinity,
): string[] {
  const { batch, start } = f;
  const times = batch.timeMs;
  const n = indices instanceof IndexList ? indices.length : indices.length;
  const at = indices instanceof IndexList ? (k: number) => indices.items[k] : (k: number) => indices[k];
  const idOf = (i: number) => batch.ids?.[i] ?? `#${i - start}`;
  let ascending = true;
  for (let k = 1; k < n && ascending; k++) ascending = times[at(k - 1)] < times[at(k)];
  const ids: string[] = [];
  if (ascending) {
    for (let k = n - 1; k >= 0 && ids.length < limit; k--) ids.push(idOf(at(k)));
    return ids;
  }
  const sorted = Array.from({ length: n }, (_, k) => at(k)).sort((a, b) => {
    const dt = times[b] - times[a];
    if (dt !== 0) return dt;
    const ia = batch.ids?.[a] ?? "";
    const ib = batch.ids?.[b] ?? "";
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  for (let k = 0; k < sorted.length && ids.length < limit; k++) ids.push(idOf(sorted[k]));
  return ids;
}

function latestEvidence(f: FinalizeContext, m: number): string[] {
  const index = f.scratch.acc[m * STRIDE + SLOT_LAST_INDEX];
  return index < 0 ? [] : evidenceIds(f, [index]);
}

function fieldValues(f: FinalizeContext, paths: readonly string[], bareScope: "contact" | "company") {
  const values: Record<string, unknown> = {};
  for (const path of paths) {
    const { scope, name } = resolveFieldPath(path, bareScope);
    values[path] = (scope === "company" ? f.company?.[name] : f.contact[name]) ?? null;
  }
  return values;
}

function line(f: FinalizeContext, entry: LedgerLine): void {
  f.ledger?.push(entry);
}

function eventLabel(event: string | string[], where: Condition | undefined): string {
  const types = event === "*" ? "any event" : Array.isArray(event) ? event.join("/") : event;
  return where ? `${types} where ${describeCondition(where)}` : types;
}

export function compilePropertyRule(rule: PropertyRule, bareScope: "contact" | "company"): CompiledRule {
  const test = compileRecordPredicate(rule.when, bareScope);
  const fields = conditionFields(rule.when);
  const value = cents(rule.points);
  const reason = `${describeCondition(rule.when)}: ${rule.points} points`;
  return {
    id: rule.id,
    finalize(f) {
      if (!test(f.contact, f.company)) return 0;
      if (f.ledger) {
        const points = fromCents(value);
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: "property",
          points,
          basePoints: points,
          decayedPoints: points,
          reason,
        });
        f.ledger[f.ledger.length - 1].fields = fieldValues(f, fields, bareScope);
      }
      return value;
    },
  };
}

export function compileCasesRule(rule: CasesRule, bareScope: "contact" | "company"): CompiledRule {
  const cases = rule.cases.map((c) => ({
    test: compileRecordPredicate(c.when, bareScope),
    value: cents(c.points),
    reason: `${describeCondition(c.when)}: ${c.points} points`,
  }));
  const fields = rule.cases
    .flatMap((c) => conditionFields(c.when))
    .filter((x, i, all) => all.indexOf(x) === i);
  const otherwise = cents(rule.otherwise ?? 0);
  return {
    id: rule.id,
    finalize(f) {
      const hit = cases.find((c) => c.test(f.contact, f.company));
      const value = hit ? hit.value : otherwise;
      if (value === 0 && !hit) return 0;
      if (f.ledger) {
        const points = fromCents(value);
        const reason = hit ? hit.reason : `no case matched: ${rule.otherwise} points`;
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: "cases",
          points,
          basePoints: points,
          decayedPoints: points,
          reason,
        });
        f.ledger[f.ledger.length - 1].fields = fieldValues(f, fields, bareScope);
      }
      return value;
    },
  };
}

/** Points per occurrence (or once), with window, decay and caps. */
export function compileEventRule(rule: EventRule, table: MatcherTable): CompiledRule {
  const once = rule.once === true;
  const decayWeight = compileDecay(rule.decay);
  const cap = rule.maxOccurrences;
  const mode =
    once || !decayWeight ? MatcherMode.Count : cap ? MatcherMode.DecayedCapped : MatcherMode.Decayed;
  const minCount = rule.minCount ?? 1;
  const m = table.add({
    event: rule.event,
    where: rule.where,
    within: rule.within,
    mode,
    latestOnly: once && minCount === 1,
    points: rule.points,
    decay: rule.decay,
    maxOccurrences: cap,
  });
  const pointsMicro = rule.points * MICRO;
  const capMicro = rule.maxPoints === undefined ? Number.POSITIVE_INFINITY : Math.abs(rule.maxPoints) * MICRO;
  const label = eventLabel(rule.event, rule.where);
  const details = [
    rule.within !== undefined ? `in the last ${rule.within}` : "",
    describeDecay(rule.decay),
    cap ? `at most ${cap} counted` : "",
    rule.maxPoints !== undefined ? `capped at ${rule.maxPoints} points` : "",
  ].filter(Boolean);
  const suffix = details.length ? ` (${details.join(", ")})` : "";
  return {
    id: rule.id,
    finalize(f) {
      const { acc } = f.scratch;
      const s = m * STRIDE;
      const count = acc[s + SLOT_COUNT];
      if (count === 0) return 0;
      let baseMicro: number;
      let decayedMicro: number;
      let counted = count;
      if (once) {
        if (count < minCount) return 0;
        baseMicro = pointsMicro;
        const weight = decayWeight ? decayWeight(f.asOfMs - acc[s + SLOT_LAST_TIME]) : 1;
        decayedMicro = microPoints(rule.points, weight);
        counted = 1;
      } else {
        baseMicro = count * pointsMicro;
        if (cap && count > cap) counted = cap;
        if (mode === MatcherMode.Decayed) decayedMicro = acc[s + SLOT_MICRO_SUM];
        else if (mode === MatcherMode.DecayedCapped) decayedMicro = f.scratch.heapSum(m);
        else decayedMicro = counted * pointsMicro;
      }
      const finalMicro = Math.sign(decayedMicro) * Math.min(Math.abs(decayedMicro), capMicro);
      const value = microToCents(finalMicro);
      if (f.ledger) {
        const ids =
          once && minCount === 1
            ? latestEvidence(f, m)
            : evidenceIds(f, f.scratch.hits[m], once ? Infinity : counted);
        const head = once
          ? `${label}${minCount > 1 ? ` at least ${minCount} times` : ""}: ${rule.points} points once`
          : `${counted}${counted < count ? ` of ${count}` : ""} × ${label} at ${rule.points} points`;
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: "event",
          points: fromCents(value),
          basePoints: fromCents(microToCents(baseMicro)),
          decayedPoints: fromCents(microToCents(decayedMicro)),
          reason: head + suffix,
          // A once rule keeps only its latest event in incremental state, so its count is not shown.
          occurrences: once && minCount === 1 ? undefined : count,
          countedOccurrences: once && minCount === 1 ? undefined : counted,
          eventIds: ids,
        });
      }
      return value;
    },
  };
}

/** Points once every part matched; decays from the most recent matching event. */
export function compileCombinationRule(rule: CombinationRule, table: MatcherTable): CompiledRule {
  const parts = rule.allOf.map((part) => ({
    minCount: part.minCount ?? 1,
    m: table.add({
      event: part.event,
      where: part.where,
      within: rule.within,
      mode: MatcherMode.Count,
      latestOnly: (part.minCount ?? 1) === 1,
    }),
  }));
  const decayWeight = compileDecay(rule.decay);
  const reason = `${rule.allOf.map((p) => eventLabel(p.event, p.where)).join(" AND ")}: ${rule.points} points${
    rule.within !== undefined ? ` (in the last ${rule.within})` : ""
  }${rule.decay ? `, ${describeDecay(rule.decay)}` : ""}`;
  return {
    id: rule.id,
    finalize(f) {
      const { acc } = f.scratch;
      let completedAt = Number.NEGATIVE_INFINITY;
      for (const part of parts) {
        if (acc[part.m * STRIDE + SLOT_COUNT] < part.minCount) return 0;
        completedAt = Math.max(completedAt, acc[part.m * STRIDE + SLOT_LAST_TIME]);
      }
      const weight = decayWeight ? decayWeight(f.asOfMs - completedAt) : 1;
      const value = microToCents(microPoints(rule.points, weight));
      if (f.ledger) {
        const ids = parts.flatMap((part) =>
          part.minCount === 1 ? latestEvidence(f, part.m) : evidenceIds(f, f.scratch.hits[part.m]),
        );
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: "combination",
          points: fromCents(value),
          basePoints: rule.points,
          decayedPoints: fromCents(value),
          reason,
          eventIds: ids,
        });
      }
      return value;
    },
  };
}

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
  const label = `${rule.aggregate}${rule.of ? ` of ${rule.of}` : ""} over ${eventLabel(rule.event, rule.where)}${
    rule.within !== undefined ? ` in the last ${rule.within}` : ""
  }`;
  return {
    id: rule.id,
    finalize(f) {
      const value = aggregateValue(rule.aggregate, f.scratch.acc, m * STRIDE, f.asOfMs);
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
          kind: "aggregate",
          points: p,
          basePoints: p,
          decayedPoints: p,
          reason: `${label} = ${shown}: ${band ? describeBand(band) : "no band"}, ${points} points`,
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

function aggregateValue(kind: AggregateRule["aggregate"], acc: Float64Array, s: number, asOfMs: number) {
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
  const label = eventLabel(rule.recency.event ?? "*", rule.recency.where);
  return {
    id: rule.id,
    finalize(f) {
      const last = f.scratch.acc[m * STRIDE + SLOT_LAST_TIME];
      const age = f.asOfMs - last;
      const band = Number.isFinite(last) ? bands.find((b) => age < b.withinMs) : undefined;
      const points = band ? band.points : (rule.otherwise ?? 0);
      const result = cents(points);
      if (result === 0 && !band) return 0;
      if (f.ledger) {
        const days = Number.isFinite(last) ? Math.round((age / DAY_MS) * 100) / 100 : null;
        const p = fromCents(result);
        const when = days === null ? `no ${label} yet` : `last ${label} ${days} days ago`;
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: "recency",
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

/** Exhaustive dispatch on the rule's distinctive key. */
export function compileRule(rule: Rule, table: MatcherTable, bareScope: "contact" | "company"): CompiledRule {
  if ("when" in rule) return compilePropertyRule(rule, bareScope);
  if ("cases" in rule) return compileCasesRule(rule, bareScope);
  if ("allOf" in rule) return compileCombinationRule(rule, table);
  if ("aggregate" in rule) return compileAggregateRule(rule, table);
  if ("recency" in rule) return compileRecencyRule(rule, table);
  return compileEventRule(rule, table);
}
