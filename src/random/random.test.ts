import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random, sigmoid, weightedTable } from "./random.js";

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function draws(count: number, draw: () => number): number[] {
  return Array.from({ length: count }, draw);
}

describe("Random", () => {
  it("matches the reference xoshiro128** outputs for a given state", () => {
    // Expected values from the C reference algorithm, compiled and run on these states.
    const rng = new Random(0);
    rng.setState(1, 2, 3, 4);
    expect(draws(6, () => rng.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
    rng.setState(0x9e3779b9, 0xdeadbeef, 0x80000000, 0xffffffff);
    expect(draws(6, () => rng.nextUint32())).toEqual([
      1162347276, 2592412265, 4030867362, 4117157294, 3387983965, 1720596156,
    ]);
  });

  it("repeats a stream for the same keys and differs for other keys", () => {
    const sequence = (seed: number, stream: number, index: number) => {
      const rng = new Random(seed, stream, index);
      return draws(8, () => rng.nextUint32());
    };
    expect(sequence(42, 1, 7)).toEqual(sequence(42, 1, 7));
    expect(sequence(42, 1, 7)).not.toEqual(sequence(43, 1, 7));
    expect(sequence(42, 1, 7)).not.toEqual(sequence(42, 2, 7));
    expect(sequence(42, 1, 7)).not.toEqual(sequence(42, 1, 8));
    // Seeds beyond 32 bits are not truncated into each other.
    expect(sequence(2 ** 40 + 5, 0, 0)).not.toEqual(sequence(5, 0, 0));
  });

  it("reseeding gives the same stream as a fresh generator", () => {
    const rng = new Random(1);
    rng.normal(); // leaves a spare normal behind, which reseed must forget
    rng.reseed(9, 3, 4);
    const fresh = new Random(9, 3, 4);
    expect(draws(5, () => rng.normal())).toEqual(draws(5, () => fresh.normal()));
  });

  it("keeps uniform and int inside their bounds", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat(20), (seed, min, span) => {
        const rng = new Random(seed);
        for (let k = 0; k < 50; k++) {
          const u = rng.uniform(min, min + span + 1);
          expect(u).toBeGreaterThanOrEqual(min);
          expect(u).toBeLessThan(min + span + 1);
          const n = rng.int(min, min + span);
          expect(Number.isInteger(n) && n >= min && n <= min + span).toBe(true);
        }
      }),
    );
  });

  it("draws every integer of a small range about equally often", () => {
    const rng = new Random(5);
    const counts = [0, 0, 0, 0, 0, 0];
    for (let k = 0; k < 60_000; k++) counts[rng.int(0, 5)]++;
    for (const count of counts) expect(count).toBeGreaterThan(9_500);
  });

  it("gives normal, exponential, poisson and geometric draws their expected means", () => {
    const rng = new Random(11);
    const normals = draws(40_000, () => rng.normal(3, 2));
    expect(mean(normals)).toBeCloseTo(3, 1);
    const variance = mean(normals.map((x) => (x - 3) ** 2));
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
    expect(mean(draws(40_000, () => rng.exponential(5)))).toBeCloseTo(5, 0);
    expect(mean(draws(40_000, () => rng.poisson(4)))).toBeCloseTo(4, 1);
    expect(mean(draws(20_000, () => rng.poisson(80))) / 80).toBeCloseTo(1, 1);
    expect(rng.poisson(0)).toBe(0);
    // Failures before a success with p = 0.25: mean (1 - p) / p = 3.
    expect(mean(draws(40_000, () => rng.geometric(0.25)))).toBeCloseTo(3, 0);
  });

  it("picks weighted values in proportion to their weights", () => {
    const rng = new Random(3);
    const table = weightedTable([
      ["a", 1],
      ["b", 3],
      ["c", 0],
    ] as const);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0 };
    for (let k = 0; k < 40_000; k++) counts[rng.pickWeighted(table)]++;
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  it("refuses weighted tables with negative or no weight", () => {
    expect(() => weightedTable([["a", -1]])).toThrow(RangeError);
    expect(() => weightedTable([["a", 0]])).toThrow(RangeError);
  });

  it("maps logits to probabilities", () => {
    expect(sigmoid(0)).toBe(0.5);
    expect(sigmoid(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(sigmoid(10)).toBeGreaterThan(0.9999);
  });
});
