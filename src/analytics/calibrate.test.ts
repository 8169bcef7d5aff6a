import { describe, expect, it } from "vitest";
import {
  type AggregateBand,
  bandCounts,
  cutPositions,
  layoutOf,
  planCalibration,
  type RecencyBand,
  roundCut,
} from "./calibrate.js";

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const repeat = (value: number, times: number) => new Array<number>(times).fill(value);
const aggregate = (bands: AggregateBand[], integer = false) => ({
  kind: "aggregate" as const,
  bands,
  integer,
});
const recency = (bands: RecencyBand[]) => ({ kind: "recency" as const, bands });
const shares = (plan: ReturnType<typeof planCalibration>, when: "before" | "after") =>
  plan.bands.map((band) => band[when].share);

/** Applies a plan's edits to the bands, as the CLI does to the file. */
function applied<T extends AggregateBand | RecencyBand>(
  bands: T[],
  plan: ReturnType<typeof planCalibration>,
): T[] {
  const copy = bands.map((band) => ({ ...band }));
  for (const edit of plan.edits) Object.assign(copy[edit.band], { [edit.key]: edit.value });
  return copy;
}

/** The band each value falls in, read first match first as the engine reads aggregate bands. */
function engineCounts(bands: AggregateBand[], values: number[]): number[] {
  const counts = bands.map(() => 0);
  for (const v of values) {
    const i = bands.findIndex(
      (b) => (b.min === undefined || v >= b.min) && (b.max === undefined || v <= b.max),
    );
    if (i >= 0) counts[i]++;
  }
  return counts;
}

describe("cut points", () => {
  it("cuts uniform values 1..100 into fifths at 20/40/60/80", () => {
    const sorted = Float64Array.from(range(1, 100));
    const positions = cutPositions(sorted, 5)!;
    expect(positions).toEqual([20, 40, 60, 80]);
    const cuts = positions.map((p) => roundCut(sorted[p - 1], sorted[p], "le"));
    expect(cuts).toEqual([20, 40, 60, 80]);
    expect(bandCounts(sorted, cuts, "le")).toEqual([20, 20, 20, 20, 20]);
    // Read as "v >= cut is above" (min limits), the same split is 21/41/61/81.
    expect(positions.map((p) => roundCut(sorted[p - 1], sorted[p], "lt"))).toEqual([21, 41, 61, 81]);
  });

  it("picks round numbers inside the gap between two values", () => {
    expect(roundCut(11_987.35, 12_350, "lt")).toBe(12_000);
    expect(roundCut(11_987.35, 12_350, "le")).toBe(12_000);
    expect(roundCut(0.41, 0.47, "le")).toBe(0.45);
    expect(roundCut(29.3, 29.8, "lt")).toBe(29.5);
    expect(roundCut(3, 4, "lt", true)).toBe(4);
    expect(roundCut(3, 4, "le", true)).toBe(3);
    expect(roundCut(-7, -2, "le")).toBe(-5);
  });

  it("moves cuts off ties, keeps them strictly ordered, and says when values are too few", () => {
    // 40 ones, then 2..61: the first cut cannot fall inside the ones.
    const sorted = Float64Array.from([...repeat(1, 40), ...range(2, 61)]);
    const positions = cutPositions(sorted, 5)!;
    expect(positions[0]).toBe(40);
    for (let j = 1; j < positions.length; j++) expect(positions[j]).toBeGreaterThan(positions[j - 1]);
    for (const p of positions) expect(sorted[p]).toBeGreaterThan(sorted[p - 1]);
    expect(cutPositions(Float64Array.from([1, 1, 2, 2, 3, 3]), 5)).toBeUndefined();
  });
});

describe("layouts", () => {
  it("reads min, max, ranges and recency windows", () => {
    const min = layoutOf(
      aggregate([
        { min: 100, points: 3 },
        { min: 10, points: 2 },
        { min: 1, points: 1 },
      ]),
    );
    expect(min).toMatchObject({
      form: "min",
      below: "lt",
      ascending: false,
      cuts: [10, 100],
      lower: { value: 1 },
    });
    const max = layoutOf(aggregate([{ max: 30, points: 5 }, { max: 90, points: 4 }, { points: 1 }]));
    expect(max).toMatchObject({
      form: "max",
      below: "le",
      ascending: true,
      cuts: [30, 90],
      upper: undefined,
    });
    const ranges = layoutOf(
      aggregate(
        [
          { min: 0, max: 2, points: 1 },
          { min: 3, max: 5, points: 2 },
          { min: 6, points: 3 },
        ],
        true,
      ),
    );
    expect(ranges).toMatchObject({ form: "ranges", below: "le", cuts: [2, 5], steps: [1, 1] });
    const within = layoutOf(
      recency([
        { within: "1w", points: 3 },
        { within: 30, points: 2 },
        { within: "90d", points: 1 },
      ]),
    );
    expect(within).toMatchObject({
      form: "within",
      below: "lt",
      cuts: [7, 30],
      upper: { value: 90, inclusive: false },
    });
  });

  it("says why bands with gaps, overlaps, unreachable bands or mixed limits cannot be calibrated", () => {
    const problem = (bands: AggregateBand[]) => layoutOf(aggregate(bands)) as string;
    expect(
      problem([
        { min: 0, max: 10, points: 1 },
        { min: 20, max: 30, points: 2 },
      ]),
    ).toContain("gap between 10 and 20");
    expect(
      problem([
        { min: 0, max: 10, points: 1 },
        { min: 5, max: 30, points: 2 },
      ]),
    ).toContain("overlap");
    expect(
      problem([
        { min: 10, points: 1 },
        { min: 20, points: 2 },
      ]),
    ).toContain("never reached");
    expect(problem([{ min: 10, points: 1 }, { max: 5, points: 2 }, { points: 0 }])).toContain(
      "lacks a limit",
    );
    expect(problem([{ points: 1 }])).toContain("single band");
    expect(
      layoutOf(
        recency([
          { within: "30d", points: 2 },
          { within: "2w", points: 1 },
        ]),
      ),
    ).toContain("never reached");
  });
});

