/**
 * The feature schema: what a model was trained on (feature names, kinds, categorical levels),
 * which columns were left out and why, and how the label was read. Plain JSON, so a trained
 * model stores it; `applySchema` encodes new rows with it, so prediction reads every value
 * exactly as training did.
 */
import { type MissingTest, missingTest, parseBoolean, parseNumber } from "./cells.js";
import type { CategoricalColumn, Dataset, FeatureColumn } from "./dataset.js";
import {
  columnList,
  DataError,
  findColumn,
  isTextColumn,
  lineOf,
  type RawColumn,
  type RawTable,
} from "./raw-table.js";

/** The level rare categories are grouped into, and where unseen categories go at prediction. */
export const OTHER_LEVEL = "(other)";

export type FeatureSpec =
  | { name: string; kind: "numeric" }
  /** Yes/no words, encoded 1/0 in a numeric column. */
  | { name: string; kind: "boolean" }
  /** Levels in code order; OTHER_LEVEL, when present, is last. */
  | { name: string; kind: "categorical"; levels: string[] };

export type IgnoreReason = "excluded" | "empty" | "constant" | "id-like" | "high-cardinality" | "date";

export interface IgnoredColumn {
  name: string;
  reason: IgnoreReason;
  /** For people: "9237 distinct values in 9237 rows". */
  detail: string;
}

/** How the label column was read: the texts seen for each class, as written. */
export interface LabelMapping {
  column: string;
  positive: string[];
  negative: string[];
}

/** For the contacts path: how features were derived from contacts, events and rule scores. */
export interface ContactDerivation {
  horizonDays: number;
  /** Event types counted, in column order. */
  eventTypes: string[];
  windowsDays: number[];
  /** Contact and company properties never used (outcome-derived or identifiers). */
  excludedProperties: string[];
  /** The property columns offered to the inference ("jobTitle", "company.industry"). */
  propertyColumns: string[];
  /** The rule model whose scores are features, if any. */
  ruleModel?: { name: string; version: string | number; dimensions: string[] };
}

export interface FeatureSchema {
  version: 1;
  /** In Dataset column order. */
  features: FeatureSpec[];
  ignored: IgnoredColumn[];
  /** Cell texts read as missing (see cells.ts). */
  missingTokens: string[];
  label?: LabelMapping;
  contacts?: ContactDerivation;
}

/** Values that could not be read as the training kind, or categories training never saw. */
export interface EncodeNote {
  column: string;
  kind: "unreadable" | "unseen-level";
  count: number;
  /** The first such value, and its line. */
  example: string;
  line: number;
  message: string;
}

export interface Encoded {
  dataset: Dataset;
  notes: EncodeNote[];
}

/** Counts odd values of one column; keeps the first as the example. */
class NoteCounter {
  count = 0;
  example = "";
  line = 0;

  add(table: RawTable, row: number, cell: string): void {
    if (this.count++ === 0) {
      this.example = cell;
      this.line = lineOf(table, row);
    }
  }

  /** `what` is [one, many]: ["value is not a number", "values are not numbers"]. */
  note(
    column: string,
    kind: EncodeNote["kind"],
    what: [string, string],
    then: string,
  ): EncodeNote | undefined {
    if (this.count === 0) return undefined;
    const { count, example, line } = this;
    const message = `${column}: ${count} ${what[count === 1 ? 0 : 1]}; ${then} (first: "${example}", line ${line})`;
    return { column, kind, count, example, line, message };
  }
}

/** What encoding one column needs besides the column. */
interface EncodeContext {
  table: RawTable;
  isMissing: MissingTest;
  notes: EncodeNote[];
}

function encodeNumeric(spec: FeatureSpec, column: RawColumn, { table, isMissing, notes }: EncodeContext) {
  if (!isTextColumn(column)) return column.numbers;
  const values = new Float64Array(table.rows);
  const odd = new NoteCounter();
  const read =
    spec.kind === "boolean" ? parseBoolean : (cell: string) => parseNumber(cell, table.decimalComma);
  for (let i = 0; i < table.rows; i++) {
    const cell = column.cells[i] ?? "";
    if (isMissing(cell)) values[i] = Number.NaN;
    else {
      values[i] = read(cell);
      if (Number.isNaN(values[i])) odd.add(table, i, cell);
    }
  }
  const what: [string, string] =
    spec.kind === "boolean"
      ? ["value is not a yes/no word", "values are not yes/no words"]
      : ["value is not a number", "values are not numbers"];
  const note = odd.note(spec.name, "unreadable", what, "read as missing");
  if (note) notes.push(note);
  return values;
}

