import { describe, expect, it } from "vitest";
import type { Dataset } from "../dataset.js";
import { binRows, fitBinMapper, MISSING_BIN, missingFlags } from "./binning.js";

const numeric = (name: string, values: number[]) =>
  ({ kind: "numeric", name, values: Float64Array.from(values) }) as const;
const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
const options = { maxBins: 255, binningSampleRows: 200_000, seed: 0 };

describe("bin thresholds", () => {
  it("puts thresholds midway between distinct values when there are few, ignoring missing values", () => {
    // scikit-learn 1.2.1: _find_binning_thresholds([3, 1, 2, nan, 2, 5], 255) == [1.5, 2.5, 4.0]
    const data: Dataset = { rows: 6, features: [numeric("x", [3, 1, 2, Number.NaN, 2, 5])] };
    const mapper = fitBinMapper(data, all(6), options);
    expect(mapper.features[0]).toMatchObject({ kind: "numeric" });
    expect([...(mapper.features[0] as { thresholds: Float64Array }).thresholds]).toEqual([1.5, 2.5, 4]);
    expect(mapper.binsNonMissing[0]).toBe(4);
    expect([...binRows(mapper, data, all(6))[0]]).toEqual([2, 0, 1, MISSING_BIN, 1, 3]);
  });

  it("uses numpy's midpoint percentiles when there are more distinct values than bins", () => {
    const values = Array.from({ length: 30 }, (_, i) => ((i * i) % 37) + 0.25 * i);
    const data: Dataset = { rows: 30, features: [numeric("x", values)] };
    const mapper = fitBinMapper(data, all(30), { ...options, maxBins: 7 });
    // scikit-learn 1.2.1 / numpy 1.24.2: _find_binning_thresholds(values, 7)
    const expected = [8.875, 13.875, 16.875, 27.75, 32.75, 35.5];
    expect([...(mapper.features[0] as { thresholds: Float64Array }).thresholds]).toEqual(expected);
  });

  it("sends a value to the first bin whose threshold is at least the value", () => {
    const data: Dataset = { rows: 5, features: [numeric("x", [0, 1.5, 1.5000001, 2.5, 99])] };
    const train: Dataset = { rows: 4, features: [numeric("x", [1, 2, 3, 3])] };
    const mapper = fitBinMapper(train, all(4), options);
    expect([...binRows(mapper, data, all(5))[0]]).toEqual([0, 0, 1, 1, 2]);
  });

  it("caps infinite thresholds so that only the missing-value split is unbounded", () => {
    const data: Dataset = { rows: 3, features: [numeric("x", [1, Number.POSITIVE_INFINITY, 2])] };
    const thresholds = (fitBinMapper(data, all(3), options).features[0] as { thresholds: Float64Array })
      .thresholds;
    expect([...thresholds]).toEqual([1.5, 1e300]);
  });

  it("gives each category seen anywhere in the table its own bin, in level order", () => {
    const data: Dataset = {
      rows: 5,
      features: [
        {
          kind: "categorical",
          name: "c",
          levels: ["a", "b", "c", "d"],
          codes: Int32Array.from([3, 0, -1, 3, 1]),
        },
      ],
    };
    const mapper = fitBinMapper(data, Int32Array.from([0, 1, 2]), options);
    expect(mapper.features[0]).toMatchObject({ kind: "categorical", levels: ["a", "b", "d"] });
    expect(mapper.binsNonMissing[0]).toBe(3);
    const binned = binRows(mapper, data, all(5));
    expect([...binned[0]]).toEqual([2, 0, MISSING_BIN, 2, 1]);
    expect([...missingFlags(binned)]).toEqual([1]);
  });

  it("refuses a categorical column with more categories than bins, naming it", () => {
    const codes = Int32Array.from({ length: 300 }, (_, i) => i);
    const levels = Array.from({ length: 300 }, (_, i) => `level ${i}`);
    const data: Dataset = { rows: 300, features: [{ kind: "categorical", name: "City", levels, codes }] };
    expect(() => fitBinMapper(data, all(300), options)).toThrow(/"City" has 300 categories/);
  });

  it("computes thresholds on a seeded sample when there are more rows than the sample size", () => {
    const values = Array.from({ length: 2_000 }, (_, i) => Math.sin(i) * 1000);
    const data: Dataset = { rows: 2_000, features: [numeric("x", values)] };
    const sampled = (seed: number) =>
      (
        fitBinMapper(data, all(2_000), { maxBins: 255, binningSampleRows: 500, seed }).features[0] as {
          thresholds: Float64Array;
        }
      ).thresholds;
    expect(sampled(1)).toEqual(sampled(1));
    expect(sampled(1)).not.toEqual(sampled(2));
    expect(sampled(1)).toHaveLength(254);
  });
});
