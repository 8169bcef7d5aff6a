/**
 * Checks that need the whole model, run once the schema accepted it: ids, regular expressions,
 * threshold order, decay steps, bands, aggregates, event types and declared fields. Each issue
 * names the path of the offending value; `parseModel` adds its line and column.
 */
import { RE2JS } from "re2js";
import { durationToMs } from "./duration.js";
import { formatPath, type ModelPath, type PathIssue } from "./errors.js";
import {
  type AggregateRule,
  BUILTIN_EVENT_TYPES,
  type Decay,
  type Model,
  type Rule,
  unreachable,
} from "./schema.js";
import { didYouMean } from "./suggest.js";
import { validateFields } from "./validate-fields.js";
import { validateThresholds } from "./validate-thresholds.js";
import { eventRefsOf, fieldConditionsOf, rulesOf } from "./walk.js";

type Issue = PathIssue;

/** Every semantic problem of a model the schema accepted; empty when the model is sound. */
export function validateModel(model: Model): Issue[] {
  return [
    ...duplicateIds(model),
    ...fieldTestValues(model),
    ...validateThresholds(model),
    ...ruleShapes(model),
    ...eventTypes(model),
    ...validateFields(model),
  ];
}

function duplicateIds(model: Model): Issue[] {
  const issues: Issue[] = [];
  const dimensions = new Map<string, ModelPath>();
  model.dimensions.forEach((dimension, d) => {
    const path = ["dimensions", d, "id"];
    const first = dimensions.get(dimension.id);
    if (first === undefined) dimensions.set(dimension.id, path);
    else
      issues.push({
        path,
        message: `duplicate dimension id "${dimension.id}"; already used at ${formatPath(first)}`,
      });
  });
  // Rule ids name ledger lines and disqualifications, so they are unique across the whole model.
  const rules = new Map<string, ModelPath>();
  for (const { rule, path } of rulesOf(model)) {
    const first = rules.get(rule.id);
    if (first === undefined) rules.set(rule.id, path);
    else {
      const message = `duplicate rule id "${rule.id}"; already used at ${formatPath(first)} (ids are unique across rules, account rules and gates)`;
      issues.push({ path: [...path, "id"], message });
    }
  }
  return issues;
}

/** The keys of a field test that are not operators (`kind` is the parsed form's tag). */
const NOT_OPERATORS = new Set(["kind", "field", "caseSensitive"]);

/** Regular expressions compile with RE2 (the engine's regex engine) and ranges are in order. */
function fieldTestValues(model: Model): Issue[] {
  const issues: Issue[] = [];
  for (const { condition, path } of fieldConditionsOf(model)) {
    if (!Object.keys(condition).some((key) => !NOT_OPERATORS.has(key))) {
      issues.push({
        path: [...path, "field"],
        message: `no test on "${condition.field}": add an operator such as equals, in, gt, matches or present`,
      });
    }
    const regexError = condition.matches === undefined ? undefined : compileError(condition.matches);
    if (regexError !== undefined) {
      issues.push({
        path: [...path, "matches"],
        message: `invalid regular expression: ${regexError} (RE2 syntax: no backreferences or lookarounds)`,
      });
    }
    if (condition.between !== undefined && condition.between[0] > condition.between[1]) {
      issues.push({ path: [...path, "between"], message: "between [min, max]: min is greater than max" });
    }
  }
  return issues;
}

function compileError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Decay steps, bands and aggregates: things the schema cannot see across keys. */
function ruleShapes(model: Model): Issue[] {
  const issues: Issue[] = [];
  for (const site of rulesOf(model))
    if (site.place !== "gate") issues.push(...ruleShape(site.rule, site.path));
  return issues;
}

function ruleShape(rule: Rule, path: ModelPath): Issue[] {
  switch (rule.kind) {
    case "property":
    case "cases":
      return [];
    case "event":
    case "combination":
      return rule.decay === undefined ? [] : decaySteps(rule.decay, [...path, "decay"]);
    case "aggregate":
      return aggregateShape(rule, path);
    case "recency":
      return recencyBands(rule.bands, [...path, "bands"]);
    default:
      return unreachable(rule);
  }
}

function aggregateShape(rule: AggregateRule, path: ModelPath): Issue[] {
  const issues: Issue[] = [];
  const needsOf = ["sum", "average", "min", "max"].includes(rule.aggregate);
  if (needsOf && rule.of === undefined) {
    issues.push({
      path: [...path, "aggregate"],
      message: `aggregate "${rule.aggregate}" needs "of": the numeric event property to ${rule.aggregate} (e.g. of: value)`,
    });
  }
  if (!needsOf && rule.of !== undefined) {
    issues.push({
      path: [...path, "of"],
      message: `aggregate "${rule.aggregate}" does not read a property; remove "of" (it works for sum, average, min and max)`,
    });
  }
  rule.bands.forEach((band, b) => {
    if (band.min !== undefined && band.max !== undefined && band.min > band.max) {
      issues.push({
        path: [...path, "bands", b],
        message: `band min ${band.min} is greater than max ${band.max}`,
      });
    }
  });
  return issues;
}

function decaySteps(decay: Decay, path: ModelPath): Issue[] {
  if (decay.kind !== "steps") return [];
  const issues: Issue[] = [];
  decay.steps.forEach((step, s) => {
    if (s === 0) return;
    const previous = decay.steps[s - 1];
    if (durationToMs(step.after) <= durationToMs(previous.after)) {
      issues.push({
        path: [...path, "steps", s, "after"],
        message: `decay steps must have strictly increasing "after": ${JSON.stringify(step.after)} does not come after ${JSON.stringify(previous.after)}`,
      });
    }
  });
  return issues;
}

/** The first band whose window holds the last activity wins, so a narrower band after a wider one never applies. */
function recencyBands(bands: { within: number | string }[], path: ModelPath): Issue[] {
  const issues: Issue[] = [];
  bands.forEach((band, b) => {
    if (b === 0) return;
    const previous = bands[b - 1];
    if (durationToMs(band.within) <= durationToMs(previous.within)) {
      issues.push({
        path: [...path, b, "within"],
        message: `recency bands must have increasing "within" (the first band that holds the last activity wins): ${JSON.stringify(band.within)} after ${JSON.stringify(previous.within)} never applies`,
      });
    }
  });
  return issues;
}

function eventTypes(model: Model): Issue[] {
  const known = new Set<string>([...BUILTIN_EVENT_TYPES, ...(model.eventTypes ?? [])]);
  const issues: Issue[] = [];
  for (const { event, path } of eventRefsOf(model)) {
    const types = Array.isArray(event) ? event : [event];
    types.forEach((type, i) => {
      if (type === "*" || known.has(type)) return;
      const hint = didYouMean(type, known, "Custom types are declared under eventTypes");
      issues.push({
        path: Array.isArray(event) ? [...path, i] : path,
        message: `unknown event type '${type}'${hint}`,
      });
    });
  }
  return issues;
}
