/**
 * Each rule compiles into matchers (for its events) and a finaliser that turns the
 * accumulated slots into integer cents and, when asked, a ledger line.
 */
import type { Rule } from "../model/schema.js";
import type { CompiledRule } from "./finalize.js";
import type { MatcherTable } from "./matchers.js";
import { compileAggregateRule, compileRecencyRule } from "./rules-aggregate.js";
import { compileCombinationRule, compileEventRule } from "./rules-event.js";
import { compileCasesRule, compilePropertyRule } from "./rules-property.js";

export type { CompiledRule, FinalizeContext, Finalizer } from "./finalize.js";
export { evidenceIds } from "./finalize.js";

/** Exhaustive dispatch on the rule's distinctive key. */
export function compileRule(rule: Rule, table: MatcherTable, bareScope: "contact" | "company"): CompiledRule {
  if ("when" in rule) return compilePropertyRule(rule, bareScope);
  if ("cases" in rule) return compileCasesRule(rule, bareScope);
  if ("allOf" in rule) return compileCombinationRule(rule, table);
  if ("aggregate" in rule) return compileAggregateRule(rule, table);
  if ("recency" in rule) return compileRecencyRule(rule, table);
  return compileEventRule(rule, table);
}
