import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { durationToMs } from "./duration.js";
import { durationSchema } from "./schema.js";

const DAY_MS = 86_400_000;

describe("durationToMs", () => {
  it("reads a number as days", () => {
    expect(durationToMs(30)).toBe(30 * DAY_MS);
    expect(durationToMs(0.5)).toBe(DAY_MS / 2);
  });

  it("reads hours, days and weeks", () => {
    expect(durationToMs("12h")).toBe(DAY_MS / 2);
    expect(durationToMs("30d")).toBe(30 * DAY_MS);
    expect(durationToMs(" 2 w ")).toBe(14 * DAY_MS);
    expect(durationToMs("1.5d")).toBe(1.5 * DAY_MS);
  });

  it("throws on a duration the schema would have rejected", () => {
    expect(() => durationToMs("1 month")).toThrow(/Invalid duration/);
    expect(() => durationToMs(-1)).toThrow(/Invalid duration/);
  });

  it("converts every duration the schema accepts", () => {
    const durations = fc.oneof(
      fc.double({ min: 0.001, max: 10_000, noNaN: true }),
      fc.tuple(fc.nat(1000), fc.constantFrom("d", "h", "w")).map(([n, unit]) => `${n}${unit}`),
    );
    fc.assert(
      fc.property(durations, (duration) => {
        if (!durationSchema.safeParse(duration).success) return;
        expect(Number.isFinite(durationToMs(duration))).toBe(true);
      }),
    );
  });
});
