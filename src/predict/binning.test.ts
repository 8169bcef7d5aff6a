import { describe, expect, it } from "vitest";
import { assignBins, binFeature, binLabel } from "./binning.js";
import type { CategoricalColumn, NumericColumn } from "./dataset.js";

const numeric = (values: number[]): NumericColumn => ({
  kind: "numeric",
  name: "x",
  values: Float64Array.from(values),
});

/** Rows per value, and how many of them converted: [value, rows, converted]. */
function rowsOf(spec: [number, number, number][]) {
  const values: number[] = [];
  const labels: number[] = [];
  for (const [value, rows, converted] of spec) {
    for (let r = 0; r < rows; r++) {
      values.push(value);
      labels.push(r < converted ? 1 : 0);
    }
  }
  return { column: numeric(values), labels: Uint8Array.from(labels) };
}

describe("numeric bins", () => {
  it("cuts into bins of equal size, a missing bin last", () => {
    const { column, labels } = rowsOf([1, 2, 3, 4].map((v) => [v, 25, v * 5] as [number, number, number]));
    const bins = binFeature(column, labels, { maxBins: 4, minBinRows: 1 }).bins;
    expect(bins.map(binLabel)).toEqual(["< 2", "2 to < 3", "3 to < 4", ">= 4", "missing"]);
  });

  it("never splits equal values across two bins", () => {
    const { column, labels } = rowsOf([
      [0, 70, 7],
      [1, 10, 5],
      [2, 20, 15],
    ]);
    const bins = binFeature(column, labels, { maxBins: 4, minBinRows: 1 }).bins;
    expect(bins.map(binLabel)).toEqual(["< 1", "1 to < 2", ">= 2", "missing"]);
  });

  it("merges a bin smaller than the minimum into the neighbour with the closer rate", () => {
    // Three bins, rates 10%, 80% (5 rows), 70%: the small middle bin joins the right one.
    const { column, labels } = rowsOf([
      [1, 40, 4],
      [2, 5, 4],
      [3, 40, 28],
    ]);
    const bins = binFeature(column, labels, { maxBins: 10, minBinRows: 10, monotone: false }).bins;
    expect(bins.map(binLabel)).toEqual(["< 2", ">= 2", "missing"]);
  });

  it("pools neighbours until the conversion rate is monotone", () => {
    // Rates 10%, 30%, 20%, 50%: bins 2 and 3 merge (25%), the rest rises.
    const { column, labels } = rowsOf([
      [1, 50, 5],
      [2, 50, 15],
      [3, 50, 10],
      [4, 50, 25],
    ]);
    const bins = binFeature(column, labels, { maxBins: 4, minBinRows: 1 }).bins;
    expect(bins.map(binLabel)).toEqual(["< 2", "2 to < 4", ">= 4", "missing"]);
    const free = binFeature(column, labels, { maxBins: 4, minBinRows: 1, monotone: false }).bins;
    expect(free).toHaveLength(5);
  });

  it("follows a falling rate as well as a rising one", () => {
    const { column, labels } = rowsOf([
      [1, 50, 25],
      [2, 50, 10],
      [3, 50, 15],
      [4, 50, 5],
    ]);
    const bins = binFeature(column, labels, { maxBins: 4, minBinRows: 1 }).bins;
    expect(bins.map(binLabel)).toEqual(["< 2", "2 to < 4", ">= 4", "missing"]);
  });

  it("puts each value in the bin whose range holds it, missing values in the missing bin", () => {
    const { column, labels } = rowsOf([1, 2, 3, 4].map((v) => [v, 25, v * 5] as [number, number, number]));
    const bins = binFeature(column, labels, { maxBins: 4, minBinRows: 1 });
    expect(Array.from(assignBins(bins, numeric([-10, 1.5, 2, 3.99, 4, 1e9, Number.NaN])))).toEqual([
      0, 0, 1, 2, 3, 3, 4,
    ]);
  });

  it("keeps one range for a feature with no values", () => {
    const bins = binFeature(numeric([Number.NaN, Number.NaN]), Uint8Array.from([0, 1])).bins;
    expect(bins.map(binLabel)).toEqual(["any value", "missing"]);
  });
});

describe("categorical bins", () => {
  const column: CategoricalColumn = {
    kind: "categorical",
    name: "source",
    levels: ["web", "referral", "fair", "never", "ad", "phone"],
    codes: Int32Array.from([
      ...Array(30).fill(0),
      ...Array(12).fill(1),
      2,
      2,
      4,
      4,
      4,
      5,
      5,
      5,
      5,
      5,
      -1,
      -1,
    ]),
  };
  const labels = new Uint8Array(column.codes.length);

  it("gives common levels their own bin, largest first, and groups the rare ones", () => {
    const bins = binFeature(column, labels, { minLevelRows: 10 }).bins;
    expect(bins.map(binLabel)).toEqual(["web", "referral", "other (fair, ad, phone)", "missing"]);
  });

  it("counts rare levels as the most common one when even together they are too few", () => {
    const bins = binFeature(column, labels, { minLevelRows: 11 }).bins;
    expect(bins.map(binLabel)).toEqual(["web, fair, ad, phone", "referral", "other", "missing"]);
  });

  it("sends levels unseen in training to the other bin, whatever their code", () => {
    const bins = binFeature(column, labels, { minLevelRows: 10 });
    const scored: CategoricalColumn = {
      kind: "categorical",
      name: "source",
      levels: ["trade show", "referral", "web", "phone"],
      codes: Int32Array.from([0, 1, 2, -1, 3]),
    };
    expect(Array.from(assignBins(bins, scored))).toEqual([2, 1, 0, 3, 2]);
  });
});
