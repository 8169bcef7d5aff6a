/** Event rules (per occurrence or once, with windows, decay and caps) and combinations. */
import type { CombinationRule, EventRule } from "../model/schema.js";
import { compileDecay, describeDecay, MICRO, microPoints, microToCents } from "./decay.js";
import { type CompiledRule, eventLabel, evidenceIds, fromCents, latestEvidence, line } from "./finalize.js";
import {
  MatcherMode,
  type MatcherTable,
  SLOT_COUNT,
  SLOT_LAST_TIME,
  SLOT_MICRO_SUM,
  STRIDE,
} from "./matchers.js";

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
  const events = eventLabel(rule.event, rule.where);
  const label = rule.label ?? events;
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
          ? `${events}${minCount > 1 ? ` at least ${minCount} times` : ""}: ${rule.points} points once`
          : `${counted}${counted < count ? ` of ${count}` : ""} × ${events} at ${rule.points} points`;
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: rule.kind,
          label,
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
  const matches = rule.allOf.map((p) => eventLabel(p.event, p.where)).join(" AND ");
  const label = rule.label ?? matches;
  const reason = `${matches}: ${rule.points} points${
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
          kind: rule.kind,
          label,
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
