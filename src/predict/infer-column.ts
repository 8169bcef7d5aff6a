/**
 * What one column of a user's table is: a numeric, yes/no or categorical feature, or a column
 * to leave out (empty, constant, an identifier, free text, a date), always with the reason.
 * The rules, in order:
 * - empty: every cell is missing (see DEFAULT_MISSING_TOKENS);
 * - numeric: every non-missing cell is a number, or all but a few (at most `maxUnreadableShare`
 *   of them, read as missing and reported); a column of only 0 and 1 is numeric;
 * - boolean: every non-missing cell is a yes/no word (yes/no, true/false, oui/non, y/n...);
 * - date: every non-missing cell is a date (dates.ts); left out, usable for a time-based split;
 * - constant: one value and no missing cell (a column with one value and missing cells is kept:
 *   missing is information);
 * - id-like: a name like "id", "uuid", "email" ("Prospect ID", "contact_id", "userId") with at
 *   least 90% distinct values; or text with a distinct value in every row; or integers with a
 *   distinct value in every row, at least 20 rows ("Lead Number");
 * - high-cardinality: text with more than 50 distinct values where most rows hold a rare value
 *   (names, comments, URLs);
 * - categorical otherwise: levels seen in fewer than `minLevelRows` rows or `minLevelShare` of
 *   the rows, and those beyond the `maxLevels` most frequent, are grouped into "(other)".
 *   Levels are ordered by frequency (ties by text), "(other)" last. Values are trimmed and
 *   case-sensitive ("Google" and "google" are two levels).
 */
import { isBooleanWord, type MissingTest, parseBoolean, parseNumber } from "./cells.js";
import { type DateOrder, dateOrderOf } from "./dates.js";
import { type FeatureSpec, type IgnoredColumn, OTHER_LEVEL } from "./schema.js";

export interface LevelOptions {
  /** A level seen in fewer rows than this is rare. Default 30. */
  minLevelRows: number;
  /** A level seen in a smaller share of the rows than this is rare. Default 0.005. */
  minLevelShare: number;
  /** At most this many levels are kept besides "(other)". Default 250. */
  maxLevels: number;
  /** Text where more than this share of non-missing rows hold rare values is dropped. Default 0.5. */
  maxOtherShare: number;
  /** A numeric column may hold up to this share of non-numbers (read as missing). Default 0.01. */
  maxUnreadableShare: number;
}

export const DEFAULT_LEVEL_OPTIONS: LevelOptions = {
  minLevelRows: 30,
  minLevelShare: 0.005,
  maxLevels: 250,
  maxOtherShare: 0.5,
  maxUnreadableShare: 0.01,
};

/** Text columns with at most this many distinct values are never dropped as free text. */
const FREE_TEXT_MIN_DISTINCT = 50;
const ID_NAME = /(^|[\s_.-])(id|uuid|guid|key)$|^(id|uuid|guid|e-?mail|email address)$|[a-z]Id$/i;

export type Inferred =
  | { spec: FeatureSpec; note?: string }
  | { ignored: IgnoredColumn; dateOrder?: DateOrder };

interface Scan {
  rows: number;
  missing: number;
  numbers: number;
  integers: number;
  booleans: number;
  trues: number;
  booleanWords: number;
}

function scan(cells: readonly string[], rows: number, isMissing: MissingTest, decimalComma: boolean): Scan {
  const s: Scan = { rows, missing: 0, numbers: 0, integers: 0, booleans: 0, trues: 0, booleanWords: 0 };
  for (let i = 0; i < rows; i++) {
    const cell = cells[i] ?? "";
    if (isMissing(cell)) {
      s.missing++;
      continue;
    }
    const value = parseNumber(cell, decimalComma);
    if (!Number.isNaN(value)) {
      s.numbers++;
      if (Number.isSafeInteger(value)) s.integers++;
    }
    const truth = parseBoolean(cell);
    if (!Number.isNaN(truth)) {
      s.booleans++;
      s.trues += truth;
      if (isBooleanWord(cell)) s.booleanWords++;
    }
  }
  return s;
}

/** Counts of each trimmed non-missing value. */
function levelCounts(cells: readonly string[], rows: number, isMissing: MissingTest): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < rows; i++) {
    const cell = cells[i] ?? "";
    if (isMissing(cell)) continue;
    const value = cell.trim();
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
}

/** Distinct numbers among the non-missing numeric cells (sorted copy: no map per value). */
function distinctNumbers(cells: readonly string[], rows: number, decimalComma: boolean): number {
  const values = new Float64Array(rows);
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const value = parseNumber(cells[i] ?? "", decimalComma);
    if (!Number.isNaN(value)) values[n++] = value;
  }
  const sorted = values.subarray(0, n).sort();
  let distinct = n > 0 ? 1 : 0;
  for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  return distinct;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

