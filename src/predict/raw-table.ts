/**
 * A table before typing: named columns of cell texts (a CSV file as read) or of numbers
 * already computed (event counts, rule scores), plus where each row came from, for errors
 * that name a line. Column-major, like the Dataset it becomes.
 */

export interface TextColumn {
  name: string;
  cells: readonly string[];
}

export interface NumberColumn {
  name: string;
  /** NaN marks a missing value. */
  numbers: Float64Array;
}

export type RawColumn = TextColumn | NumberColumn;

export interface RawTable {
  rows: number;
  columns: RawColumn[];
  /** Numbers may be written "3,5" (semicolon-separated files). */
  decimalComma: boolean;
  /** 1-based file line of each row, for error messages; row i + 2 (after a header) when absent. */
  lines?: Int32Array;
  /** File name or description, for error messages. */
  source?: string;
}

/** A problem with the user's data: what, and where (column, line). */
export class DataError extends Error {
  constructor(
    readonly reason: string,
    readonly where: { column?: string; line?: number } = {},
  ) {
    super(where.line === undefined ? reason : `line ${where.line}: ${reason}`);
    this.name = "DataError";
  }
}

export function isTextColumn(column: RawColumn): column is TextColumn {
  return "cells" in column;
}

/** The file line of row `row` (header on line 1 when the table does not say). */
export function lineOf(table: RawTable, row: number): number {
  return table.lines ? table.lines[row] : row + 2;
}

/**
 * The column named `name`: exact match first, else the one column whose name matches once
 * trimmed and case-folded ("converted" finds "Converted"); undefined when none or ambiguous.
 */
export function findColumn(table: RawTable, name: string): RawColumn | undefined {
  const exact = table.columns.find((column) => column.name === name);
  if (exact) return exact;
  const folded = name.trim().toLowerCase();
  const matches = table.columns.filter((column) => column.name.trim().toLowerCase() === folded);
  return matches.length === 1 ? matches[0] : undefined;
}

/** "Prospect ID, Lead Number, ..." for messages that list what the table has. */
export function columnList(table: RawTable): string {
  return table.columns.map((column) => `"${column.name}"`).join(", ");
}

/**
 * Header names made usable: blank names become "column 7", a repeated name gets " (2)", " (3)".
 * Applied the same way at training and prediction, so the names still match.
 */
export function uniqueNames(header: readonly string[]): string[] {
  const used = new Set<string>();
  return header.map((raw, i) => {
    const base = raw.trim() === "" ? `column ${i + 1}` : raw.trim();
    let name = base;
    for (let count = 2; used.has(name); count++) name = `${base} (${count})`;
    used.add(name);
    return name;
  });
}
