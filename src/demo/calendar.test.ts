import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "../random/random.js";
import {
  DAY_S,
  MarketingCalendar,
  monthsBefore,
  officeTime,
  parseIsoSeconds,
  TimestampFormatter,
  weekday,
} from "./calendar.js";

const START_S = parseIsoSeconds("2026-05-01T00:00:00Z");
const END_S = parseIsoSeconds("2026-11-01T00:00:00Z");

describe("TimestampFormatter", () => {
  it("formats like Date.toISOString without milliseconds, inside and outside its range", () => {
    const formatter = new TimestampFormatter(START_S, END_S);
    fc.assert(
      fc.property(fc.integer({ min: START_S - 400 * DAY_S, max: END_S + 400 * DAY_S }), (seconds) => {
        expect(formatter.format(seconds)).toBe(new Date(seconds * 1000).toISOString().replace(".000Z", "Z"));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("dates", () => {
  it("parses ISO dates to whole seconds and rejects other text", () => {
    expect(parseIsoSeconds("2026-11-01T00:00:00Z")).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(parseIsoSeconds("2026-11-01T00:00:00")).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(parseIsoSeconds("2026-11-01T02:00:00+02:00")).toBe(Date.UTC(2026, 10, 1) / 1000);
    expect(() => parseIsoSeconds("next tuesday")).toThrow(RangeError);
    expect(() => parseIsoSeconds("2026-13-45")).toThrow(RangeError);
  });

  it("goes back whole calendar months", () => {
    expect(monthsBefore(END_S, 6)).toBe(START_S);
    expect(monthsBefore(parseIsoSeconds("2026-03-01T00:00:00Z"), 1)).toBe(
      parseIsoSeconds("2026-02-01T00:00:00Z"),
    );
  });

  it("moves a moment to office hours of the same day or, on weekends, mostly to Monday", () => {
    const rng = new Random(1);
    let weekendCount = 0;
    let officeHours = 0;
    for (let k = 0; k < 2000; k++) {
      const moment = START_S + rng.uniform(0, END_S - START_S);
      const moved = officeTime(rng, moment);
      expect(Number.isInteger(moved)).toBe(true);
      const dayShift = Math.floor(moved / DAY_S) - Math.floor(moment / DAY_S);
      expect(dayShift).toBeGreaterThanOrEqual(0);
      expect(dayShift).toBeLessThanOrEqual(2);
      if (weekday(moved) === 0 || weekday(moved) === 6) weekendCount++;
      const hour = Math.floor((moved % DAY_S) / 3600);
      if (hour >= 7 && hour < 19) officeHours++;
    }
    expect(officeHours / 2000).toBeGreaterThan(0.75);
    // Two days in seven would be 29%; a quarter of those stay.
    expect(weekendCount / 2000).toBeLessThan(0.12);
  });
});

describe("MarketingCalendar", () => {
  const calendar = new MarketingCalendar(START_S, END_S);

  it("sends newsletters every Tuesday and finds the last email before a moment", () => {
    const tuesday = parseIsoSeconds("2026-06-02T08:00:00Z");
    const sent = calendar.lastEmailAtOrBefore(tuesday + 3600);
    expect(calendar.emails.timeS[sent]).toBe(tuesday);
    expect(calendar.names[calendar.emails.name[sent]]).toBe("newsletter-2026-06-02");
    expect(calendar.lastEmailAtOrBefore(START_S - 365 * DAY_S)).toBe(-1);
  });

  it("schedules webinars on Thursdays every two weeks, past the window's end", () => {
    const times = Array.from(calendar.webinars.timeS);
    expect(times.every((t) => weekday(t) === 4)).toBe(true);
    expect(times.slice(1).every((t, i) => t - times[i] === 14 * DAY_S)).toBe(true);
    expect(times[times.length - 1]).toBeGreaterThan(END_S);
    const next = calendar.firstWebinarAfter(times[0]);
    expect(calendar.webinars.timeS[next]).toBe(times[1]);
    expect(calendar.names[calendar.webinars.name[0]]).toMatch(/^webinar-2026-05-07-/);
  });
});
