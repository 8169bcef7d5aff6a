/**
 * The fields a model reads as numbers: declared `number`, or tested with gt, gte, lt, lte,
 * between, or compared with a number. In a file whose numbers use a decimal comma ("2,5"),
 * only these are converted, so a text like "Paris, France" is never touched.
 */
import type { FieldCondition, Model } from "../../model/schema.js";
import { fieldConditionsOf } from "../../model/walk.js";

export interface NumericFields {
  contact: ReadonlySet<string>;
  company: ReadonlySet<string>;
  event: ReadonlySet<string>;
}

function testsNumber(c: FieldCondition): boolean {
  if ([c.gt, c.gte, c.lt, c.lte, c.between].some((value) => value !== undefined)) return true;
  return [c.equals, c.notEquals, ...(c.in ?? []), ...(c.notIn ?? [])].some(
    (value) => typeof value === "number",
  );
}

export function numericFields(model: Model): NumericFields {
  const fields = {
    contact: new Set<string>(),
    company: new Set<string>(),
    event: new Set<string>(),
  };
  for (const scope of ["contact", "company", "event"] as const)
    for (const [name, type] of Object.entries(model.fields?.[scope] ?? {}))
      if (type === "number") fields[scope].add(name);
  for (const { condition, scope } of fieldConditionsOf(model)) {
    if (!testsNumber(condition)) continue;
    const { field } = condition;
    if (scope === "event") fields.event.add(field);
    else if (field.startsWith("company.")) fields.company.add(field.slice("company.".length));
    else if (field.startsWith("contact.")) fields.contact.add(field.slice("contact.".length));
    else fields[scope === "account" ? "company" : "contact"].add(field);
  }
  return fields;
}
