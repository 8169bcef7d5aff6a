/**
 * Reading a flat table for predictive scoring: any CSV a user brings (comma, semicolon or tab,
 * quoted or not, UTF-8 with or without BOM, CRLF or LF: csv-read.ts) into the column-major
 * RawTable that src/predict types and encodes. Every row is kept, in file order; a row with
 * fewer cells than the header is padded with empty cells (exporters drop trailing empty
 * fields), a row with more non-empty cells is an error naming its line.
 */
import type { Dataset } from "../predict/dataset.js";
import { DataError, type RawTable, uniqueNames } from "../predict/raw-table.js";
import { applySchema, type EncodeNote, type FeatureSchema } from "../predict/schema.js";
import { buildTable, type TableOptions, type TableResult } from "../predict/table.js";
import { openCsv } from "./csv-read.js";
import { InputError } from "./errors.js";

export interface ReadOptions {
  /** Called after each batch of rows, for progress bars. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** For tests: read the file in chunks of this size. */
  chunkBytes?: number;
}

export interface FlatTable extends RawTable {
  /** How the file was read, for the run's report ("CSV, semicolon-separated"). */
  description: string;
}

/** Reads a whole CSV file into memory, column by column. */
export async function readFlatTable(path: string, options: ReadOptions = {}): Promise<FlatTable> {
  const source = await openCsv(path, options.chunkBytes);
  const width = source.columns.length;
  const cells: string[][] = source.columns.map(() => []);
  const lines: number[] = [];
  try {
    for await (const batch of source.batches()) {
      for (const row of batch) {
        const data = row.data as readonly string[];
        if (data.length > width && data.slice(width).some((cell) => cell.trim() !== ""))
          throw new InputError(
            `has ${data.length} cells but the header has ${width} columns`,
            path,
            row.line,
          );
        for (let c = 0; c < width; c++) cells[c].push(data[c] ?? "");
        lines.push(row.line);
      }
      options.onProgress?.(source.bytesRead, source.totalBytes);
    }
  } finally {
    source.close();
  }
  const names = uniqueNames(source.columns);
  return {
    rows: lines.length,
    columns: names.map((name, c) => ({ name, cells: cells[c] })),
    decimalComma: source.decimalComma,
    lines: Int32Array.from(lines),
    source: path,
    description: source.description,
  };
}

/** A DataError from the pure side, as a file error: the file, the line, the reason. */
function asInputError(error: unknown, path: string): unknown {
  return error instanceof DataError ? new InputError(error.reason, path, error.where.line) : error;
}

/** Training: reads the file, infers the schema, encodes the Dataset with its label. */
export async function loadTrainingTable(
  path: string,
  options: TableOptions & ReadOptions,
): Promise<TableResult & { table: FlatTable }> {
  const table = await readFlatTable(path, options);
  try {
    return { ...buildTable(table, options), table };
  } catch (error) {
    throw asInputError(error, path);
  }
}

/**
 * Prediction: reads the file and encodes every row, in file order, with the training schema
 * (the table is returned too, to write the rows back with their scores).
 */
export async function loadScoringTable(
  path: string,
  schema: FeatureSchema,
  options: ReadOptions & { label?: boolean } = {},
): Promise<{ dataset: Dataset; notes: EncodeNote[]; table: FlatTable }> {
  const table = await readFlatTable(path, options);
  try {
    return { ...applySchema(schema, table, { label: options.label }), table };
  } catch (error) {
    throw asInputError(error, path);
  }
}
