import { describe, expect, it } from "vitest";
import { isoTime, parseTimestamp } from "./timestamps.js";

describe("parseTimestamp", () => {
  const cases: [string, unknown, string | undefined][] = [
    ["reads a UTC date-time", "2026-03-01T09:30:00Z", "2026-03-01T09:30:00.000Z"],
    ["reads a date as midnight UTC", "2026-03-01", "2026-03-01T00:00:00.000Z"],
    ["reads a date-time without offset as UTC", "2026-03-01T09:30", "2026-03-01T09:30:00.000Z"],
    ["accepts a space instead of T", "2026-03-01 09:30:00", "2026-03-01T09:30:00.000Z"],
    ["applies an offset", "2026-03-01T09:30:00.5+02:00", "2026-03-01T07:30:00.500Z"],
    ["applies a compact offset", "2026-03-01T09:30:00-0130", "2026-03-01T11:00:00.000Z"],
    ["reads epoch milliseconds as text", "1777000000000", "2026-04-24T03:06:40.000Z"],
    ["reads epoch milliseconds as a number", 1777000000000, "2026-04-24T03:06:40.000Z"],
    ["trims spaces", " 2026-03-01T09:30:00Z ", "2026-03-01T09:30:00.000Z"],
    ["accepts 29 February in a leap year", "2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["rejects 29 February in other years", "2026-02-29T00:00:00Z", undefined],
    ["rejects month 13", "2026-13-01", undefined],
    ["rejects hour 24", "2026-03-01T24:00:00Z", undefined],
    ["rejects words", "yesterday", undefined],
    ["rejects an empty cell", "", undefined],
    ["rejects a missing value", undefined, undefined],
    ["rejects a letter among digits", "2026-0a-01T09:30:00Z", undefined],
    ["reads toISOString's milliseconds", "2026-03-01T09:30:00.123Z", "2026-03-01T09:30:00.123Z"],
    ["rejects a letter among the milliseconds", "2026-03-01T09:30:00.1x3Z", undefined],
    ["rejects 30 February with milliseconds", "2026-02-30T09:30:00.123Z", undefined],
    ["keeps a year below 100 (not 1900 + year)", "0050-06-01T00:00:00Z", "0050-06-01T00:00:00.000Z"],
    ["keeps a year below 100 in the general form", "0050-06-01", "0050-06-01T00:00:00.000Z"],
    ["keeps 29 February of year 4", "0004-02-29T12:00:00.250Z", "0004-02-29T12:00:00.250Z"],
  ];
  it("reads what toISOString writes, to the millisecond, for many instants", () => {
    for (let ms = Date.UTC(1999, 11, 31, 23, 59, 59, 999); ms < Date.UTC(2031, 0, 1); ms += 86_399_937)
      expect(parseTimestamp(new Date(ms).toISOString())).toBe(ms);
  });
  for (const [name, input, expected] of cases) {
    it(name, () => {
      const ms = parseTimestamp(input);
      expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(expected);
    });
  }
});

describe("isoTime", () => {
  it("formats a stored time as ISO 8601", () => {
    expect(isoTime(Date.UTC(2026, 2, 1))).toBe("2026-03-01T00:00:00.000Z");
    expect(isoTime("1777000000000")).toBe("2026-04-24T03:06:40.000Z");
  });
  it("shows a time no Date can hold instead of throwing", () => {
    expect(isoTime(1e300)).toBe("invalid time: 1e+300");
    expect(isoTime("9000000000000000")).toBe("invalid time: 9000000000000000");
    expect(isoTime(Number.NaN)).toBe("invalid time: NaN");
  });
});
