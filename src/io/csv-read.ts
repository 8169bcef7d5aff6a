/**
 * Streaming CSV reader: the delimiter (comma, semicolon or tab) is read from the header line,
 * a UTF-8 byte-order mark is dropped, quoted and unquoted fields both work (csv-blocks.ts), and
 * every record carries the line it starts on, even when quoted fields span several lines.
 */
import type { ReadStream } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { CsvBlockParser, CsvSyntaxError, lastRecordEnd, type RawRow } from "./csv-blocks.js";
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

/** Trailing empty cells beyond the header (a trailing delimiter) are harmless; others are not. */
function cellCountProblem(cells: readonly string[], width: number): string | undefined {
  if (cells.length === width) return undefined;
  if (cells.length > width && cells.slice(width).every((cell) => cell.trim() === "")) return undefined;
  return `has ${cells.length} cells but the header has ${width} columns`;
}

/** "\r" only for files whose lines end with a lone CR (old Mac exports); else "\n". */
function sniffNewline(text: string): string {
  const cr = text.indexOf("\r");
  const lf = text.indexOf("\n");
  return cr >= 0 && (lf < 0 || cr < lf) && text[cr + 1] !== "\n" ? "\r" : "\n";
}

const FIRST_LINE_END = /\n|\r[^\n]/;

interface Dialect {
  delimiter: string;
  newline: string;
}

/** Reads the dialect from the first line and makes the parser for it. */
function startParser(text: string, dialect: Dialect): CsvBlockParser {
  dialect.delimiter = sniffDelimiter(text);
  dialect.newline = sniffNewline(text);
  return new CsvBlockParser(dialect.delimiter, dialect.newline);
}

/** Decodes the file, cuts it at record ends and parses each block; yields the records. */
async function* csvRows(file: ReadStream, path: string, dialect: Dialect): AsyncGenerator<RawRow[]> {
  const decoder = new StringDecoder("utf8");
  let parser: CsvBlockParser | undefined;
  let carry = "";
  let rows: RawRow[] = [];
  try {
    for await (const chunk of file) {
      let text = carry + decoder.write(chunk);
      if (parser === undefined) {
        // The dialect is read from the first whole line: wait for its line break.
        if (!FIRST_LINE_END.test(text)) {
          carry = text;
          continue;
        }
        text = text.replace(/^\uFEFF/, "");
        parser = startParser(text, dialect);
      }
      const end = lastRecordEnd(text, dialect.delimiter, dialect.newline);
      if (end >= 0) parser.parseBlock(text.slice(0, end + 1), rows);
      carry = text.slice(end + 1);
      if (rows.length >= BATCH_ROWS) {
        yield rows;
        rows = [];
      }
    }
    carry += decoder.end();
    if (parser === undefined) {
      carry = carry.replace(/^\uFEFF/, "");
      parser = startParser(carry, dialect);
    }
    if (carry !== "") parser.parseBlock(carry, rows);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      throw new InputError(`not valid CSV: ${error.message}`, path, error.line);
    throw error;
  }
  if (rows.length > 0) yield rows;
}

/** `chunkBytes` is for tests, to put chunk boundaries everywhere. */
export async function openCsv(path: string, chunkBytes?: number): Promise<RecordSource> {
  const { stream, totalBytes } = await openFileStream(path, chunkBytes);
  const dialect: Dialect = { delimiter: ",", newline: "\n" };
  const { first, rest } = await peekFirst(csvRows(stream, path, dialect));
  if (first.length === 0)
    throw new InputError("the file is empty: a CSV file starts with a header line", path);
  const columns = first[0].cells.map((name) => name.trim());
  const width = columns.length;
  const index = new Map<string, number>();
  columns.forEach((name, i) => {
    if (!index.has(name)) index.set(name, i);
  });
  const toRow = ({ line, cells }: RawRow): Row => {
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
    description: `CSV, ${DELIMITER_NAMES[dialect.delimiter]}-separated`,
    decimalComma: dialect.delimiter === ";",
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
    },
  };
}
