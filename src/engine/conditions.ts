/**
 * Compiles the condition language once into plain functions. A field condition becomes a
 * test on one raw value; contact/company conditions read records, event conditions read
 * the columns of a batch and remember each string test per interned value.
 */
import { RE2JS } from "re2js";
import { type Condition, type FieldCondition, unreachable } from "../model/schema.js";
import type { EventBatch, StringPool } from "./batch.js";
import { FREEMAIL_DOMAINS } from "./freemail.js";
import type { Properties } from "./types.js";
import { emailDomain, isPresent, toBoolean, toNumber, toText } from "./values.js";

export type ValueTest = (value: unknown) => boolean;
export type RecordPredicate = (contact: Properties, company: Properties | undefined) => boolean;
/** Tests event i of the batch currently bound. */
export type EventPredicate = (i: number) => boolean;

const OPERATORS = [
  "equals",
  "notEquals",
  "in",
  "notIn",
  "gt",
  "gte",
  "lt",
  "lte",
  "between",
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "present",
  "emailDomainIn",
  "freeMail",
] as const;
type Operator = (typeof OPERATORS)[number];

function scalarEquals(expected: string | number | boolean, caseSensitive: boolean): ValueTest {
  if (typeof expected === "number") return (v) => toNumber(v) === expected;
  if (typeof expected === "boolean") return (v) => toBoolean(v) === expected;
  const want = toText(expected, caseSensitive);
  return (v) => toText(v, caseSensitive) === want;
}

function oneOf(values: readonly (string | number | boolean)[], caseSensitive: boolean): ValueTest {
  const tests = values.map((value) => scalarEquals(value, caseSensitive));
  const texts = new Set(values.filter((v) => typeof v === "string").map((v) => toText(v, caseSensitive)));
  if (texts.size === values.length) return (v) => texts.has(toText(v, caseSensitive));
  return (v) => tests.some((test) => test(v));
}

function domainSet(domains: readonly string[]): ReadonlySet<string> {
  const set = new Set<string>();
  for (const domain of domains) {
    if (domain === "@freemail") for (const free of FREEMAIL_DOMAINS) set.add(free);
    else set.add(domain.replace(/^@/, "").trim().toLowerCase());
  }
  return set;
}

/** The test of one operator on a value that is present. */
function operatorTest(op: Operator, c: FieldCondition): ValueTest {
  const cs = c.caseSensitive === true;
  switch (op) {
    case "equals":
      return scalarEquals(c.equals!, cs);
    case "notEquals": {
      const eq = scalarEquals(c.notEquals!, cs);
      return (v) => !eq(v);
    }
    case "in":
      return oneOf(c.in!, cs);
    case "notIn": {
      const any = oneOf(c.notIn!, cs);
      return (v) => !any(v);
    }
    case "gt":
      return (v) => toNumber(v) > c.gt!;
    case "gte":
      return (v) => toNumber(v) >= c.gte!;
    case "lt":
      return (v) => toNumber(v) < c.lt!;
    case "lte":
      return (v) => toNumber(v) <= c.lte!;
    case "between": {
      const [lo, hi] = c.between!;
      return (v) => {
        const n = toNumber(v);
        return n >= lo && n <= hi;
      };
    }
    case "contains": {
      const part = toText(c.contains!, cs);
      return (v) => toText(v, cs).includes(part);
    }
    case "startsWith": {
      const part = toText(c.startsWith!, cs);
      return (v) => toText(v, cs).startsWith(part);
    }
    case "endsWith": {
      const part = toText(c.endsWith!, cs);
      return (v) => toText(v, cs).endsWith(part);
    }
    case "matches": {
      const re = RE2JS.compile(c.matches!, cs ? 0 : RE2JS.CASE_INSENSITIVE);
      return (v) => re.test(typeof v === "string" ? v : String(v));
    }
    case "emailDomainIn": {
      const set = domainSet(c.emailDomainIn!);
      return (v) => set.has(emailDomain(v));
    }
    case "freeMail":
      return (v) => FREEMAIL_DOMAINS.has(emailDomain(v)) === c.freeMail;
    case "present":
      return () => c.present === true;
  }
}

/**
 * A missing value fails every operator except `present: false`; a present value must pass
 * every operator of the condition.
 */
export function compileValueTest(c: FieldCondition): ValueTest {
  const ops = OPERATORS.filter((op) => c[op] !== undefined);
  const tests = ops.map((op) => operatorTest(op, c));
  const whenMissing = c.present === false && ops.length === 1;
  const only = tests.length === 1 ? tests[0] : null;
  const test: ValueTest = (v) => (isPresent(v) ? (only ? only(v) : tests.every((t) => t(v))) : whenMissing);
  return remembered(test);
}

/**
 * Text values often repeat (countries, industries, job titles): remember up to this many
 * answers. Values that never repeat (email addresses) would only pay for the lookups, so a
 * full memory that answered fewer than half of its lookups is dropped.
 */
const REMEMBERED_VALUES = 4096;

function remembered(test: ValueTest): ValueTest {
  let answers: Map<string, boolean> | null = new Map();
  let hits = 0;
  let lookups = 0;
  return (v) => {
    if (typeof v !== "string" || answers === null) return test(v);
    let answer = answers.get(v);
    lookups++;
    if (answer !== undefined) {
      hits++;
      return answer;
    }
    answer = test(v);
    if (answers.size < REMEMBERED_VALUES) answers.set(v, answer);
    else if (hits * 2 < lookups) answers = null;
    return answer;
  };
}

export function isFieldCondition(c: Condition): c is FieldCondition {
  return c.kind === "field";
}