const ignore = (name: string, reason: IgnoredColumn["reason"], detail: string): Inferred => ({
  ignored: { name, reason, detail },
});

function inferNumeric(name: string, cells: readonly string[], s: Scan, decimalComma: boolean): Inferred {
  const present = s.rows - s.missing;
  const distinct = distinctNumbers(cells, s.rows, decimalComma);
  if (distinct === 1 && s.missing === 0 && s.numbers === present)
    return ignore(name, "constant", `the same number in all ${s.rows} rows`);
  const allIntegers = s.integers === present;
  if (allIntegers && distinct === present) {
    if (ID_NAME.test(name) || present >= Math.max(20, s.rows / 2))
      return ignore(name, "id-like", `a distinct integer in each of ${present} rows (a record number)`);
  } else if (allIntegers && ID_NAME.test(name) && distinct >= 0.9 * present)
    return ignore(
      name,
      "id-like",
      `named like an identifier, ${distinct} distinct values in ${present} rows`,
    );
  // Cells that are not numbers are reported by the encoding, with an example and its line.
  return { spec: { name, kind: "numeric" } };
}

/** Levels kept (by frequency, ties by text) and the rows they leave to "(other)". */
function keptLevels(counts: Map<string, number>, rows: number, options: LevelOptions) {
  const minRows = Math.max(options.minLevelRows, options.minLevelShare * rows);
  const ordered = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ordered.filter(([, count]) => count >= minRows).slice(0, options.maxLevels);
  const rare = ordered.slice(kept.length);
  const rareRows = rare.reduce((sum, [, count]) => sum + count, 0);
  return { levels: kept.map(([level]) => level), rare: rare.length, rareRows };
}

function inferText(name: string, counts: Map<string, number>, s: Scan, options: LevelOptions): Inferred {
  const present = s.rows - s.missing;
  const distinct = counts.size;
  if (distinct === 1 && s.missing === 0) {
    const [value] = counts.keys();
    return ignore(name, "constant", `"${value}" in all ${s.rows} rows`);
  }
  if (ID_NAME.test(name) && distinct >= 0.9 * present)
    return ignore(
      name,
      "id-like",
      `named like an identifier, ${distinct} distinct values in ${present} rows`,
    );
  if (distinct === present && present >= s.rows / 2 && distinct > 1)
    return ignore(name, "id-like", `a distinct text in each of ${present} rows`);
  const { levels, rare, rareRows } = keptLevels(counts, s.rows, options);
  if (distinct > FREE_TEXT_MIN_DISTINCT && rareRows > options.maxOtherShare * present) {
    const share = Math.round((100 * rareRows) / present);
    return ignore(name, "high-cardinality", `${distinct} distinct values; ${share}% of rows hold a rare one`);
  }
  if (rare > 0) levels.push(OTHER_LEVEL);
  if (levels.length === 1 && s.missing === 0)
    return ignore(name, "constant", `one level once rare values are grouped ("${levels[0]}")`);
  const note =
    rare > 0
      ? `${plural(rare, "rare level")} (${plural(rareRows, "row")}) grouped into "${OTHER_LEVEL}"`
      : undefined;
  return { spec: { name, kind: "categorical", levels }, note };
}

/** Infers one text column (see the rules at the top of this file). */
export function inferColumn(
  name: string,
  cells: readonly string[],
  rows: number,
  context: { isMissing: MissingTest; decimalComma: boolean; options: LevelOptions },
): Inferred {
  const { isMissing, decimalComma, options } = context;
  const s = scan(cells, rows, isMissing, decimalComma);
  const present = rows - s.missing;
  if (present === 0) return ignore(name, "empty", `every one of ${rows} cells is missing`);
  if (s.booleans === present && s.booleanWords > 0) {
    if (s.missing === 0 && (s.trues === 0 || s.trues === rows))
      return ignore(
        name,
        "constant",
        `"${cells[0].trim()}" (${s.trues === 0 ? "no" : "yes"}) in all ${rows} rows`,
      );
    return { spec: { name, kind: "boolean" } };
  }
  if (s.numbers > 0 && present - s.numbers <= options.maxUnreadableShare * present)
    return inferNumeric(name, cells, s, decimalComma);
  const counts = levelCounts(cells, rows, isMissing);
  const dateOrder = dateOrderOf(counts.keys(), decimalComma);
  if (dateOrder !== undefined) {
    const detail = "dates: not a feature (usable for a time-based split)";
    return { ignored: { name, reason: "date", detail }, dateOrder };
  }
  return inferText(name, counts, s, options);
}
