/**
 * Date cells of a user's table, for time-based splits: ISO 8601 ("2024-03-01", with or without
 * a time and an offset) or day/month/year with slashes or dots ("01/03/2024 10:15"). Whether
 * "01/03" is the 1st of March or January 3rd is decided once per column: a first number above
 * 12 means day first, a second above 12 month first; if neither shows, day first in
 * semicolon-separated (European) files, month first otherwise. Times without an offset are UTC.
 */

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
const SLASHED = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

export type DateOrder = "iso" | "day-first" | "month-first";

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function utc(year: number, month: number, day: number, time: (string | undefined)[]): number {
  const [hour, minute, second] = time.map((part) => (part === undefined ? 0 : Number(part)));
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2));
  return (zone[0] === "-" ? -1 : 1) * minutes * 60_000;
}

/** UTC milliseconds of a date cell in the column's order, or NaN. */
export function parseDate(cell: string, order: DateOrder): number {
  const text = cell.trim();
  if (order === "iso") {
    const m = ISO.exec(text);
    if (!m) return Number.NaN;
    const millis = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
    const base = utc(Number(m[1]), Number(m[2]), Number(m[3]), [m[4], m[5], m[6]]);
    return base + millis - offsetMs(m[8]);
  }
  const m = SLASHED.exec(text);
  if (!m) return Number.NaN;
  const [first, second] = [Number(m[1]), Number(m[2])];
  const [day, month] = order === "day-first" ? [first, second] : [second, first];
  return utc(Number(m[3]), month, day, [m[4], m[5], m[6]]);
}

/**
 * The date order of a column whose non-missing cells are `cells`, or undefined when they are
 * not all dates of one form.
 */
export function dateOrderOf(cells: Iterable<string>, decimalComma: boolean): DateOrder | undefined {
  let iso = 0;
  let slashed = 0;
  let dayFirst = false;
  let monthFirst = false;
  for (const cell of cells) {
    const text = cell.trim();
    if (ISO.test(text)) iso++;
    else {
      const m = SLASHED.exec(text);
      if (!m) return undefined;
      slashed++;
      if (Number(m[1]) > 12) dayFirst = true;
      if (Number(m[2]) > 12) monthFirst = true;
    }
  }
  if (iso > 0 && slashed > 0) return undefined;
  if (iso > 0) return "iso";
  if (slashed === 0 || (dayFirst && monthFirst)) return undefined;
  if (dayFirst) return "day-first";
  if (monthFirst) return "month-first";
  return decimalComma ? "day-first" : "month-first";
}
