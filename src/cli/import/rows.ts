/**
 * From a file's rows to the API's request items, checked with the API's own zod schemas, so a
 * row the importer accepts is one the service accepts, and a bad row is reported with its
 * file, line and field before anything is sent.
 */
import type { z } from "zod";
import { type ColumnMapping, type Entity, resolveMapping, type UserMapping } from "../../io/mapping.js";
import type { RecordSource, Row } from "../../io/source.js";
import { fieldPath } from "../../server/route.js";
import type { InputSchemas } from "../../server/schemas.js";
import { UserError } from "../errors.js";
import { idText } from "../score/readers.js";

export type Kind = "companies" | "contacts" | "events";
export const KINDS: readonly Kind[] = ["companies", "contacts", "events"];

const ENTITY: Record<Kind, Entity> = { companies: "company", contacts: "contact", events: "event" };

/** The API's own schema of each kind. */
function schemaOf<K extends Kind>(kind: K, inputs: InputSchemas): Schemas[K] {
  const schemas: Schemas = {
    companies: inputs.companyUpdate,
    contacts: inputs.contactUpdate,
    events: inputs.event,
  };
  return schemas[kind];
}

interface Schemas {
  companies: InputSchemas["companyUpdate"];
  contacts: InputSchemas["contactUpdate"];
  events: InputSchemas["event"];
}

/** What the API takes (sent as JSON) and what it makes of it (handed to the service directly). */
export type Body<K extends Kind> = z.input<Schemas[K]>;
export type Parsed<K extends Kind> = z.output<Schemas[K]>;

export interface Item<K extends Kind> {
  line: number;
  body: Body<K>;
  parsed: Parsed<K>;
}

export interface FieldProblem {
  /** The request field ("timestamp", "properties.url"), with its column when named otherwise. */
  field: string;
  message: string;
}

export type Shaped<K extends Kind> = { item: Item<K> } | { problems: FieldProblem[] };

/** The columns that identify a row; every other column is a property. */
const IDENTITY_NAMES: Record<Kind, readonly string[]> = {
  companies: ["id"],
  contacts: ["id", "email", "companyId"],
  events: ["id", "contactId", "email", "type", "timestamp"],
};

/** Text of an identifier or an email: trimmed, undefined when blank; null stays null (JSONL). */
function textOrNull(value: unknown): string | null | undefined {
  return value === null ? null : idText(value);
}

