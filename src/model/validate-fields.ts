/**
 * Declared fields: when `fields.contact`, `fields.company` or `fields.event` is given, rules may
 * only use the fields it declares, and operators must suit the declared type (no `gt` on text,
 * no `contains` on a number). Account rules may only use company fields.
 */
import type { ModelPath, PathIssue } from "./errors.js";
import type { FieldCondition, FieldType, Model } from "./schema.js";
import { didYouMean } from "./suggest.js";
import { type FieldScope, fieldConditionsOf, rulesOf } from "./walk.js";

type Issue = PathIssue;
type Section = "contact" | "company" | "event";

const NUMERIC_OPERATORS = ["gt", "gte", "lt", "lte", "between"] as const;
const STRING_OPERATORS = [
  "contains",
  "startsWith",
  "endsWith",
  "matches",
  "emailDomainIn",
  "freeMail",
] as const;
const NOT_NUMERIC: readonly FieldType[] = ["string", "email", "boolean"];

export function validateFields(model: Model): Issue[] {
  const issues: Issue[] = [];
  for (const { condition, path, scope } of fieldConditionsOf(model)) {
    const fieldPath = [...path, "field"];
    const resolved = resolveField(condition.field, scope);
    if ("error" in resolved) {
      issues.push({ path: fieldPath, message: resolved.error });
      continue;
    }
    const declared = model.fields?.[resolved.section];
    if (declared === undefined) continue;
    const type = declared[resolved.name];
    if (type === undefined) {
      issues.push({ path: fieldPath, message: undeclaredMessage(resolved.section, resolved.name, declared) });
      continue;
    }
    issues.push(...operatorIssues(condition, type, resolved.name, path));
  }
  issues.push(...aggregateProperties(model));
  return issues;
}

function resolveField(
  field: string,
  scope: FieldScope,
): { section: Section; name: string } | { error: string } {
  if (scope === "event") return { section: "event", name: field };
  const dot = field.indexOf(".");
  const prefix = dot > 0 ? field.slice(0, dot) : "";
  const rest = field.slice(dot + 1);
  if (scope === "account") {
    if (prefix === "contact") {
      return { error: `account rules may only use company fields; "${field}" is a contact field` };
    }
    return { section: "company", name: prefix === "company" ? rest : field };
  }
  if (prefix === "company") return { section: "company", name: rest };
  return { section: "contact", name: prefix === "contact" ? rest : field };
}

function undeclaredMessage(section: Section, name: string, declarations: Record<string, FieldType>): string {
  const names = Object.keys(declarations);
  const where = section === "event" ? "event property" : `${section} field`;
  const declared = names.length > 0 ? names.join(", ") : "none";
  return `unknown ${where} "${name}"${didYouMean(name, names, `Declared under fields.${section}: ${declared}`)}`;
}

function operatorIssues(condition: FieldCondition, type: FieldType, name: string, path: ModelPath): Issue[] {
  const issues: Issue[] = [];
  if (NOT_NUMERIC.includes(type)) {
    for (const operator of NUMERIC_OPERATORS) {
      if (condition[operator] === undefined) continue;
      issues.push({
        path: [...path, operator],
        message: `"${operator}" compares numbers, but "${name}" is declared ${type}; declare it number or use equals/in`,
      });
    }
  }
  if (type === "number") {
    for (const operator of STRING_OPERATORS) {
      if (condition[operator] === undefined) continue;
      issues.push({
        path: [...path, operator],
        message: `"${operator}" works on text, but "${name}" is declared number; use gt, gte, lt, lte, between or equals`,
      });
    }
  }
  return issues;
}

/** `of` names a numeric event property; check it against fields.event when declared. */
function aggregateProperties(model: Model): Issue[] {
  const declared = model.fields?.event;
  if (declared === undefined) return [];
  const issues: Issue[] = [];
  for (const { rule, path } of rulesOf(model)) {
    if (rule.kind !== "aggregate" || rule.of === undefined) continue;
    const type = declared[rule.of];
    if (type === undefined) {
      issues.push({ path: [...path, "of"], message: undeclaredMessage("event", rule.of, declared) });
    } else if (type !== "number") {
      issues.push({
        path: [...path, "of"],
        message: `aggregate "${rule.aggregate}" needs a numeric property, but "${rule.of}" is declared ${type}`,
      });
    }
  }
  return issues;
}