describe("planCalibration", () => {
  it("max limits, best first: uniform 1..100 into fifths, points and form kept", () => {
    const bands: AggregateBand[] = [
      { max: 10, points: 5 },
      { max: 30, points: 4 },
      { max: 50, points: 3 },
      { max: 70, points: 2 },
      { points: 1 },
    ];
    const plan = planCalibration(aggregate(bands), range(1, 100));
    expect(plan.problem).toBeUndefined();
    expect(plan.notes).toEqual([]);
    expect(shares(plan, "before")).toEqual([0.1, 0.2, 0.2, 0.2, 0.3]);
    expect(shares(plan, "after")).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    const after = applied(bands, plan);
    expect(after).toEqual([
      { max: 20, points: 5 },
      { max: 40, points: 4 },
      { max: 60, points: 3 },
      { max: 80, points: 2 },
      { points: 1 },
    ]);
    expect(plan.bands.map((b) => [b.points, b.before.range, b.after.range])).toEqual([
      [5, "up to 10", "up to 20"],
      [4, "over 10 to 30", "over 20 to 40"],
      [3, "over 30 to 50", "over 40 to 60"],
      [2, "over 50 to 70", "over 60 to 80"],
      [1, "over 70", "over 80"],
    ]);
    expect(engineCounts(after, range(1, 100))).toEqual([20, 20, 20, 20, 20]);
  });

  it("min limits, descending: the lowest min is kept, values below it are left out", () => {
    const bands: AggregateBand[] = [
      { min: 25_000, points: 5 },
      { min: 12_000, points: 4 },
      { min: 7_000, points: 3 },
      { min: 3_500, points: 2 },
      { min: 0.01, points: 1 },
    ];
    const values = [...repeat(0, 500), ...range(1, 100).map((v) => v * 100 + 0.5)];
    const plan = planCalibration(aggregate(bands), values);
    expect([plan.observed, plan.covered]).toEqual([600, 100]);
    const after = applied(bands, plan);
    expect(after.map((b) => b.min)).toEqual([8_100, 6_100, 4_100, 2_100, 0.01]);
    expect(after.map((b) => b.points)).toEqual([5, 4, 3, 2, 1]);
    expect(shares(plan, "after")).toEqual([0.2, 0.2, 0.2, 0.2, 0.2]);
    expect(plan.bands[0].after.range).toBe("8100 or more");
    expect(plan.bands[4].after.range).toBe("0.01 to under 2100");
    expect(engineCounts(after, values)).toEqual([20, 20, 20, 20, 20]);
  });

  it("reversed direction: points worst first stay with their band", () => {
    const bands: AggregateBand[] = [{ min: 50, points: 0 }, { min: 20, points: 1 }, { points: 2 }];
    const plan = planCalibration(aggregate(bands), range(1, 90));
    expect(applied(bands, plan)).toEqual([{ min: 61, points: 0 }, { min: 31, points: 1 }, { points: 2 }]);
    expect(plan.bands.map((b) => b.after.count)).toEqual([30, 30, 30]);
  });

  it("ranges, whole numbers, in both orders", () => {
    const ascending: AggregateBand[] = [
      { min: 1, max: 1, points: 1 },
      { min: 2, max: 3, points: 2 },
      { min: 4, max: 100, points: 3 },
    ];
    const values = range(1, 30);
    const up = planCalibration(aggregate(ascending, true), values);
    const newUp = applied(ascending, up);
    expect(newUp).toEqual([
      { min: 1, max: 10, points: 1 },
      { min: 11, max: 20, points: 2 },
      { min: 21, max: 100, points: 3 },
    ]);
    expect(up.bands.map((b) => b.after.range)).toEqual(["1 to 10", "11 to 20", "21 to 100"]);
    expect(engineCounts(newUp, values)).toEqual([10, 10, 10]);
    const descending = [...ascending].reverse();
    const newDown = applied(descending, planCalibration(aggregate(descending, true), values));
    expect(newDown).toEqual([...newUp].reverse());
    // Shared limits: the first band in the model takes the value on the limit.
    const shared: AggregateBand[] = [
      { min: 0, max: 50, points: 1 },
      { min: 50, max: 1000, points: 2 },
    ];
    const newShared = applied(shared, planCalibration(aggregate(shared), range(1, 40)));
    expect(newShared).toEqual([
      { min: 0, max: 20, points: 1 },
      { min: 20, max: 1000, points: 2 },
    ]);
    expect(engineCounts(newShared, range(1, 40))).toEqual([20, 20]);
  });

  it("heavy ties: the split the data allow, and a note saying why it is uneven", () => {
    const bands: AggregateBand[] = [
      { min: 6, points: 5 },
      { min: 4, points: 4 },
      { min: 3, points: 3 },
      { min: 2, points: 2 },
      { min: 1, points: 1 },
    ];
    const values = [...repeat(1, 70), ...repeat(2, 20), ...repeat(3, 6), ...repeat(4, 3), 7];
    const plan = planCalibration(aggregate(bands, true), values);
    expect(plan.problem).toBeUndefined();
    expect(applied(bands, plan).map((b) => b.min)).toEqual([5, 4, 3, 2, 1]);
    expect(plan.bands.map((b) => b.after.count)).toEqual([1, 3, 6, 20, 70]);
    expect(plan.bands.map((b) => b.after.range)).toEqual(["5 or more", "4", "3", "2", "1"]);
    expect(plan.notes).toEqual([
      "uneven: 1 alone is the value of 70.0% of the contacts, so the bands cannot hold a fifth each",
    ]);
  });

  it("too few different values: no new bands, and why", () => {
    const bands: AggregateBand[] = [
      { min: 3, points: 3 },
      { min: 2, points: 2 },
      { min: 1, points: 1 },
    ];
    const plan = planCalibration(aggregate(bands, true), [...repeat(1, 80), ...repeat(2, 20), 0, 0]);
    expect(plan.problem).toBe("2 different values (1, 2) for 3 bands: the data cannot separate them");
    expect(plan.edits).toEqual([]);
    expect(plan.bands.map((b) => b.before.count)).toEqual([0, 20, 80]);
    expect(planCalibration(aggregate(bands, true), [0, 0]).problem).toBe(
      "no contact has a value the bands cover",
    );
  });

  it("recency windows: cut in days, written as durations, the last window kept", () => {
    const bands: RecencyBand[] = [
      { within: "7d", points: 3 },
      { within: 30, points: 2 },
      { within: "1w", points: 1 },
    ];
    expect(planCalibration(recency(bands), [1]).problem).toContain("never reached");
    const good: RecencyBand[] = [
      { within: "7d", points: 3 },
      { within: 30, points: 2 },
      { within: "26w", points: 1 },
    ];
    const ages = [...range(0, 89).map((d) => d + 0.25), 200, 500];
    const plan = planCalibration(recency(good), ages);
    expect(plan.covered).toBe(90);
    expect(applied(good, plan)).toEqual([
      { within: "30d", points: 3 },
      { within: 60, points: 2 },
      { within: "26w", points: 1 },
    ]);
    expect(plan.bands.map((b) => b.after.range)).toEqual(["under 30", "30 to under 60", "60 to under 182"]);
  });

  it("rounds a limit when that moves at most 0.5% of the contacts", () => {
    const bands: AggregateBand[] = [
      { max: 1, points: 1 },
      { max: 2, points: 2 },
      { max: 3, points: 3 },
      { max: 4, points: 4 },
      { points: 5 },
    ];
    const values = range(0, 999).map((i) => i * 1.01 + 0.3);
    const plan = planCalibration(aggregate(bands), values);
    expect(applied(bands, plan).map((b) => b.max)).toEqual([200, 400, 610, 810, undefined]);
    // Each limit moves at most 5 contacts (0.5%) across it.
    let below = 0;
    plan.bands.slice(0, -1).forEach((band, j) => {
      below += band.after.count;
      expect(Math.abs(below - 200 * (j + 1))).toBeLessThanOrEqual(5);
    });
    // Exactly at the quantiles, the limits would be 202, 404... (600 would move 6 contacts: 610)
    expect(roundCut(values[199], values[200], "le")).toBe(202);
  });

  it("leaves limits that are already right alone", () => {
    const bands: AggregateBand[] = [
      { max: 20, points: 2 },
      { max: 40, points: 1 },
    ];
    const plan = planCalibration(aggregate(bands), range(1, 40));
    expect(plan.edits).toEqual([]);
    expect(shares(plan, "after")).toEqual(shares(plan, "before"));
  });
});
