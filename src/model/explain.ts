/**
 * Turns zod issues into issues a marketer can act on: a missing key is named, an unknown key gets
 * a "did you mean", a failed union reports the errors of the branch the author meant.
 */
import type { z } from "zod";
import type { ModelPath, PathIssue } from "./errors.js";
import {
  describeSchemaType,
  describeUnion,
  objectKeys,
  plausibleOption,
  resolvedSchemaAt,
  schemaAt,
  unionOptions,
} from "./schema-walk.js";
import { didYouMean } from "./suggest.js";

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;

/** Explains the issues of `schema.safeParse(value)`; `prefix` is where `value` sits in the model. */
export function explainIssues(
  issues: readonly Issue[],
  schema: Schema,
  value: unknown,
  prefix: ModelPath = [],
): PathIssue[] {
  return issues.flatMap((issue) => explainIssue(issue, schema, value, prefix));
}

function explainIssue(issue: Issue, schema: Schema, root: unknown, prefix: ModelPath): PathIssue[] {
  const relative = issue.path.map((segment) => (typeof segment === "number" ? segment : String(segment)));
  const path = [...prefix, ...relative];
  const value = valueAt(root, relative);
  const key = path[path.length - 1];
  if (value === undefined && typeof key === "string" && issue.code !== "unrecognized_keys") {
    const expected = schemaAt(schema, root, relative);
    const what = expected === undefined ? "" : ` (${describeExpected(expected)})`;
    return [{ path, message: `missing required key "${key}"${what}` }];
  }
  switch (issue.code) {
    case "invalid_union":
      return explainUnion(issue, schema, root, relative, path);
    case "unrecognized_keys":
      return issue.keys.map((unknown) => ({
        path: [...path, unknown],
        atKey: true,
        message: unknownKeyMessage(
          unknown,
          objectKeys(resolvedSchemaAt(schema, root, relative) ?? schema) ?? [],
        ),
      }));
    case "invalid_type":
      return [{ path, message: `expected ${describeType(issue.expected)}, got ${describeValue(value)}` }];
    case "invalid_value":
      return [{ path, message: invalidValueMessage(path, value, issue.values) }];
    case "invalid_format":
      return [{ path, message: `${describeValue(value)} is not valid: expected ${issue.message}` }];
    case "too_small":
      return [{ path, message: tooSmallMessage(issue) }];
    case "too_big":
      return [{ path, message: tooBigMessage(issue) }];
    default:
      return [{ path, message: issue.message }];
  }
}

function explainUnion(
  issue: Extract<Issue, { code: "invalid_union" }>,
  schema: Schema,
  root: unknown,
  relative: ModelPath,
  path: ModelPath,
): PathIssue[] {
  const union = schemaAt(schema, root, relative);
  const options = union === undefined ? undefined : unionOptions(union);
  const value = valueAt(root, relative);
  const index = options === undefined ? undefined : plausibleOption(options, value);
  if (options === undefined || index === undefined || issue.errors[index] === undefined) {
    const expected = union === undefined ? "another kind of value" : describeUnion(union);
    return [{ path, message: `expected ${expected}, got ${describeValue(value)}` }];
  }
  const explained = explainIssues(issue.errors[index], options[index], value, path);
  return explained.map(
    (explainedIssue) => exclusiveKeyIssue(explainedIssue, path, options, index, value) ?? explainedIssue,
  );
}

/**
 * A key of another option of the union, next to the chosen option's own key: the author mixed
 * two kinds ("when" and "event" in one gate, "halfLife" and "steps" in one decay).
 */
function exclusiveKeyIssue(
  issue: PathIssue,
  unionPath: ModelPath,
  options: readonly Schema[],
  chosen: number,
  value: unknown,
): PathIssue | undefined {
  if (!issue.atKey || issue.path.length !== unionPath.length + 1 || !isRecord(value)) return undefined;
  const key = String(issue.path[issue.path.length - 1]);
  const others = options.filter((_, i) => i !== chosen).map((option) => objectKeys(option) ?? []);
  if (!others.some((keys) => keys.includes(key))) return undefined;
  const own = (objectKeys(options[chosen]) ?? []).filter(
    (k) => k in value && !others.some((keys) => keys.includes(k)),
  );
  if (own.length === 0) return undefined;
  return {
    ...issue,
    message: `"${key}" cannot be used together with "${own[0]}" here: use one or the other`,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = didYouMean(key, allowed);
  if (suggestion !== "") return `unknown key "${key}"${suggestion}`;
  return allowed.length > 0
    ? `unknown key "${key}"; allowed keys: ${allowed.join(", ")}`
    : `unknown key "${key}"`;
}

function invalidValueMessage(path: ModelPath, value: unknown, allowed: readonly unknown[]): string {
  const names = allowed.map(String);
  const suggestion = typeof value === "string" ? didYouMean(value, names) : "";
  if (path[0] === "fields" && path.length === 3) {
    return `unknown field type ${describeValue(value)} for ${path[1]} field "${path[2]}"; allowed types: ${names.join(", ")}${suggestion}`;
  }
  return `${describeValue(value)} is not allowed here; use one of: ${names.join(", ")}${suggestion}`;
}

function tooSmallMessage(issue: Extract<Issue, { code: "too_small" }>): string {
  const minimum = Number(issue.minimum);
  if (issue.origin === "array" || issue.origin === "set") {
    return minimum === 1 ? "must list at least one item" : `must list at least ${minimum} items`;
  }
  if (issue.origin === "string")
    return minimum === 1 ? "must not be empty" : `needs at least ${minimum} characters`;
  return issue.inclusive === false ? `must be greater than ${minimum}` : `must be at least ${minimum}`;
}

function tooBigMessage(issue: Extract<Issue, { code: "too_big" }>): string {
  const maximum = Number(issue.maximum);
  if (issue.origin === "array" || issue.origin === "set") return `must list at most ${maximum} items`;
  if (issue.origin === "string") return `must have at most ${maximum} characters`;
  return issue.inclusive === false ? `must be less than ${maximum}` : `must be at most ${maximum}`;
}

function describeExpected(schema: Schema): string {
  return unionOptions(schema) === undefined ? describeSchemaType(schema) : describeUnion(schema);
}

const TYPE_WORDS: Record<string, string> = {
  object: "a mapping (key: value)",
  array: "a list",
  tuple: "a list",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  null: "null",
};

function describeType(expected: string): string {
  return TYPE_WORDS[expected] ?? expected;
}

/** How a value looks to the author: `"30 days"`, `5`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}
