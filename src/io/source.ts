/**
 * A record source: a CSV or JSONL file read as a stream of rows, each with its 1-based line
 * number for error messages. Rows come in batches so the per-row cost stays a plain loop.
 */
import { extname } from "node:path";
import { openCsv } from "./csv-read.js";
import { InputError } from "./errors.js";
import { openJsonl } from "./jsonl-read.js";

export type InputFormat = "csv" | "jsonl";
export const INPUT_FORMATS: readonly InputFormat[] = ["csv", "jsonl"];

/** One record: the cells of a CSV line (in header order) or a JSONL object. */
export interface Row {
  /** 1-based line where the record starts. */
  readonly line: number;
  readonly data: readonly string[] | Readonly<Record<string, unknown>>;
  /** Set when the record cannot be read as a whole (wrong cell count, invalid JSON). */
  readonly problem?: string;
}

/** Reads one column of a row; undefined when the row has no such value. */
export type Accessor = (row: Row) => unknown;

export interface RecordSource {
  readonly path: string;
  readonly format: InputFormat;
  /** The CSV header, or the keys of the first JSONL record. */
  readonly columns: readonly string[];
  /** How the file was read, for the run's report ("CSV, semicolon-separated"). */
  readonly description: string;
  /** Numbers may be written "2,5" (semicolon-separated CSV, as Excel writes it in Europe). */
  readonly decimalComma: boolean;
  /** Compiled once per column, called once per row. */
  accessor(column: string): Accessor;
  /** Every column of the row, by name (to pass input columns through). */
  record(row: Row): Record<string, unknown>;
  /** The rows after the header, in file order; the source can be iterated once. */
  batches(): AsyncIterable<Row[]>;
  /** Bytes read from the file so far, and its size: for progress bars. */
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Stops reading (when the caller found what it wanted). */
  close(): void;
}

/** The format named explicitly, or the one the file extension says; CSV when unsure. */
export function formatOf(path: string, explicit?: string): InputFormat {
  if (explicit !== undefined) {
    if (!(INPUT_FORMATS as readonly string[]).includes(explicit))
      throw new InputError(`unknown format "${explicit}"; use csv or jsonl`, path);
    return explicit as InputFormat;
  }
  const extension = extname(path).toLowerCase();
  return extension === ".jsonl" || extension === ".ndjson" ? "jsonl" : "csv";
}

export async function openSource(path: string, format?: string): Promise<RecordSource> {
  return formatOf(path, format) === "jsonl" ? openJsonl(path) : openCsv(path);
}
