/**
 * Visits the parts of a model the semantic checks look at (rules, conditions, event type
 * references), each with its JSON path and the scope its field names live in.
 */
import type { ModelPath } from "./errors.js";
import type { Condition, FieldCondition, Gate, Model, Rule } from "./schema.js";

/**
 * Where a condition's field names point. "contact": property rules and gates ("company.x" is a
 * company field, "contact.x" or "x" a contact field). "account": account rules (company fields
 * only; "x" is a company field). "event": an event's `where` (the name of an event property).
 */
export type FieldScope = "contact" | "account" | "event";

export interface RuleSite {
  rule: Rule | Gate;
  path: ModelPath;
  /** "dimension" for dimension rules, "account" for account rules, "gate" for gates. */
  place: "dimension" | "account" | "gate";
}

export interface ConditionSite {
  condition: FieldCondition;
  path: ModelPath;
  scope: FieldScope;
}

export interface EventRefSite {
  event: string | string[];
  path: ModelPath;
}

export function rulesOf(model: Model): RuleSite[] {
  const sites: RuleSite[] = [];
  model.dimensions.forEach((dimension, d) => {
    dimension.rules.forEach((rule, r) => {
      sites.push({ rule, path: ["dimensions", d, "rules", r], place: "dimension" });
    });
  });
  model.account?.rules?.forEach((rule, r) => {
    sites.push({ rule, path: ["account", "rules", r], place: "account" });
  });
  model.gates?.forEach((gate, g) => {
    sites.push({ rule: gate, path: ["gates", g], place: "gate" });
  });
  return sites;
}

/** Every field test in the model, with the scope its field name is read in. */
export function fieldConditionsOf(model: Model): ConditionSite[] {
  const sites: ConditionSite[] = [];
  for (const site of rulesOf(model)) {
    const propertyScope: FieldScope = site.place === "account" ? "account" : "contact";
    for (const [condition, path, scope] of conditionsOfRule(site.rule, site.path, propertyScope)) {
      collectFieldConditions(condition, path, scope, sites);
    }
  }
  return sites;
}

type ConditionAt = [Condition, ModelPath, FieldScope];

function conditionsOfRule(rule: Rule | Gate, path: ModelPath, propertyScope: FieldScope): ConditionAt[] {
  const found: ConditionAt[] = [];
  if ("when" in rule) found.push([rule.when, [...path, "when"], propertyScope]);
  if ("cases" in rule) {
    rule.cases.forEach((c, i) => {
      found.push([c.when, [...path, "cases", i, "when"], propertyScope]);
    });
  }
  if ("where" in rule && rule.where !== undefined) found.push([rule.where, [...path, "where"], "event"]);
  if ("allOf" in rule) {
    rule.allOf.forEach((match, i) => {
      if (match.where !== undefined) found.push([match.where, [...path, "allOf", i, "where"], "event"]);
    });
  }
  if ("recency" in rule && rule.recency.where !== undefined) {
    found.push([rule.recency.where, [...path, "recency", "where"], "event"]);
  }
  return found;
}

function collectFieldConditions(
  condition: Condition,
  path: ModelPath,
  scope: FieldScope,
  out: ConditionSite[],
) {
  if ("all" in condition) {
    condition.all.forEach((c, i) => {
      collectFieldConditions(c, [...path, "all", i], scope, out);
    });
  } else if ("any" in condition) {
    condition.any.forEach((c, i) => {
      collectFieldConditions(c, [...path, "any", i], scope, out);
    });
  } else if ("not" in condition) {
    collectFieldConditions(condition.not, [...path, "not"], scope, out);
  } else {
    out.push({ condition, path, scope });
  }
}

/** Every place an event type is named: event rules, combinations, aggregates, recency, gates. */
export function eventRefsOf(model: Model): EventRefSite[] {
  const sites: EventRefSite[] = [];
  for (const { rule, path } of rulesOf(model)) {
    if ("event" in rule) sites.push({ event: rule.event, path: [...path, "event"] });
    if ("allOf" in rule) {
      rule.allOf.forEach((match, i) => {
        sites.push({ event: match.event, path: [...path, "allOf", i, "event"] });
      });
    }
    if ("recency" in rule && rule.recency.event !== undefined) {
      sites.push({ event: rule.recency.event, path: [...path, "recency", "event"] });
    }
  }
  return sites;
}
