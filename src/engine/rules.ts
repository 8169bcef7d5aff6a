/**
 * Each rule compiles into matchers (for its events) and a finaliser that turns the
 * accumulated slots into integer cents and, when asked, a ledger line.
 */
import { type Rule, unreachable } from "../model/schema.js";
import type { CompiledRule } from "./finalize.js";
import type { MatcherTable } from "./matchers.js";
import { compileAggregateRule, compileRecencyRule } from "./rules-aggregate.js";
import { compileCombinationRule, compileEventRule } from "./rules-event.js";
import { compileCasesRule, compilePropertyRule } from "./rules-property.js";

export type { CompiledRule, FinalizeContext, Finalizer } from "./finalize.js";
export { evidenceIds } from "./finalize.js";

export function compileRule(rule: Rule, table: MatcherTable, bareScope: "contact" | "company"): CompiledRule {
  switch (rule.kind) {
    case "property":
      return compilePropertyRule(rule, bareScope);
    case "cases":
      return compileCasesRule(rule, bareScope);
    case "event":
      return compileEventRule(rule, table);
    case "combination":
      return compileCombinationRule(rule, table);
    case "aggregate":
      return compileAggregateRule(rule, table);
    case "recency":
      return compileRecencyRule(rule, table);
    default:
      return unreachable(rule);
  }
}
