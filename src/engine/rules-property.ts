/** Property rules and cases: points from the contact's (or company's) fields. */
import type { CasesRule, PropertyRule } from "../model/schema.js";
import { compileRecordPredicate, conditionFields, describeCondition } from "./conditions.js";
import { type CompiledRule, cents, fieldValues, fromCents, line } from "./finalize.js";

export function compilePropertyRule(rule: PropertyRule, bareScope: "contact" | "company"): CompiledRule {
  const test = compileRecordPredicate(rule.when, bareScope);
  const fields = conditionFields(rule.when);
  const value = cents(rule.points);
  const described = describeCondition(rule.when);
  const reason = `${described}: ${rule.points} points`;
  const label = rule.label ?? described;
  return {
    id: rule.id,
    finalize(f) {
      if (!test(f.contact, f.company)) return 0;
      if (f.ledger) {
        const points = fromCents(value);
        line(f, {
          dimension: f.dimension,
          ruleId: rule.id,
          kind: rule.kind,
          label,
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
  const cases = rule.cases.map((c) => {
    const described = describeCondition(c.when);
    return {
      test: compileRecordPredicate(c.when, bareScope),
      value: cents(c.points),
      reason: `${described}: ${c.points} points`,
      label: rule.label ?? described,
    };
  });
  const otherwiseLabel = rule.label ?? "no case matched";
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
          kind: rule.kind,
          label: hit ? hit.label : otherwiseLabel,
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