function isBlank(value: unknown): boolean {
  return value === undefined || (typeof value === "string" && value.trim() === "");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface RowShaper<K extends Kind> {
  readonly kind: K;
  readonly source: RecordSource;
  readonly mapping: ColumnMapping;
  shape(row: Row): Shaped<K>;
}

export function rowShaper<K extends Kind>(
  kind: K,
  source: RecordSource,
  user: readonly UserMapping[],
  /** Built with the importer's clock: the same bounds (event times, sizes) as the service's. */
  inputs: InputSchemas,
): RowShaper<K> {
  const mapping = resolveMapping(ENTITY[kind], source.columns, user, source.path);
  checkIdentityColumns(kind, source, mapping);
  const identity = new Map<string, string>();
  for (const name of IDENTITY_NAMES[kind]) {
    // The keys of JSONL rows vary: the first row's keys do not tell which ones the file has.
    const column = source.format === "jsonl" ? (mapping.renamed.get(name) ?? name) : mapping.columnOf(name);
    if (column !== undefined && ![...identity.values()].includes(column)) identity.set(name, column);
  }
  const identityColumns = new Set(identity.values());
  // Columns read under a canonical name ("First Name" → firstName) keep that name as a property.
  // A contact export's company columns (company.name) stay under their own names: the service
  // reads company fields from the company the contact belongs to.
  const propertyName = new Map<string, string>();
  for (const [name, column] of mapping.renamed)
    if (!name.startsWith("company.") && !propertyName.has(column)) propertyName.set(column, name);
  const schema: z.ZodType = schemaOf(kind, inputs);
  /** "timestamp", or 'timestamp (column "Event Date")' when the file names it otherwise. */
  const describeField = (path: readonly PropertyKey[]): string => {
    const field = fieldPath("", path);
    const [top, second] = path;
    let column: string | undefined;
    if (top === "properties" && typeof second === "string")
      column = [...propertyName].find(([, name]) => name === second)?.[0];
    else if (typeof top === "string") column = identity.get(top);
    return column === undefined || column === field || column === second
      ? field
      : `${field} (column "${column}")`;
  };

  return {
    kind,
    source,
    mapping,
    shape(row) {
      if (row.problem !== undefined)
        return { problems: [{ field: "(row)", message: `the row ${row.problem}` }] };
      const record = source.record(row);
      const properties: Record<string, unknown> = {};
      let nested: Record<string, unknown> | undefined;
      for (const [column, value] of Object.entries(record)) {
        if (identityColumns.has(column) || isBlank(value)) continue;
        // JSONL rows may nest their properties as the API does: {"properties": {...}}.
        if (column === "properties" && source.format === "jsonl" && isPlainObject(value)) nested = value;
        else properties[propertyName.get(column) ?? column] = value;
      }
      if (nested) Object.assign(properties, nested);
      const read = (name: string) => {
        const column = identity.get(name);
        return column === undefined ? undefined : textOrNull(record[column]);
      };
      const body: Record<string, unknown> = {};
      const put = (name: string, value: unknown) => {
        if (value !== undefined) body[name] = value;
      };
      put("id", read("id"));
      if (kind === "contacts") {
        put("email", read("email"));
        put("companyId", read("companyId"));
      } else if (kind === "events") {
        put("contactId", read("contactId"));
        put("email", read("email"));
        put("type", read("type"));
        const column = identity.get("timestamp");
        const timestamp = column === undefined ? undefined : record[column];
        put("timestamp", typeof timestamp === "string" ? timestamp.trim() || undefined : timestamp);
      }
      if (kind === "companies" || Object.keys(properties).length > 0) body.properties = properties;
      const result = schema.safeParse(body);
      const problems: FieldProblem[] = result.success
        ? []
        : result.error.issues.map((issue) => ({
            field: describeField(issue.path),
            message: problemMessage(issue, valueAt(body, issue.path)),
          }));
      // The API dates an event without a timestamp "now"; history imported so would be wrong.
      if (
        kind === "events" &&
        body.timestamp === undefined &&
        !problems.some((p) => p.field.startsWith("timestamp"))
      )
        problems.push({
          field: describeField(["timestamp"]),
          message: "missing: each imported event needs its time",
        });
      if (!result.success || problems.length > 0) return { problems };
      return { item: { line: row.line, body: body as Body<K>, parsed: result.data as Parsed<K> } };
    },
  };
}

/** zod's message, with the value at fault, or "missing" for an empty or absent value. */
function problemMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined) return issue.code === "invalid_type" ? "missing" : issue.message;
  const shown = JSON.stringify(value);
  return shown.length <= 60 ? `${issue.message} (got ${shown})` : issue.message;
}

function valueAt(body: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
  let value: unknown = body;
  for (const key of path) {
    if (!isPlainObject(value)) return undefined;
    value = value[key as string];
  }
  return value;
}

/** A file that cannot identify its rows is refused before any row is read. */
function checkIdentityColumns(kind: Kind, source: RecordSource, mapping: ColumnMapping): void {
  if (source.format === "jsonl") return; // JSONL keys may vary from row to row: checked per row
  const has = (name: string) => mapping.columnOf(name) !== undefined;
  const columns = source.columns.join(", ");
  const need = (ok: boolean, what: string, map: string) => {
    if (!ok)
      throw new UserError(
        `${source.path}: no ${what} column (columns: ${columns}); map one with --map ${map}`,
      );
  };
  if (kind === "companies") need(has("id"), "company id", "company.id=COLUMN");
  if (kind === "contacts") need(has("id") || has("email"), "contact id or email", "id=COLUMN");
  if (kind === "events") {
    need(has("id"), "event id", "event.id=COLUMN");
    need(has("contactId") || has("email"), "contactId (or email)", "event.contactId=COLUMN");
    need(has("type"), "event type", "event.type=COLUMN");
    need(has("timestamp"), "timestamp", "event.timestamp=COLUMN");
  }
}
