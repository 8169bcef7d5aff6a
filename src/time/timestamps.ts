/**
 * Event timestamps and as-of dates: ISO 8601 (date, or date-time with or without a UTC offset)
 * or epoch milliseconds. A date-time without an offset is read as UTC, so a run gives the same
 * scores on every machine whatever its time zone.
 */

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const EPOCH_MS = /^-?\d{1,15}(\.\d+)?$/;

/** UTC milliseconds, or undefined when the value is neither ISO 8601 nor epoch milliseconds. */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  return parseUtcSeconds(text) ?? (EPOCH_MS.test(text) ? Number(text) : parseIso(text));
}

function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    value = value * 10 + d;
  }
  return value;
}

/**
 * The shapes exports and JavaScript's toISOString use most, "2026-03-01T09:30:00Z" and
 * "2026-03-01T09:30:00.123Z", read digit by digit: this runs once per event, and is several
 * times faster than the general pattern below.
 */
function parseUtcSeconds(text: string): number | undefined {
  const withMs = text.length === 24;
  if (!(text.length === 20 || withMs)) return undefined;
  if (text[4] !== "-" || text[7] !== "-" || text[10] !== "T" || text[text.length - 1] !== "Z")
    return undefined;
  if (text[13] !== ":" || text[16] !== ":" || (withMs && text[19] !== ".")) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const ms = withMs ? digits(text, 20, 3) : 0;
  // NaN fails every comparison: a non-digit falls through to the general parser, which rejects it.
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return undefined;
  if (!(hour <= 23 && minute <= 59 && second <= 59 && ms >= 0)) return undefined;
  return utcMs(year, month - 1, day, hour, minute, second, ms);
}

/** 400 Gregorian years, an exact number of days: shifting by it keeps month, day and weekday. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * Date.UTC, except that years 0-99 stay themselves (Date.UTC reads them as 1900-1999, so
 * "0050-06-01" would be 1950).
 */
function utcMs(year: number, month: number, day: number, h: number, m: number, s: number, ms = 0): number {
  return year >= 100
    ? Date.UTC(year, month, day, h, m, s, ms)
    : Date.UTC(year + 400, month, day, h, m, s, ms) - FOUR_CENTURIES_MS;
}

/** The largest time a JavaScript Date holds (±100,000,000 days from 1970). */
export const MAX_DATE_MS = 8.64e15;

/**
 * ISO 8601 of a stored time. A value no Date can hold (a row written before times were
 * bounded, or by hand) is shown as its number rather than making the whole answer fail.
 */
export function isoTime(ms: number | string | bigint): string {
  const value = Number(ms);
  return Math.abs(value) <= MAX_DATE_MS ? new Date(value).toISOString() : `invalid time: ${String(ms)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function part(text: string | undefined): number {
  return text === undefined ? 0 : Number(text);
}

// Called once per event: no Date object and no array per call.
function parseIso(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = part(m[4]);
  const minute = part(m[5]);
  const second = part(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  return utcMs(year, month - 1, day, hour, minute, second) + millis - offsetMs(m[8]);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}
