/**
 * Output writers: CSV (safe to open in a spreadsheet) and JSONL, both respecting backpressure,
 * writing to a file or to stdout ("-"). A file is written under a temporary name and renamed
 * when complete, so a failed run never leaves a half-written file that looks finished.
 */
import { once } from "node:events";
import { createWriteStream, openSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { extname } from "node:path";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify";
import { InputError } from "./errors.js";

export type OutputFormat = "csv" | "jsonl";

export interface RecordWriter {
  /** Resolves at once unless the destination is full. */
  write(record: Readonly<Record<string, unknown>>): Promise<void>;
  /** Flushes and, for a file, moves it into place. */
  close(): Promise<void>;
  /** Gives up: removes the temporary file. */
  abort(): Promise<void>;
}

export function outputFormatOf(path: string, explicit?: string): OutputFormat {
  if (explicit !== undefined) {
    if (explicit !== "csv" && explicit !== "jsonl")
      throw new InputError(`unknown format "${explicit}"; use csv or jsonl`, path);
    return explicit;
  }
  const extension = extname(path).toLowerCase();
  return extension === ".jsonl" || extension === ".ndjson" ? "jsonl" : "csv";
}

const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Spreadsheets run a cell starting with =, +, -, @, tab or CR as a formula (CSV injection);
 * such text gets a leading apostrophe. Numbers, even negative ones, stay numbers.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The text of a CSV cell: empty for missing, JSON for objects and arrays. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return neutraliseFormula(value);
  return neutraliseFormula(JSON.stringify(value));
}

interface Destination {
  stream: Writable;
  finish(): Promise<void>;
  abort(): Promise<void>;
}

function openDestination(path: string): Destination {
  if (path === "-") {
    return { stream: process.stdout, finish: async () => {}, abort: async () => {} };
  }
  const temporary = `${path}.partial-${process.pid}`;
  let fd: number;
  try {
    // Opened now, so a bad path fails before any work is done, with the path in the message.
    fd = openSync(temporary, "w");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such directory" : code === "EACCES" ? "permission denied" : code;
    throw new InputError(`cannot write the file: ${reason ?? String(error)}`, path);
  }
  const stream = createWriteStream(temporary, { fd });
  const closed = new Promise<void>((resolve) => stream.on("close", () => resolve()));
  return {
    stream,
    async finish() {
      stream.end();
      await closed;
      await rename(temporary, path);
    },
    async abort() {
      stream.destroy();
      await rm(temporary, { force: true });
    },
  };
}

async function writeWithBackpressure(stream: Writable, chunk: unknown): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}

export function openCsvWriter(path: string, columns: readonly string[]): RecordWriter {
  const destination = openDestination(path);
  const stringifier = stringify({ header: true, columns: [...columns] });
  stringifier.pipe(destination.stream, { end: false });
  // A failing destination (disk full) would otherwise leave the writer waiting for "drain" forever.
  destination.stream.on("error", (error) => stringifier.destroy(error));
  const done = once(stringifier, "end");
  return {
    write: (record) =>
      writeWithBackpressure(
        stringifier,
        columns.map((column) => csvCell(record[column])),
      ),
    async close() {
      stringifier.end();
      await done;
      await destination.finish();
    },
    async abort() {
      stringifier.destroy();
      await destination.abort();
    },
  };
}

export function openJsonlWriter(path: string): RecordWriter {
  const destination = openDestination(path);
  return {
    write: (record) => writeWithBackpressure(destination.stream, `${JSON.stringify(record)}\n`),
    close: () => destination.finish(),
    abort: () => destination.abort(),
  };
}

export function openWriter(path: string, format: OutputFormat, columns: readonly string[]): RecordWriter {
  return format === "jsonl" ? openJsonlWriter(path) : openCsvWriter(path, columns);
}
