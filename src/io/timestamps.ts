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
  if (EPOCH_MS.test(text)) return Number(text);
  return parseIso(text);
}

function parseIso(text: string): number | undefined {
  const m = ISO_8601.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((part) =>
    part === undefined ? 0 : Number(part),
  );
  const millis = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) + Math.round(millis);
  // Date.UTC rolls 2026-02-30 over to March; a date that does not exist is an error instead.
  const check = new Date(ms - Math.round(millis));
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return undefined;
  return ms - offsetMs(m[8]);
}

function offsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === "Z") return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  return sign * (hours * 60 + minutes) * 60_000;
}