function encodeCategorical(
  spec: Extract<FeatureSpec, { kind: "categorical" }>,
  column: RawColumn,
  { table, isMissing, notes }: EncodeContext,
): CategoricalColumn {
  if (!isTextColumn(column)) throw new Error(`${spec.name}: a categorical feature needs text cells`);
  const index = new Map(spec.levels.map((level, code) => [level, code]));
  const otherCode = index.get(OTHER_LEVEL) ?? -1;
  const codes = new Int32Array(table.rows);
  const unseen = new NoteCounter();
  for (let i = 0; i < table.rows; i++) {
    const cell = column.cells[i] ?? "";
    if (isMissing(cell)) codes[i] = -1;
    else {
      const code = index.get(cell.trim());
      if (code === undefined) unseen.add(table, i, cell);
      codes[i] = code ?? otherCode;
    }
  }
  const where = otherCode >= 0 ? `read as "${OTHER_LEVEL}"` : "read as missing";
  const what: [string, string] = ["value was not seen in training", "values were not seen in training"];
  const note = unseen.note(spec.name, "unseen-level", what, where);
  if (note) notes.push(note);
  return { kind: "categorical", name: spec.name, levels: spec.levels, codes };
}

/**
 * Encodes a table with a schema: one Dataset column per schema feature, every row kept in
 * input order. Unseen categories go to "(other)" when training had that level, else they are
 * missing; both are counted in `notes`, as are cells that are not numbers. Columns the schema
 * does not use are ignored; a feature column the table lacks is an error that names it.
 * With `label`, the label column is read too (evaluation on new labelled data).
 */
export function applySchema(
  schema: FeatureSchema,
  table: RawTable,
  options: { label?: boolean } = {},
): Encoded {
  const columns = schema.features.map((spec) => findColumn(table, spec.name));
  const absent = schema.features.filter((_, i) => columns[i] === undefined).map((spec) => `"${spec.name}"`);
  if (absent.length > 0)
    throw new DataError(
      `missing column${absent.length === 1 ? "" : "s"} ${absent.join(", ")}; the table has ${columnList(table)}`,
    );
  const context: EncodeContext = { table, isMissing: missingTest(schema.missingTokens), notes: [] };
  const features = schema.features.map((spec, i): FeatureColumn => {
    const column = columns[i]!;
    if (spec.kind === "categorical") return encodeCategorical(spec, column, context);
    return { kind: "numeric", name: spec.name, values: encodeNumeric(spec, column, context) };
  });
  const dataset: Dataset = { rows: table.rows, features };
  if (options.label) {
    if (!schema.label) throw new Error("the schema has no label column");
    dataset.label = readLabel(table, schema.label.column, schema.missingTokens).label;
  }
  return { dataset, notes: context.notes };
}

/**
 * Reads the label column: 0/1, yes/no, true/false, oui/non (any case). Anything else, an empty
 * cell included, is an error that names the line and the value; so is a column the table lacks.
 */
export function readLabel(
  table: RawTable,
  name: string,
  missingTokens: readonly string[],
): { label: Uint8Array; mapping: LabelMapping } {
  const column = findColumn(table, name);
  if (column === undefined)
    throw new DataError(`no label column "${name}"; the columns are ${columnList(table)}`, { column: name });
  const label = new Uint8Array(table.rows);
  const seen = [new Set<string>(), new Set<string>()];
  const isMissing = missingTest(missingTokens);
  for (let i = 0; i < table.rows; i++) {
    const cell = isTextColumn(column) ? (column.cells[i] ?? "") : String(column.numbers[i]);
    const value = parseBoolean(cell);
    if (Number.isNaN(value)) {
      const what = isMissing(cell) ? `is missing ("${cell}")` : `is "${cell}"`;
      throw new DataError(`the label "${column.name}" ${what}; a label is 0/1, yes/no or true/false`, {
        column: column.name,
        line: lineOf(table, i),
      });
    }
    label[i] = value;
    seen[value].add(cell.trim());
  }
  const sorted = (set: Set<string>) => [...set].sort();
  return { label, mapping: { column: column.name, positive: sorted(seen[1]), negative: sorted(seen[0]) } };
}
