/**
 * The model as the checks and the engine read it: what the file format accepts (format.ts), with
 * every rule, gate, condition and decay tagged with its kind when it is parsed. The tag is derived
 * from the keys the author wrote (the file format has no `kind`), so code that dispatches on a
 * kind switches on the tag, and the compiler rejects a switch that leaves a kind out.
 */
import {
  type AggregateRuleFile,
  type CasesRuleFile,
  type CombinationRuleFile,
  type ConditionFile,
  type DecayFile,
  type DimensionFile,
  type EventRuleFile,
  type FieldConditionFile,
  type GateFile,
  type ModelFile,
  modelFileSchema,
  type PropertyRuleFile,
  type RecencyRuleFile,
  type RuleFile,
} from "./format.js";

export type { FieldType, ModelFile, Thresholds } from "./format.js";
export { BUILTIN_EVENT_TYPES, durationSchema } from "./format.js";

/** `kind`, then the keys of the file form with `Replaced` in place of their file types. */
type Tagged<Kind extends string, File, Replaced = Record<never, never>> = { kind: Kind } & Omit<
  File,
  keyof Replaced
> &
  Replaced;

export type FieldCondition = { kind: "field" } & FieldConditionFile;
export type Condition =
  | FieldCondition
  | { kind: "all"; all: Condition[] }
  | { kind: "any"; any: Condition[] }
  | { kind: "not"; not: Condition };
export type ConditionKind = Condition["kind"];

export type HalfLifeDecay = Tagged<"halfLife", Extract<DecayFile, { halfLife: unknown }>>;
export type StepDecay = Tagged<"steps", Extract<DecayFile, { steps: unknown }>>;
export type Decay = HalfLifeDecay | StepDecay;

export type PropertyRule = Tagged<"property", PropertyRuleFile, { when: Condition }>;
export type CasesRule = Tagged<"cases", CasesRuleFile, { cases: { when: Condition; points: number }[] }>;
export type EventRule = Tagged<"event", EventRuleFile, { where?: Condition; decay?: Decay }>;
export interface EventMatch {
  event: string | string[];
  where?: Condition;
  minCount?: number;
}
export type CombinationRule = Tagged<
  "combination",
  CombinationRuleFile,
  { allOf: EventMatch[]; decay?: Decay }
>;
export type AggregateRule = Tagged<"aggregate", AggregateRuleFile, { where?: Condition }>;
export type RecencyRule = Tagged<
  "recency",
  RecencyRuleFile,
  { recency: { event?: string | string[]; where?: Condition } }
>;
export type Rule = PropertyRule | CasesRule | EventRule | CombinationRule | AggregateRule | RecencyRule;
export type RuleKind = Rule["kind"];
/** Account rules read the company's properties only. */
export type AccountRule = PropertyRule | CasesRule;

export type PropertyGate = Tagged<"property", Extract<GateFile, { when: unknown }>, { when: Condition }>;
export type EventGate = Tagged<"event", Extract<GateFile, { event: unknown }>, { where?: Condition }>;
export type Gate = PropertyGate | EventGate;
export type GateKind = Gate["kind"];

export type Dimension = Omit<DimensionFile, "rules"> & { rules: Rule[] };
type AccountFile = NonNullable<ModelFile["account"]>;
export type Account = Omit<AccountFile, "rules"> & { rules?: AccountRule[] };
export type Model = Omit<ModelFile, "dimensions" | "gates" | "account"> & {
  dimensions: Dimension[];
  gates?: Gate[];
  account?: Account;
};

/** Parses a model given as data (not text: see parse.ts) into its tagged form. */
export const modelSchema = modelFileSchema.transform(toModel);

/** For a `switch` that must handle every kind: a kind left out makes `value` not `never`. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: unhandled kind ${JSON.stringify(value)}`);
}

/**
 * Tags a model the file schema accepted: the one place that tells kinds apart by their keys.
 * Converted values are spread after the keys they replace, so every key keeps its position and
 * the tagged model lists its keys in the order of the file form (diffs show them in that order).
 */
export function toModel(file: ModelFile): Model {
  return {
    ...file,
    dimensions: file.dimensions.map((dimension) => ({ ...dimension, rules: dimension.rules.map(toRule) })),
    ...converted("gates", file.gates, (gates) => gates.map(toGate)),
    ...converted("account", file.account, toAccount),
  } as Model;
}

function toAccount(account: AccountFile): Account {
  return { ...account, ...converted("rules", account.rules, (rules) => rules.map(toAccountRule)) } as Account;
}

function toAccountRule(rule: PropertyRuleFile | CasesRuleFile): AccountRule {
  return "when" in rule ? toPropertyRule(rule) : toCasesRule(rule);
}

function toRule(rule: RuleFile): Rule {
  if ("when" in rule) return toPropertyRule(rule);
  if ("cases" in rule) return toCasesRule(rule);
  if ("allOf" in rule) return toCombinationRule(rule);
  if ("aggregate" in rule) return toAggregateRule(rule);
  if ("recency" in rule) return toRecencyRule(rule);
  return toEventRule(rule);
}

function toPropertyRule(rule: PropertyRuleFile): PropertyRule {
  return { kind: "property", ...rule, when: toCondition(rule.when) };
}

