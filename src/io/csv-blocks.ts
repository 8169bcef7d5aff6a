/**
 * CSV records from a stream of text, block by block. A block is the text up to the last record
 * end of what was read. Most blocks of an event export hold no quote at all: those are split on
 * newlines and delimiters directly, several times faster than a general parser. Blocks with a
 * quote go through csv-parse, which handles quoted delimiters, quotes and newlines.
 */
import { parse } from "csv-parse/sync";

export interface RawRow {
  line: number;
  cells: string[];
}

const QUOTE = 34;

/** Where the last complete record of `text` ends (index of its newline), or -1: quotes tracked. */
export function lastRecordEnd(text: string, delimiter: string, newline: string): number {
  if (!text.includes('"')) return text.lastIndexOf(newline);
  const delimiterCode = delimiter.charCodeAt(0);
  const newlineCode = newline.charCodeAt(0);
  let inQuotes = false;
  let fieldStart = true;
  let last = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inQuotes) {
      if (c === QUOTE) {
        if (text.charCodeAt(i + 1) === QUOTE) i++;
        else inQuotes = false;
      }
    } else if (c === QUOTE && fieldStart) {
      inQuotes = true;
      fieldStart = false;
    } else if (c === newlineCode) {
      last = i;
      fieldStart = true;
    } else fieldStart = c === delimiterCode;
  }
  return last;
}

/** Newlines inside quoted fields, which move the next record's line further down. */
function embeddedNewlines(cells: readonly string[], newline: string): number {
  let count = 0;
  for (const cell of cells) {
    if (!cell.includes(newline)) continue;
    for (let i = cell.indexOf(newline); i >= 0; i = cell.indexOf(newline, i + 1)) count++;
  }
  return count;
}

/** A record that is one blank cell is an empty line: skipped, but counted. */
function isBlankLine(cells: readonly string[]): boolean {
  return cells.length === 1 && cells[0].trim() === "";
}

export class CsvBlockParser {
  /** Line of the next record. */
  private nextLine = 1;

  constructor(
    private readonly delimiter: string,
    /** "\n" (with or without "\r" before it) or, for old Mac files, "\r". */
    private readonly newline: string,
  ) {}

  /** Parses a block of whole records; appends them to `out`. */
  parseBlock(block: string, out: RawRow[]): void {
    if (block.includes('"')) this.parseQuoted(block, out);
    else this.parsePlain(block, out);
  }

  private parsePlain(block: string, out: RawRow[]): void {
    const lines = block.split(this.newline);
    // The block ends with a newline (or is the end of the file): no record after it.
    if (lines[lines.length - 1] === "") lines.pop();
    for (let line of lines) {
      const number = this.nextLine++;
      if (line.endsWith("\r")) line = line.slice(0, -1);
      if (line.trim() === "") continue;
      out.push({ line: number, cells: line.split(this.delimiter) });
    }
  }

  private parseQuoted(block: string, out: RawRow[]): void {
    const startLine = this.nextLine;
    let records: string[][];
    try {
      records = parse(block, {
        delimiter: this.delimiter,
        relax_column_count: true,
        relax_quotes: true,
        record_delimiter: this.newline === "\r" ? ["\r"] : ["\r\n", "\n"],
      });
    } catch (error) {
      const { message, lines } = error as { message: string; lines?: number };
      throw new CsvSyntaxError(message, lines === undefined ? startLine : startLine + lines - 1);
    }
    for (const cells of records) {
      if (!isBlankLine(cells)) out.push({ line: this.nextLine, cells });
      this.nextLine += 1 + embeddedNewlines(cells, this.newline);
    }
  }
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}
