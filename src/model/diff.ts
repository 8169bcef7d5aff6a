/**
 * What changed between two versions of a model: metadata, scale, dimensions, rules (with the
 * keys that changed, old → new), gates, thresholds and the account block. Rules and gates are
 * matched by id, so a rule moved to another dimension is a move, not a removal and an addition.
 */
import type { DimensionFile, GateFile, ModelFile, RuleFile } from "./format.js";
import { type Model, toModelFile } from "./schema.js";

export type ChangeKind = "added" | "removed" | "changed" | "moved";
export type ChangeSubject = "model" | "dimension" | "rule" | "gate" | "thresholds" | "account";

/** One key that changed, by its path inside the thing ("when.gte", "bands[2].points"). */
export interface KeyChange {
  key: string;
  before: unknown;
  after: unknown;
}

export interface ModelChange {
  kind: ChangeKind;
  subject: ChangeSubject;
  /** Dimension, rule or gate id. */
  id?: string;
  /** The dimension a rule is in ("account" for account rules); for a move, where it went. */
  dimension?: string;
  /** For a move: the dimension the rule came from. */
  fromDimension?: string;
  /** For "changed" (and a move that also changed the rule). */
  changes?: KeyChange[];
  /** For "added" and "removed": the dimension, rule or gate itself. */
  value?: unknown;
}

const MODEL_KEYS = ["name", "version", "description", "scale", "fields", "eventTypes"] as const;
const DIMENSION_KEYS = ["label", "description", "weight", "clamp"] as const;

/** Compares the models as their authors wrote them (the parsed form's `kind` tags are left out). */
export function diffModels(before: Model, after: Model): ModelChange[] {
  const a = toModelFile(before);
  const b = toModelFile(after);
  return [
    ...modelChanges(a, b),
    ...dimensionChanges(a.dimensions, b.dimensions),
    ...ruleChanges(rulesByDimension(a), rulesByDimension(b)),
    ...gateChanges(a.gates ?? [], b.gates ?? []),
    ...keyedChanges("thresholds", a.thresholds, b.thresholds),
    ...keyedChanges("account", withoutRules(a.account), withoutRules(b.account)),
  ];
}

function modelChanges(a: ModelFile, b: ModelFile): ModelChange[] {
  const changes = MODEL_KEYS.flatMap((key) => diffValues(a[key], b[key], key));
  return changes.length > 0 ? [{ kind: "changed", subject: "model", changes }] : [];
}

function dimensionChanges(a: DimensionFile[], b: DimensionFile[]): ModelChange[] {
  const before = new Map(a.map((d) => [d.id, d]));
  const after = new Map(b.map((d) => [d.id, d]));
  const result: ModelChange[] = [];
  for (const [id, dimension] of before) {
    const next = after.get(id);
    if (next === undefined) {
      result.push({ kind: "removed", subject: "dimension", id, value: dimension });
      continue;
    }
    const changes = DIMENSION_KEYS.flatMap((key) => diffValues(dimension[key], next[key], key));
    if (changes.length > 0) result.push({ kind: "changed", subject: "dimension", id, changes });
  }
  for (const [id, dimension] of after) {
    if (!before.has(id)) result.push({ kind: "added", subject: "dimension", id, value: dimension });
  }
  return result;
}

interface PlacedRule {
  rule: RuleFile;
  dimension: string;
}

function rulesByDimension(model: ModelFile): Map<string, PlacedRule> {
  const rules = new Map<string, PlacedRule>();
  for (const dimension of model.dimensions) {
    for (const rule of dimension.rules) rules.set(rule.id, { rule, dimension: dimension.id });
  }
  for (const rule of model.account?.rules ?? []) rules.set(rule.id, { rule, dimension: "account" });
  return rules;
}

function ruleChanges(a: Map<string, PlacedRule>, b: Map<string, PlacedRule>): ModelChange[] {
  const result: ModelChange[] = [];
  for (const [id, before] of a) {
    const after = b.get(id);
    if (after === undefined) {
      result.push({ kind: "removed", subject: "rule", id, dimension: before.dimension, value: before.rule });
      continue;
    }
    const changes = diffValues(before.rule, after.rule, "");
    if (after.dimension !== before.dimension) {
      const move: ModelChange = { kind: "moved", subject: "rule", id, dimension: after.dimension };
      result.push({ ...move, fromDimension: before.dimension, ...(changes.length > 0 ? { changes } : {}) });
    } else if (changes.length > 0) {
      result.push({ kind: "changed", subject: "rule", id, dimension: after.dimension, changes });
    }
  }
  for (const [id, after] of b) {
    if (!a.has(id))
      result.push({ kind: "added", subject: "rule", id, dimension: after.dimension, value: after.rule });
  }
  return result;
}

function gateChanges(a: GateFile[], b: GateFile[]): ModelChange[] {
  const after = new Map(b.map((gate) => [gate.id, gate]));
  const result: ModelChange[] = [];
  for (const gate of a) {
    const next = after.get(gate.id);
    if (next === undefined) result.push({ kind: "removed", subject: "gate", id: gate.id, value: gate });
    else {
      const changes = diffValues(gate, next, "");
      if (changes.length > 0) result.push({ kind: "changed", subject: "gate", id: gate.id, changes });
    }
  }
  const before = new Set(a.map((gate) => gate.id));
  for (const gate of b) {
    if (!before.has(gate.id)) result.push({ kind: "added", subject: "gate", id: gate.id, value: gate });
  }
  return result;
}

function keyedChanges(subject: "thresholds" | "account", a: unknown, b: unknown): ModelChange[] {
  // A missing block compares as an empty one, so its new keys are listed one by one.
  const changes = diffValues(a ?? {}, b ?? {}, "");
  return changes.length > 0 ? [{ kind: "changed", subject, changes }] : [];
}

function withoutRules(
  account: ModelFile["account"],
): Omit<NonNullable<ModelFile["account"]>, "rules"> | undefined {
  if (account === undefined) return undefined;
  const { rules: _, ...rest } = account;
  return rest;
}

/** Leaf-level differences between two values; objects and lists are compared key by key. */
export function diffValues(a: unknown, b: unknown, path: string): KeyChange[] {
  if (Object.is(a, b)) return [];
  if (isRecord(a) && isRecord(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((key) => diffValues(a[key], b[key], path === "" ? key : `${path}.${key}`));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => diffValues(a[i], b[i], `${path}[${i}]`)).flat();
  }
  return [{ key: path, before: a, after: b }];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
