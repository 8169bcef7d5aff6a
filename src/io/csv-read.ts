/**
 * Streaming CSV reader: the delimiter (comma, semicolon or tab) is read from the header line,
 * a UTF-8 byte-order mark is dropped, quoted and unquoted fields both work, and every record
 * carries the line it starts on, even when quoted fields span several lines.
 */
import { open } from "node:fs/promises";
import { type Info, parse } from "csv-parse";
import { InputError } from "./errors.js";
import { BATCH_ROWS, openFileStream, peekFirst } from "./read-common.js";
import type { Accessor, RecordSource, Row } from "./source.js";

const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab" };

/** The delimiter that occurs most often outside quotes in the first line (comma on a tie). */
export function sniffDelimiter(text: string): string {
  const counts: Record<string, number> = { ",": 0, ";": 0, "\t": 0 };
  let quoted = false;
  for (const char of text.replace(/^\uFEFF/, "")) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && char in counts) counts[char]++;
  }
  let best = ",";
  for (const candidate of [";", "\t"]) if (counts[candidate] > counts[best]) best = candidate;
  return best;
}

async function readHead(path: string, bytes = 64 * 1024): Promise<string> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead).toString("utf8");
  } finally {
    await handle.close();
  }
}

/** Newlines inside quoted fields, to go from the line a record ends on to the line it starts on. */
function embeddedNewlines(cells: readonly string[]): number {
  let count = 0;
  for (const cell of cells) {
    if (!cell.includes("\n")) continue;
    for (let i = cell.indexOf("\n"); i >= 0; i = cell.indexOf("\n", i + 1)) count++;
  }
  return count;
}

/** Trailing empty cells beyond the header (a trailing delimiter) are harmless; others are not. */
function cellCountProblem(cells: readonly string[], width: number): string | undefined {
  if (cells.length === width) return undefined;
  if (cells.length > width && cells.slice(width).every((cell) => cell.trim() === "")) return undefined;
  return `has ${cells.length} cells but the header has ${width} columns`;
}

async function* csvBatches(
  records: AsyncIterable<{ info: Info; record: string[] }>,
  path: string,
): AsyncGenerator<{ line: number; cells: string[] }[]> {
  let batch: { line: number; cells: string[] }[] = [];
  try {
    for await (const { info, record } of records) {
      batch.push({ line: info.lines - embeddedNewlines(record), cells: record });
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    const { message, lines } = error as { message: string; lines?: number };
    throw new InputError(`not valid CSV: ${message}`, path, lines);
  }
  if (batch.length > 0) yield batch;
}

export async function openCsv(path: string): Promise<RecordSource> {
  const { stream, totalBytes } = await openFileStream(path);
  const delimiter = sniffDelimiter(await readHead(path));
  const parser = parse({
    delimiter,
    bom: true,
    info: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    record_delimiter: ["\r\n", "\n", "\r"],
  });
  stream.on("error", (error) => parser.destroy(error));
  stream.pipe(parser);
  const { first, rest } = await peekFirst(csvBatches(parser, path));
  if (first.length === 0)
    throw new InputError("the file is empty: a CSV file starts with a header line", path);
  const columns = first[0].cells.map((name) => name.trim());
  const width = columns.length;
  const index = new Map<string, number>();
  columns.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const toRow = ({ line, cells }: { line: number; cells: string[] }): Row => {
    const problem = cellCountProblem(cells, width);
    return problem === undefined ? { line, data: cells } : { line, data: cells, problem };
  };
  async function* batches(): AsyncGenerator<Row[]> {
    if (first.length > 1) yield first.slice(1).map(toRow);
    for await (const batch of rest()) yield batch.map(toRow);
  }
  return {
    path,
    format: "csv",
    columns,
    description: `CSV, ${DELIMITER_NAMES[delimiter]}-separated`,
    accessor(column: string): Accessor {
      const i = index.get(column);
      if (i === undefined) return () => undefined;
      return (row) => (row.data as readonly string[])[i];
    },
    record(row: Row): Record<string, unknown> {
      const cells = row.data as readonly string[];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < width; i++) if (!(columns[i] in out)) out[columns[i]] = cells[i] ?? "";
      return out;
    },
    batches,
    get bytesRead() {
      return stream.bytesRead;
    },
    totalBytes,
    close() {
      stream.destroy();
      parser.destroy();
    },
  };
}