/** Where a contact-scope field path points: "company.x", "contact.x" or "x" (contact). */
export function resolveFieldPath(
  path: string,
  bareScope: "contact" | "company",
): {
  scope: "contact" | "company";
  name: string;
} {
  if (path.startsWith("company.")) return { scope: "company", name: path.slice(8) };
  if (path.startsWith("contact.")) return { scope: "contact", name: path.slice(8) };
  return { scope: bareScope, name: path };
}

export function compileRecordPredicate(
  c: Condition,
  bareScope: "contact" | "company" = "contact",
): RecordPredicate {
  switch (c.kind) {
    case "field": {
      const test = compileValueTest(c);
      const { scope, name } = resolveFieldPath(c.field, bareScope);
      if (scope === "company") return (_contact, company) => test(company?.[name]);
      return (contact) => test(contact[name]);
    }
    case "all": {
      const parts = c.all.map((part) => compileRecordPredicate(part, bareScope));
      return (contact, company) => parts.every((part) => part(contact, company));
    }
    case "any": {
      const parts = c.any.map((part) => compileRecordPredicate(part, bareScope));
      return (contact, company) => parts.some((part) => part(contact, company));
    }
    case "not": {
      const inner = compileRecordPredicate(c.not, bareScope);
      return (contact, company) => !inner(contact, company);
    }
    default:
      return unreachable(c);
  }
}

/** Every field path a condition reads, in order of appearance, without repeats. */
export function conditionFields(c: Condition, into: string[] = []): string[] {
  for (const field of fieldConditions(c)) if (!into.includes(field.field)) into.push(field.field);
  return into;
}

/** The field tests of a condition, in order of appearance. */
export function fieldConditions(c: Condition, into: FieldCondition[] = []): FieldCondition[] {
  switch (c.kind) {
    case "field":
      into.push(c);
      break;
    case "all":
      for (const part of c.all) fieldConditions(part, into);
      break;
    case "any":
      for (const part of c.any) fieldConditions(part, into);
      break;
    case "not":
      fieldConditions(c.not, into);
      break;
    default:
      unreachable(c);
  }
  return into;
}

/** The batch an event predicate reads; rebound before each evaluation. */
export interface BatchBinding {
  batch: EventBatch;
}

/**
 * Event predicates read string columns and remember each result per interned value
 * (0 = not computed yet, 1 = true, 2 = false), so a URL regex runs once per distinct URL.
 */
export function compileEventPredicate(
  c: Condition,
  columnOf: (field: string) => number,
  pool: StringPool,
  binding: BatchBinding,
): EventPredicate {
  switch (c.kind) {
    case "field":
      return compileEventFieldTest(c, columnOf(c.field), pool, binding);
    case "all": {
      const parts = c.all.map((part) => compileEventPredicate(part, columnOf, pool, binding));
      return (i) => parts.every((part) => part(i));
    }
    case "any": {
      const parts = c.any.map((part) => compileEventPredicate(part, columnOf, pool, binding));
      return (i) => parts.some((part) => part(i));
    }
    case "not": {
      const inner = compileEventPredicate(c.not, columnOf, pool, binding);
      return (i) => !inner(i);
    }
    default:
      return unreachable(c);
  }
}

function compileEventFieldTest(
  c: FieldCondition,
  column: number,
  pool: StringPool,
  binding: BatchBinding,
): EventPredicate {
  const test = compileValueTest(c);
  const whenMissing = test(undefined);
  let memo = new Uint8Array(64);
  return (i) => {
    const code = binding.batch.strings[column][i];
    if (code < 0) return whenMissing;
    if (code >= memo.length) {
      const grown = new Uint8Array(Math.max(code + 1, memo.length * 2));
      grown.set(memo);
      memo = grown;
    }
    let known = memo[code];
    if (known === 0) {
      known = test(pool.values[code]) ? 1 : 2;
      memo[code] = known;
    }
    return known === 1;
  };
}

const OPERATOR_WORDS: Record<Operator, string> = {
  equals: "is",
  notEquals: "is not",
  in: "is one of",
  notIn: "is none of",
  gt: ">",
  gte: ">=",
  lt: "<",
  lte: "<=",
  between: "is between",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
  matches: "matches",
  present: "",
  emailDomainIn: "has its domain in",
  freeMail: "",
};

function describeOperator(op: Operator, c: FieldCondition): string {
  if (op === "present") return `${c.field} is ${c.present ? "present" : "missing"}`;
  if (op === "freeMail") return `${c.field} is ${c.freeMail ? "" : "not "}a free-mail address`;
  const value = c[op];
  const shown = Array.isArray(value) ? `[${value.join(", ")}]` : JSON.stringify(value);
  return `${c.field} ${OPERATOR_WORDS[op]} ${op === "between" ? (value as number[]).join(" and ") : shown}`;
}

/** A short sentence for the ledger: `company.employees >= 50 and industry is "software"`. */
export function describeCondition(c: Condition): string {
  switch (c.kind) {
    case "field":
      return OPERATORS.filter((op) => c[op] !== undefined)
        .map((op) => describeOperator(op, c))
        .join(" and ");
    case "all":
      return c.all.map((part) => wrap(describeCondition(part), part)).join(" and ");
    case "any":
      return c.any.map((part) => wrap(describeCondition(part), part)).join(" or ");
    case "not":
      return `not (${describeCondition(c.not)})`;
    default:
      return unreachable(c);
  }
}

/** A group inside a group is put in brackets; a field test or a negation reads alone. */
function wrap(text: string, c: Condition): string {
  return c.kind === "all" || c.kind === "any" ? `(${text})` : text;
}
