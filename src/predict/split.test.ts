import { describe, expect, it } from "vitest";
import { foldSplit, stratifiedFolds, stratifiedHoldout, timeHoldout } from "./split.js";

/** 1000 rows, 120 of them positive, scattered (7919 is prime: i -> 7919 i mod 1000 is a permutation). */
const label = Uint8Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000 < 120 ? 1 : 0));
const positives = (rows: Int32Array) => rows.reduce((sum, i) => sum + label[i], 0);

function isAscending(rows: Int32Array): boolean {
  return rows.every((value, i) => i === 0 || rows[i - 1] < value);
}

describe("stratified holdout", () => {
  it("puts a quarter of each class in the test set, disjoint from training", () => {
    const { train, test } = stratifiedHoldout(label, { seed: 1 });
    expect(test.length).toBe(250);
    expect(positives(test)).toBe(30);
    expect(positives(train)).toBe(90);
    expect(new Set([...train, ...test]).size).toBe(1000);
    expect(isAscending(train) && isAscending(test)).toBe(true);
  });

  it("gives the same split for the same seed and another one for another seed", () => {
    const a = stratifiedHoldout(label, { seed: 42, testShare: 0.2 });
    expect(stratifiedHoldout(label, { seed: 42, testShare: 0.2 })).toEqual(a);
    expect(stratifiedHoldout(label, { seed: 43, testShare: 0.2 }).test).not.toEqual(a.test);
  });

  it("refuses a test share outside (0, 1)", () => {
    expect(() => stratifiedHoldout(label, { seed: 1, testShare: 1 })).toThrow(RangeError);
  });
});

describe("stratified k-fold", () => {
  it("deals each class evenly over the folds", () => {
    const folds = stratifiedFolds(label, { seed: 5, folds: 4 });
    for (let k = 0; k < 4; k++) {
      const { train, test } = foldSplit(folds, k);
      expect(train.length + test.length).toBe(1000);
      expect(test.length).toBe(250);
      expect(positives(test)).toBe(30);
    }
  });
});

describe("time-based holdout", () => {
  const DAY = 86_400_000;
  const times = Float64Array.from({ length: 100 }, (_, i) => (i === 7 ? Number.NaN : i * DAY));

  it("trains on the earlier rows and tests on the later quarter", () => {
    const split = timeHoldout(times);
    expect(split.cutoffMs).toBe(75 * DAY);
    expect([...split.test]).toEqual(Array.from({ length: 25 }, (_, i) => 75 + i));
    expect(split.train.length).toBe(74);
    expect(split.left).toBe(1);
  });

  it("leaves a gap before the cutoff, so training labels never reach into the test period", () => {
    const split = timeHoldout(times, { cutoffMs: 80 * DAY, gapMs: 30 * DAY });
    expect(split.train[split.train.length - 1]).toBe(50);
    expect(split.test[0]).toBe(80);
    expect(split.left).toBe(1 + 29);
  });

  it("says when one side is empty", () => {
    expect(() => timeHoldout(times, { cutoffMs: 0 })).toThrow("no row before 1970-01-01T00:00:00.000Z");
  });
});
