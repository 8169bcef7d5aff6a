/**
 * Visits the parts of a model the semantic checks look at (rules, conditions, event type
 * references), each with its JSON path and the scope its field names live in.
 */
import type { ModelPath } from "./errors.js";
import {
  type Condition,
  type FieldCondition,
  type Gate,
  type Model,
  type Rule,
  unreachable,
} from "./schema.js";

/**
 * Where a condition's field names point. "contact": property rules and gates ("company.x" is a
 * company field, "contact.x" or "x" a contact field). "account": account rules (company fields
 * only; "x" is a company field). "event": an event's `where` (the name of an event property).
 */
export type FieldScope = "contact" | "account" | "event";

export type RuleSite =
  /** Dimension rules, and account rules (which read company fields). */
  | { rule: Rule; path: ModelPath; place: "dimension" | "account" }
  | { rule: Gate; path: ModelPath; place: "gate" };

export interface ConditionSite {
  condition: FieldCondition;
  path: ModelPath;
  scope: FieldScope;
}

export interface EventRefSite {
  event: string | string[];
  path: ModelPath;
}

/** A condition of a rule or gate: on the contact's (or company's) properties, or on an event's. */
export interface ConditionAt {
  condition: Condition;
  path: ModelPath;
  reads: "properties" | "event";
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
    for (const { condition, path, reads } of conditionsOfSite(site)) {
      collectFieldConditions(condition, path, reads === "event" ? "event" : propertyScope, sites);
    }
  }
  return sites;
}

function conditionsOfSite(site: RuleSite): ConditionAt[] {
  return site.place === "gate"
    ? conditionsOfGate(site.rule, site.path)
    : conditionsOfRule(site.rule, site.path);
}

/** The conditions of a rule, in the order they are written, with their paths under `path`. */
export function conditionsOfRule(rule: Rule, path: ModelPath = []): ConditionAt[] {
  switch (rule.kind) {
    case "property":
      return [{ condition: rule.when, path: [...path, "when"], reads: "properties" }];
    case "cases":
      return rule.cases.map((c, i) => ({
        condition: c.when,
        path: [...path, "cases", i, "when"],
        reads: "properties",
      }));
    case "event":
    case "aggregate":
      return eventCondition(rule.where, [...path, "where"]);
    case "combination":
      return rule.allOf.flatMap((match, i) => eventCondition(match.where, [...path, "allOf", i, "where"]));
    case "recency":
      return eventCondition(rule.recency.where, [...path, "recency", "where"]);
    default:
      return unreachable(rule);
  }
}

export function conditionsOfGate(gate: Gate, path: ModelPath = []): ConditionAt[] {
  switch (gate.kind) {
    case "property":
      return [{ condition: gate.when, path: [...path, "when"], reads: "properties" }];
    case "event":
      return eventCondition(gate.where, [...path, "where"]);
    default:
      return unreachable(gate);
  }
}

function eventCondition(where: Condition | undefined, path: ModelPath): ConditionAt[] {
  return where === undefined ? [] : [{ condition: where, path, reads: "event" }];
}

function collectFieldConditions(
  condition: Condition,
  path: ModelPath,
  scope: FieldScope,
  out: ConditionSite[],
) {
  switch (condition.kind) {
    case "field":
      out.push({ condition, path, scope });
      break;
    case "all":
      condition.all.forEach((c, i) => {
        collectFieldConditions(c, [...path, "all", i], scope, out);
      });
      break;
    case "any":
      condition.any.forEach((c, i) => {
        collectFieldConditions(c, [...path, "any", i], scope, out);
      });
      break;
    case "not":
      collectFieldConditions(condition.not, [...path, "not"], scope, out);
      break;
    default:
      unreachable(condition);
  }
}

/** Every place an event type is named: event rules, combinations, aggregates, recency, gates. */
export function eventRefsOf(model: Model): EventRefSite[] {
  return rulesOf(model).flatMap((site) =>
    site.place === "gate" ? gateEventRefs(site.rule, site.path) : ruleEventRefs(site.rule, site.path),
  );
}

function ruleEventRefs(rule: Rule, path: ModelPath): EventRefSite[] {
  switch (rule.kind) {
    case "property":
    case "cases":
      return [];
    case "event":
    case "aggregate":
      return [{ event: rule.event, path: [...path, "event"] }];
    case "combination":
      return rule.allOf.map((match, i) => ({ event: match.event, path: [...path, "allOf", i, "event"] }));
    case "recency":
      return rule.recency.event === undefined
        ? []
        : [{ event: rule.recency.event, path: [...path, "recency", "event"] }];
    default:
      return unreachable(rule);
  }
}

function gateEventRefs(gate: Gate, path: ModelPath): EventRefSite[] {
  switch (gate.kind) {
    case "property":
      return [];
    case "event":
      return [{ event: gate.event, path: [...path, "event"] }];
    default:
      return unreachable(gate);
  }
}
