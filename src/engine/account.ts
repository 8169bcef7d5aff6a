/** Account (company) scores: company rules plus a roll-up of its contacts, a buying group seen as one. */
import type { Model } from "../model/schema.js";
import type { CompiledRule, FinalizeContext } from "./rules.js";
import { temperatureOf } from "./thresholds.js";
import type { AccountResult, LedgerLine, ScoreResult } from "./types.js";

function rollupValue(method: "sum" | "max" | "topMean", k: number, scores: number[]): number {
  if (scores.length === 0) return 0;
  if (method === "sum") return scores.reduce((a, b) => a + b, 0);
  const sorted = [...scores].sort((a, b) => b - a);
  if (method === "max") return sorted[0];
  const top = sorted.slice(0, k);
  return top.reduce((a, b) => a + b, 0) / top.length;
}

export function evaluateAccount(
  model: Model,
  rules: readonly CompiledRule[],
  f: FinalizeContext,
  contacts: readonly ScoreResult[],
): AccountResult {
  const account = model.account ?? {};
  const ledger: LedgerLine[] = [];
  f.ledger = ledger;
  let cents = 0;
  for (const rule of rules) cents += rule.finalize(f);
  if (account.rollup) {
    const { method, k = 3, of = "total", weight = 1 } = account.rollup;
    // A disqualified contact (a competitor, a student...) is no sign of the account's interest.
    const counted = contacts.filter((c) => !c.disqualified);
    const scores = counted.map((c) => (of === "total" ? c.total : (c.dimensions[of] ?? 0)));
    const left = contacts.length - counted.length;
    const value = rollupValue(method, k, scores);
    const points = Math.round(weight * value * 100);
    cents += points;
    const how = method === "topMean" ? `mean of the top ${k}` : method;
    ledger.push({
      dimension: "account",
      ruleId: "rollup",
      kind: "rollup",
      label: `${how} of the contacts' ${of}`,
      points: points / 100,
      basePoints: Math.round(value * 100) / 100,
      decayedPoints: Math.round(value * 100) / 100,
      reason: `${how} of ${scores.length} contacts' ${of}${weight !== 1 ? ` x ${weight}` : ""}${
        left > 0 ? ` (${left} disqualified left out)` : ""
      }`,
      value: Math.round(value * 100) / 100,
    });
  }
  if (account.clamp) {
    const min = Math.round((account.clamp.min ?? Number.NEGATIVE_INFINITY) * 100);
    const max = Math.round((account.clamp.max ?? Number.POSITIVE_INFINITY) * 100);
    const clamped = Math.min(Math.max(cents, min), max);
    if (clamped !== cents) {
      const points = (clamped - cents) / 100;
      ledger.push({
        dimension: "account",
        ruleId: "clamp",
        kind: "clamp",
        label: `kept within ${account.clamp.min ?? "-inf"} to ${account.clamp.max ?? "inf"}`,
        points,
        basePoints: points,
        decayedPoints: points,
        reason: `account score kept within ${account.clamp.min ?? "-inf"} to ${account.clamp.max ?? "inf"}`,
      });
      cents = clamped;
    }
  }
  const score = cents / 100;
  const companyId = f.company?.id;
  return {
    companyId: companyId === undefined ? undefined : String(companyId),
    score,
    temperature: temperatureOf(score, account.temperature),
    contacts: contacts.length,
    ledger,
  };
}
