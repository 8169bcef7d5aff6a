/**
 * Compiled readers from a file's rows to what the engine takes: a contact's or company's
 * properties (only the fields the model reads, under the names the model uses) and an event's
 * id, contact, type, time and properties. Built once per file; called once per row.
 */
import type { Evaluator, Properties } from "../../engine/index.js";
import { CANONICAL_COLUMNS, type ColumnMapping } from "../../io/mapping.js";
import type { Accessor, RecordSource, Row } from "../../io/source.js";
import type { BadRowLog } from "./bad-rows.js";
import { numericFields } from "./numeric-fields.js";

/** A value as an identifier: trimmed text, undefined when missing or blank. */
export function idText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : text;
}

const DECIMAL_COMMA = /^\s*[+-]?\d+,\d+\s*$/;

/** "2,5" → "2.5": only for numeric fields of files whose numbers use a decimal comma. */
function withDecimalPoint(read: Accessor): Accessor {
  return (row) => {
    const value = read(row);
    return typeof value === "string" && DECIMAL_COMMA.test(value) ? value.replace(",", ".") : value;
  };
}

function accessorFor(
  source: RecordSource,
  mapping: ColumnMapping,
  name: string,
  numeric: ReadonlySet<string> = NO_NAMES,
): Accessor | undefined {
  const column = mapping.columnOf(name);
  if (column === undefined) return undefined;
  const read = source.accessor(column);
  return source.decimalComma && numeric.has(name) ? withDecimalPoint(read) : read;
}

const NO_NAMES: ReadonlySet<string> = new Set();

/** The model's numeric fields of a scope, under the names readers use ("company.employees"). */
function numericNames(evaluator: Evaluator, scope: "contact" | "company", prefix = ""): Set<string> {
  return new Set([...numericFields(evaluator.model)[scope]].map((name) => `${prefix}${name}`));
}

/** Reads the listed names into a fresh object; names the file lacks are left out. */
export function propertiesReader(
  source: RecordSource,
  mapping: ColumnMapping,
  names: readonly string[],
  numeric: ReadonlySet<string> = NO_NAMES,
) {
  const readers: [string, Accessor][] = [];
  for (const name of new Set(names)) {
    const read = accessorFor(source, mapping, name, numeric);
    if (read) readers.push([name, read]);
  }
  return (row: Row): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [name, read] of readers) {
      const value = read(row);
      if (value !== undefined && value !== null) out[name] = value;
    }
    return out;
  };
}

export interface ContactReader {
  id(row: Row): string | undefined;
  companyId(row: Row): string | undefined;
  properties(row: Row): Properties;
  /** The company fields a contact row carries itself (Salesforce leads), if any. */
  inlineCompany(row: Row): Properties | undefined;
  /** Fields the model reads that the file does not have, to warn about. */
  readonly missingFields: readonly string[];
}

export function contactReader(
  source: RecordSource,
  mapping: ColumnMapping,
  evaluator: Evaluator,
): ContactReader {
  const id = accessorFor(source, mapping, "id");
  const companyId = accessorFor(source, mapping, "companyId");
  const names = ["id", ...evaluator.contactFields];
  const inlineNames = [...evaluator.companyFields, "name"].filter((name) =>
    mapping.columnOf(`company.${name}`),
  );
  const inline = propertiesReader(
    source,
    mapping,
    inlineNames.map((name) => `company.${name}`),
    numericNames(evaluator, "company", "company."),
  );
  return {
    id: (row) => (id ? idText(id(row)) : undefined),
    companyId: (row) => (companyId ? idText(companyId(row)) : undefined),
    properties: propertiesReader(source, mapping, names, numericNames(evaluator, "contact")),
    inlineCompany:
      inlineNames.length === 0
        ? () => undefined
        : (row) => {
            const prefixed = inline(row);
            const company: Record<string, unknown> = {};
            for (const [key, value] of Object.entries(prefixed))
              company[key.slice("company.".length)] = value;
            return company;
          },
    missingFields: evaluator.contactFields.filter((name) => mapping.columnOf(name) === undefined),
  };
}

export interface CompanyReader {
  id(row: Row): string | undefined;
  properties(row: Row): Properties;
  readonly missingFields: readonly string[];
}

export function companyReader(
  source: RecordSource,
  mapping: ColumnMapping,
  evaluator: Evaluator,
): CompanyReader {
  const id = accessorFor(source, mapping, "id");
  return {
    id: (row) => (id ? idText(id(row)) : undefined),
    properties: propertiesReader(
      source,
      mapping,
      ["id", "name", ...evaluator.companyFields],
      numericNames(evaluator, "company"),
    ),
    missingFields: evaluator.companyFields.filter((name) => mapping.columnOf(name) === undefined),
  };
}

export interface EventReader {
  id(row: Row): string | undefined;
  contactId(row: Row): string | undefined;
  type(row: Row): string | undefined;
  timestamp(row: Row): unknown;
  /** Reads a property of the row last given to `select` (one closure for every event). */
  readonly property: (name: string) => unknown;
  select(row: Row): void;
  /** Canonical columns the file lacks. */
  readonly missingColumns: readonly string[];
}

export function eventReader(source: RecordSource, mapping: ColumnMapping, evaluator: Evaluator): EventReader {
  // Aggregates read these as numbers whether declared or not.
  const numeric = new Set([...evaluator.eventNumberFields, ...numericFields(evaluator.model).event]);
  const read = (name: string): Accessor => {
    const direct = accessorFor(source, mapping, name, numeric);
    if (source.format !== "jsonl") return direct ?? (() => undefined);
    // JSONL events may nest their properties, as the API takes them: {"properties": {...}}.
    return (row) =>
      direct?.(row) ?? (row.data as { properties?: Record<string, unknown> }).properties?.[name];
  };
  const id = read("id");
  const contactId = read("contactId");
  const type = read("type");
  const properties = new Map<string, Accessor>();
  for (const name of [...evaluator.eventStringFields, ...evaluator.eventNumberFields])
    properties.set(name, read(name));
  let current: Row | undefined;
  const required = CANONICAL_COLUMNS.event.filter((name) => name !== "id");
  return {
    id: (row) => idText(id(row)),
    contactId: (row) => idText(contactId(row)),
    type: (row) => idText(type(row)),
    timestamp: read("timestamp"),
    property: (name) => (current ? properties.get(name)?.(current) : undefined),
    select(row) {
      current = row;
    },
    missingColumns:
      source.format === "jsonl" ? [] : required.filter((name) => mapping.columnOf(name) === undefined),
  };
}

/** A contact row's id; a malformed row or a row without id is logged as bad and gives undefined. */
export async function contactIdOf(
  row: Row,
  reader: ContactReader,
  path: string,
  badRows: BadRowLog,
): Promise<string | undefined> {
  if (row.problem !== undefined) {
    await badRows.add("malformed row", path, row.line, `contact row ${row.problem}`);
    return undefined;
  }
  const id = reader.id(row);
  if (id === undefined) await badRows.add("missing contact id", path, row.line, "the contact row has no id");
  return id;
}
