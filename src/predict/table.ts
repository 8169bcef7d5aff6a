/**
 * A flat table (a CSV a user brings, with a label column) into a Dataset and its schema. Types
 * are inferred column by column (infer-column.ts, where the rules are listed); the Dataset is
 * then made by `applySchema`, the very function prediction uses, so training and prediction
 * read every cell the same way.
 */
import { DEFAULT_MISSING_TOKENS, missingTest } from "./cells.js";
import type { Dataset } from "./dataset.js";
import { type DateOrder, parseDate } from "./dates.js";
import { DEFAULT_LEVEL_OPTIONS, type Inferred, inferColumn, type LevelOptions } from "./infer-column.js";
import { columnList, DataError, findColumn, isTextColumn, type RawTable } from "./raw-table.js";
import {
  applySchema,
  type FeatureSchema,
  type FeatureSpec,
  type IgnoredColumn,
  readLabel,
} from "./schema.js";

export interface InferOptions extends Partial<LevelOptions> {
  /** Columns never used as features (outcome-derived ones, say); reported as excluded. */
  exclude?: readonly string[];
  /** Cell texts read as missing; default DEFAULT_MISSING_TOKENS. */
  missingTokens?: readonly string[];
}

export interface Inference {
  schema: FeatureSchema;
  /** For people: rare levels grouped, numbers unreadable... one line each. */
  notes: string[];
  /** The date columns found, with how their dates are written. */
  dateOrders: Map<string, DateOrder>;
}

function excludedNames(table: RawTable, exclude: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const name of exclude) {
    const column = findColumn(table, name);
    if (column === undefined)
      throw new DataError(`cannot exclude "${name}": no such column; the columns are ${columnList(table)}`);
    names.add(column.name);
  }
  return names;
}

/**
 * The schema of a table: one feature per usable column, the others listed with their reason.
 * `skip` names columns that are neither (the label). Number columns (computed features) are
 * numeric, or constant and left out.
 */
export function inferSchema(
  table: RawTable,
  options: InferOptions = {},
  skip: readonly string[] = [],
): Inference {
  const missingTokens = [...(options.missingTokens ?? DEFAULT_MISSING_TOKENS)];
  const levels: LevelOptions = { ...DEFAULT_LEVEL_OPTIONS, ...definedOnly(options) };
  const context = {
    isMissing: missingTest(missingTokens),
    decimalComma: table.decimalComma,
    options: levels,
  };
  const excluded = excludedNames(table, options.exclude ?? []);
  const features: FeatureSpec[] = [];
  const ignored: IgnoredColumn[] = [];
  const notes: string[] = [];
  const dateOrders = new Map<string, DateOrder>();
  for (const column of table.columns) {
    if (skip.includes(column.name)) continue;
    if (excluded.has(column.name)) {
      ignored.push({ name: column.name, reason: "excluded", detail: "excluded by request" });
      continue;
    }
    const inferred = isTextColumn(column)
      ? inferColumn(column.name, column.cells, table.rows, context)
      : inferNumbers(column.name, column.numbers);
    if ("ignored" in inferred) {
      ignored.push(inferred.ignored);
      if (inferred.dateOrder) dateOrders.set(column.name, inferred.dateOrder);
    } else {
      features.push(inferred.spec);
      if (inferred.note) notes.push(`${column.name}: ${inferred.note}`);
    }
  }
  return { schema: { version: 1, features, ignored, missingTokens }, notes, dateOrders };
}

/** The level options given (an option given as `undefined` keeps its default). */
function definedOnly(options: Partial<LevelOptions>): Partial<LevelOptions> {
  const keys = Object.keys(DEFAULT_LEVEL_OPTIONS) as (keyof LevelOptions)[];
  return Object.fromEntries(
    keys.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
  );
}

/** A computed number column: a feature unless it holds one value in every row. */
function inferNumbers(name: string, values: Float64Array): Inferred {
  const first = values[0];
  const constant = values.every((value) => value === first || (Number.isNaN(value) && Number.isNaN(first)));
  if (constant && values.length > 0) {
    const what = Number.isNaN(first) ? "missing" : String(first);
    return { ignored: { name, reason: "constant", detail: `${what} in all ${values.length} rows` } };
  }
  return { spec: { name, kind: "numeric" } };
}

export interface TableOptions extends InferOptions {
  /** The label column: 0/1, yes/no, true/false, oui/non. */
  label: string;
  /** A date column to return as `times` (for a time-based split). */
  timeColumn?: string;
}

export interface TableResult {
  dataset: Dataset;
  schema: FeatureSchema;
  notes: string[];
  /** UTC milliseconds of `timeColumn` per row, NaN when missing. */
  times?: Float64Array;
}

/** The training Dataset of a flat table, its schema and what people should know about it. */
export function buildTable(table: RawTable, options: TableOptions): TableResult {
  const { label, mapping } = readLabel(table, options.label, options.missingTokens ?? DEFAULT_MISSING_TOKENS);
  const inference = inferSchema(table, options, [mapping.column]);
  const schema: FeatureSchema = { ...inference.schema, label: mapping };
  const encoded = applySchema(schema, table);
  const dataset: Dataset = { ...encoded.dataset, label };
  // Rare levels read as "(other)" are the grouping itself, reported once by the inference.
  const unreadable = encoded.notes.filter((note) => note.kind === "unreadable");
  const notes = [...inference.notes, ...unreadable.map((note) => note.message)];
  const result: TableResult = { dataset, schema, notes };
  if (options.timeColumn !== undefined) result.times = timesOf(table, options.timeColumn, inference);
  return result;
}

function timesOf(table: RawTable, name: string, inference: Inference): Float64Array {
  const column = findColumn(table, name);
  if (column === undefined)
    throw new DataError(`no date column "${name}"; the columns are ${columnList(table)}`, { column: name });
  const order = inference.dateOrders.get(column.name);
  if (order === undefined || !isTextColumn(column))
    throw new DataError(`"${column.name}" is not a date column (ISO 8601 or day/month/year dates)`, {
      column: column.name,
    });
  const isMissing = missingTest(inference.schema.missingTokens);
  const times = new Float64Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    const cell = column.cells[i] ?? "";
    times[i] = isMissing(cell) ? Number.NaN : parseDate(cell, order);
  }
  return times;
}