function toCasesRule(rule: CasesRuleFile): CasesRule {
  return { kind: "cases", ...rule, cases: rule.cases.map((c) => ({ ...c, when: toCondition(c.when) })) };
}

function toEventRule(rule: EventRuleFile): EventRule {
  return {
    kind: "event",
    ...rule,
    ...converted("where", rule.where, toCondition),
    ...converted("decay", rule.decay, toDecay),
  } as EventRule;
}

function toCombinationRule(rule: CombinationRuleFile): CombinationRule {
  return {
    kind: "combination",
    ...rule,
    allOf: rule.allOf.map((match) => ({ ...match, ...converted("where", match.where, toCondition) })),
    ...converted("decay", rule.decay, toDecay),
  } as CombinationRule;
}

function toAggregateRule(rule: AggregateRuleFile): AggregateRule {
  return { kind: "aggregate", ...rule, ...converted("where", rule.where, toCondition) } as AggregateRule;
}

function toRecencyRule(rule: RecencyRuleFile): RecencyRule {
  const recency = { ...rule.recency, ...converted("where", rule.recency.where, toCondition) };
  return { kind: "recency", ...rule, recency } as RecencyRule;
}

function toGate(gate: GateFile): Gate {
  if ("when" in gate) return { kind: "property", ...gate, when: toCondition(gate.when) };
  return { kind: "event", ...gate, ...converted("where", gate.where, toCondition) } as EventGate;
}

function toCondition(condition: ConditionFile): Condition {
  if ("all" in condition) return { kind: "all", all: condition.all.map(toCondition) };
  if ("any" in condition) return { kind: "any", any: condition.any.map(toCondition) };
  if ("not" in condition) return { kind: "not", not: toCondition(condition.not) };
  return { kind: "field", ...condition };
}

function toDecay(decay: DecayFile): Decay {
  return "steps" in decay ? { kind: "steps", ...decay } : { kind: "halfLife", ...decay };
}

function converted<Key extends string, From, To>(
  key: Key,
  value: From | undefined,
  convert: (value: From) => To,
): Partial<Record<Key, To>> {
  return value === undefined ? {} : ({ [key]: convert(value) } as Record<Key, To>);
}

/** The model as its author wrote it: every `kind` tag taken off (diffs compare what people wrote). */
export function toModelFile(model: Model): ModelFile {
  return {
    ...model,
    dimensions: model.dimensions.map((dimension) => ({
      ...dimension,
      rules: dimension.rules.map(toRuleFile),
    })),
    ...converted("gates", model.gates, (gates) => gates.map(toGateFile)),
    ...converted("account", model.account, toAccountFile),
  } as ModelFile;
}

function toAccountFile(account: Account): AccountFile {
  const rules = converted("rules", account.rules, (list) => list.map(toAccountRuleFile));
  return { ...account, ...rules } as AccountFile;
}

function toAccountRuleFile(rule: AccountRule): PropertyRuleFile | CasesRuleFile {
  switch (rule.kind) {
    case "property":
      return toPropertyRuleFile(rule);
    case "cases":
      return toCasesRuleFile(rule);
    default:
      return unreachable(rule);
  }
}

function toRuleFile(rule: Rule): RuleFile {
  switch (rule.kind) {
    case "property":
      return toPropertyRuleFile(rule);
    case "cases":
      return toCasesRuleFile(rule);
    case "event":
      return {
        ...untagged(rule),
        ...converted("where", rule.where, toConditionFile),
        ...converted("decay", rule.decay, untagged),
      } as EventRuleFile;
    case "combination":
      return {
        ...untagged(rule),
        allOf: rule.allOf.map((match) => ({ ...match, ...converted("where", match.where, toConditionFile) })),
        ...converted("decay", rule.decay, untagged),
      } as CombinationRuleFile;
    case "aggregate":
      return { ...untagged(rule), ...converted("where", rule.where, toConditionFile) } as AggregateRuleFile;
    case "recency": {
      const recency = { ...rule.recency, ...converted("where", rule.recency.where, toConditionFile) };
      return { ...untagged(rule), recency } as RecencyRuleFile;
    }
    default:
      return unreachable(rule);
  }
}

function toPropertyRuleFile(rule: PropertyRule): PropertyRuleFile {
  return { ...untagged(rule), when: toConditionFile(rule.when) };
}

function toCasesRuleFile(rule: CasesRule): CasesRuleFile {
  return { ...untagged(rule), cases: rule.cases.map((c) => ({ ...c, when: toConditionFile(c.when) })) };
}

function toGateFile(gate: Gate): GateFile {
  switch (gate.kind) {
    case "property":
      return { ...untagged(gate), when: toConditionFile(gate.when) };
    case "event":
      return { ...untagged(gate), ...converted("where", gate.where, toConditionFile) } as GateFile;
    default:
      return unreachable(gate);
  }
}

function toConditionFile(condition: Condition): ConditionFile {
  switch (condition.kind) {
    case "field":
      return untagged(condition);
    case "all":
      return { all: condition.all.map(toConditionFile) };
    case "any":
      return { any: condition.any.map(toConditionFile) };
    case "not":
      return { not: toConditionFile(condition.not) };
    default:
      return unreachable(condition);
  }
}

function untagged<T extends { kind: string }>(value: T): Omit<T, "kind"> {
  const { kind: _, ...rest } = value;
  return rest;
}
