/**
 * Reading one cell of a user's table: is it missing, a number, a yes/no word, a label? The
 * same functions serve training (type inference) and prediction (encoding new rows), so a
 * value is read the same way on both sides.
 */

/**
 * Cell texts read as "no value" (compared trimmed and case-insensitively). Besides the empty
 * cell: what spreadsheets, pandas, R and SQL exports write for a missing value, "-" and "?" as
 * people type them, and "Select": the unanswered dropdown of a web form (X Education has it in
 * a quarter of its cells). "unknown" and "other" are NOT here: they are real answers.
 */
export const DEFAULT_MISSING_TOKENS: readonly string[] = [
  "",
  "na",
  "n/a",
  "#n/a",
  "nan",
  "null",
  "none",
  "nil",
  "undefined",
  "(blank)",
  "-",
  "--",
  "?",
  "select",
];

/** A compiled missing-token test (one Set lookup per cell). */
export type MissingTest = (cell: string) => boolean;

export function missingTest(tokens: readonly string[] = DEFAULT_MISSING_TOKENS): MissingTest {
  const set = new Set(tokens.map((token) => token.trim().toLowerCase()));
  const longest = Math.max(0, ...[...set].map((token) => token.length));
  // Most cells are longer than any token and unpadded: no trim, no lower-casing for them.
  return (cell) => (isLongWord(cell, longest) ? false : set.has(cell.trim().toLowerCase()));
}

/** Longer than `length` and without surrounding white space (so trimming cannot shorten it). */
function isLongWord(cell: string, length: number): boolean {
  return cell.length > length && cell.charCodeAt(0) > 32 && cell.charCodeAt(cell.length - 1) > 32;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;

/**
 * The number a cell holds, or NaN. Plain decimal notation with a dot; with `decimalComma`
 * (semicolon-separated files, as European spreadsheets write them) "3,5" too. Thousands
 * separators ("1.234,5", "1 234") are not numbers: such a column is read as text.
 */
export function parseNumber(cell: string, decimalComma: boolean): number {
  const text = cell.trim();
  if (NUMBER.test(text)) return Number(text);
  if (decimalComma && COMMA_DECIMAL.test(text)) return Number(text.replace(",", "."));
  return Number.NaN;
}

/** Words read as true / false (case-insensitive): English, French and the digits. */
export const TRUE_WORDS: readonly string[] = ["1", "yes", "y", "true", "oui", "vrai"];
export const FALSE_WORDS: readonly string[] = ["0", "no", "n", "false", "non", "faux"];

const TRUE_SET = new Set(TRUE_WORDS);
const FALSE_SET = new Set(FALSE_WORDS);

/** 1, 0, or NaN when the cell is not a yes/no word. "1.0" and "0.0" count as digits. */
export function parseBoolean(cell: string): number {
  if (isLongWord(cell, 5)) return Number.NaN;
  let text = cell.trim().toLowerCase();
  if (text === "1.0") text = "1";
  else if (text === "0.0") text = "0";
  if (TRUE_SET.has(text)) return 1;
  if (FALSE_SET.has(text)) return 0;
  return Number.NaN;
}

/** Whether a cell is a yes/no word other than a digit (a 0/1 column is numeric, not boolean). */
export function isBooleanWord(cell: string): boolean {
  const text = cell.trim().toLowerCase();
  return text !== "1" && text !== "0" && (TRUE_SET.has(text) || FALSE_SET.has(text));
}
