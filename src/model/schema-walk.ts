/**
 * Finding one's way in the zod schema alongside the data: which sub-schema describes the value at a
 * path, and which branch of a union a value was most plausibly meant to be. zod reports a failed
 * union as the errors of every branch; a person wants the errors of the branch they meant.
 */
import { z } from "zod";
import { closest } from "./suggest.js";

type Schema = z.core.$ZodType;

/** The schema without optional/nullable/default/lazy wrappers. */
export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodLazy
    ) {
      current = current.unwrap() as Schema;
    } else {
      return current;
    }
  }
}

/** Keys a (strict) object schema accepts, or undefined when the schema is not an object. */
export function objectKeys(schema: Schema): string[] | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodObject ? Object.keys(inner.shape) : undefined;
}

/** Keys an object schema requires. */
function requiredKeys(schema: Schema): string[] {
  const inner = unwrap(schema);
  if (!(inner instanceof z.ZodObject)) return [];
  return Object.entries(inner.shape as Record<string, Schema>)
    .filter(([, field]) => field._zod.optin !== "optional")
    .map(([key]) => key);
}

export function unionOptions(schema: Schema): readonly Schema[] | undefined {
  const inner = unwrap(schema);
  return inner instanceof z.ZodUnion ? (inner.options as readonly Schema[]) : undefined;
}

type Kind = "object" | "array" | "string" | "number" | "boolean" | "null" | "other";

function kindOfValue(value: unknown): Kind {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  const type = typeof value;
  if (type === "object" || type === "string" || type === "number" || type === "boolean") return type;
  return "other";
}

/** Whether a value of this kind could be meant for the schema (ignoring its details). */
function accepts(schema: Schema, kind: Kind): boolean {
  const inner = unwrap(schema);
  const options = unionOptions(inner);
  if (options !== undefined) return options.some((option) => accepts(option, kind));
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord) return kind === "object";
  if (inner instanceof z.ZodArray || inner instanceof z.ZodTuple) return kind === "array";
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) return kind === "string";
  if (inner instanceof z.ZodNumber) return kind === "number";
  if (inner instanceof z.ZodBoolean) return kind === "boolean";
  return false;
}

/**
 * Index of the union option the value was most plausibly meant for, or undefined when the value
 * has the wrong type for every option. For objects, a key only one option knows (`when`, `cases`,
 * `allOf`, `aggregate`, `recency`; `field`, `all`, `any`, `not`) weighs most, then the number of
 * known keys, then misspelt keys that look like one of the option's keys ("pionts").
 */
export function plausibleOption(options: readonly Schema[], value: unknown): number | undefined {
  const kind = kindOfValue(value);
  const candidates = options
    .map((option, index) => ({ option, index }))
    .filter((c) => accepts(c.option, kind));
  if (candidates.length <= 1 || kind !== "object") return candidates[0]?.index;
  const keys = Object.keys(value as object);
  const keySets = candidates.map((c) => new Set(objectKeys(c.option) ?? []));
  let best = candidates[0].index;
  let bestScore = Number.NEGATIVE_INFINITY;
  candidates.forEach((candidate, i) => {
    const score = optionScore(keys, keySets, i, candidate.option);
    if (score > bestScore) {
      best = candidate.index;
      bestScore = score;
    }
  });
  return best;
}

function optionScore(keys: string[], keySets: Set<string>[], i: number, option: Schema): number {
  const own = keySets[i];
  let score = 0;
  for (const key of keys) {
    if (own.has(key)) {
      const shared = keySets.some((set, j) => j !== i && set.has(key));
      score += shared ? 1 : 10;
    } else if (closest(key, own) !== undefined) {
      score += 0.5;
    }
  }
  // Fewer missing required keys breaks ties: {event, points} is an event rule, not an aggregate.
  const missing = requiredKeys(option).filter((key) => !keys.includes(key)).length;
  return score - missing * 0.01;
}

/**
 * The schema describing the value at `path` inside `value` (which `schema` describes). Unions on
 * the way are resolved to the option the data follows; a union at the end is returned as is.
 */
export function schemaAt(schema: Schema, value: unknown, path: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = schema;
  let currentValue = value;
  for (const segment of path) {
    if (current === undefined) return undefined;
    current = chooseOption(current, currentValue);
    currentValue = (currentValue as Record<PropertyKey, unknown> | undefined)?.[segment];
    current = childSchema(current, segment);
  }
  return current === undefined ? undefined : unwrap(current);
}

/** Like `schemaAt`, and a union at the end is resolved to the option the value most plausibly follows. */
export function resolvedSchemaAt(
  schema: Schema,
  value: unknown,
  path: readonly PropertyKey[],
): Schema | undefined {
  const found = schemaAt(schema, value, path);
  if (found === undefined) return undefined;
  let valueThere = value;
  for (const segment of path)
    valueThere = (valueThere as Record<PropertyKey, unknown> | undefined)?.[segment];
  return chooseOption(found, valueThere);
}

function chooseOption(schema: Schema, value: unknown): Schema {
  const options = unionOptions(schema);
  if (options === undefined) return unwrap(schema);
  const index = plausibleOption(options, value);
  return index === undefined ? unwrap(schema) : chooseOption(options[index], value);
}

function childSchema(schema: Schema, segment: PropertyKey): Schema | undefined {
  if (schema instanceof z.ZodObject) return (schema.shape as Record<string, Schema>)[String(segment)];
  if (schema instanceof z.ZodArray) return schema.element as Schema;
  if (schema instanceof z.ZodRecord) return schema.valueType as Schema;
  if (schema instanceof z.ZodTuple) return (schema._zod.def.items as Schema[])[Number(segment)];
  return undefined;
}

/** The description given with `.describe()`, looking through wrappers. */
export function descriptionOf(schema: Schema): string | undefined {
  return z.globalRegistry.get(schema)?.description ?? z.globalRegistry.get(unwrap(schema))?.description;
}

/** "a mapping with one of: when, cases, event..." from the first required key of each option. */
export function describeUnion(schema: Schema): string {
  const description = descriptionOf(schema);
  if (description !== undefined) return description;
  const options = unionOptions(schema) ?? [];
  const objectOptions = options.filter((option) => objectKeys(option) !== undefined);
  if (objectOptions.length === options.length && options.length > 0) {
    const shared = new Set(["id", "reason", "description"]);
    const keys = objectOptions.map((option) => requiredKeys(option).find((key) => !shared.has(key)) ?? "?");
    return `a mapping with one of the keys ${[...new Set(keys)].join(", ")}`;
  }
  return options.map((option) => describeSchemaType(option)).join(" or ");
}

export function describeSchemaType(schema: Schema): string {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject || inner instanceof z.ZodRecord) return "a mapping (key: value)";
  if (inner instanceof z.ZodArray || inner instanceof z.ZodTuple) return "a list";
  if (inner instanceof z.ZodString) return "text";
  if (inner instanceof z.ZodNumber) return "a number";
  if (inner instanceof z.ZodBoolean) return "true or false";
  if (inner instanceof z.ZodEnum) return `one of ${(inner.options as unknown[]).join(", ")}`;
  if (inner instanceof z.ZodUnion) return describeUnion(inner);
  return "a value";
}
