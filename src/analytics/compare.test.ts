import { describe, expect, it } from "vitest";
import { averageRanks, compareScores, spearman } from "./compare.js";

describe("comparing two models", () => {
  it("ranks ties at their average position", () => {
    expect(Array.from(averageRanks([10, 30, 20, 30]))).toEqual([1, 3.5, 2, 3.5]);
  });

  it("computes Spearman's correlation by hand", () => {
    // Ranks 1..5 against 2,1,4,3,5: d² = 1+1+1+1+0 = 4, rho = 1 - 6·4 / (5·24) = 0.8.
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
    expect(spearman([1, 2, 3], [3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it("gives each model's AUC and top-decile lift, and where they disagree", () => {
    // 20 contacts; a ranks by i, b by the reverse except that b puts the converters 18 and 19 last.
    const a = Array.from({ length: 20 }, (_, i) => i);
    const b = a.map((i) => 19 - i);
    const labels = a.map((i) => (i >= 18 ? 1 : 0));
    const result = compareScores(["a", "b"], a, b, labels);
    expect(result.models[0]).toEqual({ name: "a", rocAuc: 1, topDecileLift: 10 });
    expect(result.models[1]).toEqual({ name: "b", rocAuc: 0, topDecileLift: 0 });
    expect(result.rankAgreement).toBeCloseTo(-1, 12);
    // a's top tenth (ranks 19, 20) is b's bottom: both converted.
    expect(result.disagreements[0]).toMatchObject({ highIn: "a", contacts: 2, conversions: 2, rate: 1 });
    expect(result.disagreements[1]).toMatchObject({ highIn: "b", contacts: 2, conversions: 0, rate: 0 });
  });
});
