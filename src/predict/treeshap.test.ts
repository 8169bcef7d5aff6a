import { describe, expect, it } from "vitest";
import { syntheticLeads } from "../../bench/predict-data.js";
import { Random } from "../random/random.js";
import type { Dataset } from "./dataset.js";
import { trainGbdt } from "./gbdt/boosting.js";
import { type CompiledGbdt, compileGbdt, goesLeft, NODE_LEAF, predictRawCompiled } from "./gbdt/predict.js";
import { shapImportance } from "./shap-importance.js";
import { treeShap, treeShapCompiled } from "./treeshap.js";

/**
 * The path-dependent value of the coalition `known` (a bit mask of features) for a row: each
 * tree's output when splits on known features follow the row and the others are averaged by
 * the share of training rows that went each way.
 */
function coalitionValue(c: CompiledGbdt, row: number, known: number): number {
  const walk = (node: number): number => {
    if (c.kind[node] === NODE_LEAF) return c.value[node];
    if (known & (1 << c.feature[node])) return walk(goesLeft(c, node, row) ? c.left[node] : c.right[node]);
    const l = c.left[node];
    const r = c.right[node];
    return (c.cover[l] * walk(l) + c.cover[r] * walk(r)) / c.cover[node];
  };
  let total = c.baseline;
  for (let t = 0; t < c.roots.length; t++) total += walk(c.roots[t]);
  return total;
}

/** Shapley values by enumerating every coalition: sum over S of |S|!(M-|S|-1)!/M! (v(S+i) - v(S)). */
function bruteForceShapley(c: CompiledGbdt, row: number): number[] {
  const m = c.features;
  const factorial = [1];
  for (let k = 1; k <= m; k++) factorial.push(factorial[k - 1] * k);
  const value = Array.from({ length: 1 << m }, (_, mask) => coalitionValue(c, row, mask));
  return Array.from({ length: m }, (_, i) => {
    let phi = 0;
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      let size = 0;
      for (let b = mask; b; b &= b - 1) size++;
      phi +=
        ((factorial[size] * factorial[m - size - 1]) / factorial[m]) * (value[mask | (1 << i)] - value[mask]);
    }
    return phi;
  });
}

/** Five features: numeric with missing values, a categorical one, a repeated-use one. */
function smallTable(rows: number, seed: number): Dataset {
  const random = new Random(seed);
  const cols = Array.from({ length: 4 }, () => new Float64Array(rows));
  const codes = new Int32Array(rows);
  const label = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    for (const col of cols) col[i] = random.chance(0.1) ? Number.NaN : random.normal();
    codes[i] = random.chance(0.05) ? -1 : random.int(0, 3);
    const x = cols.map((col) => (Number.isNaN(col[i]) ? 0.5 : col[i]));
    const logit = x[0] - x[1] * x[2] + (codes[i] === 1 ? 1 : 0) + Math.abs(x[0]) * 0.5;
    label[i] = random.chance(1 / (1 + Math.exp(-logit))) ? 1 : 0;
  }
  const numeric = cols.map((values, j) => ({ kind: "numeric" as const, name: `x${j}`, values }));
  return {
    rows,
    features: [...numeric, { kind: "categorical", name: "c", levels: ["p", "q", "r", "s"], codes }],
    label,
  };
}

describe("TreeSHAP", () => {
  it("gives one tree's single split entirely to the split feature", () => {
    const data: Dataset = {
      rows: 8,
      features: [
        { kind: "numeric", name: "x", values: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
        { kind: "numeric", name: "z", values: Float64Array.from([1, 2, 1, 2, 1, 2, 1, 2]) },
      ],
      label: Uint8Array.from([0, 0, 0, 0, 1, 0, 1, 1]),
    };
    const model = trainGbdt(data, { maxIterations: 1, maxLeafNodes: 2, learningRate: 1, minSamplesLeaf: 1 });
    const shap = treeShap(model, data);
    // Leaves -1.6 and +1.6 with 4 rows each: the expected value is the baseline, and x carries all.
    expect(shap.expectedValue).toBeCloseTo(Math.log(3 / 5), 12);
    expect(shap.values[0]).toBeCloseTo(-1.6, 12);
    expect(shap.values[7 * 2]).toBeCloseTo(1.6, 12);
    expect(shap.values[1]).toBe(0);
  });

  it("equals brute-force Shapley values of the path-dependent game on small trees", () => {
    const data = smallTable(600, 1);
    const model = trainGbdt(data, { maxIterations: 4, maxLeafNodes: 8, minSamplesLeaf: 10 });
    const c = compileGbdt(model, data);
    const shap = treeShapCompiled(c, data.rows);
    expect(shap.expectedValue).toBeCloseTo(coalitionValue(c, 0, 0), 12);
    for (let row = 0; row < 60; row++) {
      const expected = bruteForceShapley(c, row);
      for (let f = 0; f < c.features; f++)
        expect(shap.values[row * c.features + f]).toBeCloseTo(expected[f], 9);
    }
  });

  it("equals brute-force Shapley values when every leaf is computed without pattern tables", () => {
    const data = smallTable(600, 4);
    const model = trainGbdt(data, { maxIterations: 3, maxLeafNodes: 12, minSamplesLeaf: 5 });
    const c = compileGbdt(model, data);
    const shap = treeShapCompiled(c, data.rows, 0);
    for (let row = 0; row < 40; row++) {
      const expected = bruteForceShapley(c, row);
      for (let f = 0; f < c.features; f++)
        expect(shap.values[row * c.features + f]).toBeCloseTo(expected[f], 9);
    }
  });

  it("adds up to every row's raw score (log-odds) within 1e-9", () => {
    const data = syntheticLeads(3_000, 2);
    const model = trainGbdt(data, { maxIterations: 40 });
    const c = compileGbdt(model, data);
    const raw = predictRawCompiled(c, data.rows);
    const shap = treeShapCompiled(c, data.rows);
    let worst = 0;
    for (let row = 0; row < data.rows; row++) {
      let total = shap.expectedValue;
      for (let f = 0; f < shap.features; f++) total += shap.values[row * shap.features + f];
      worst = Math.max(worst, Math.abs(total - raw[row]));
    }
    expect(worst).toBeLessThan(1e-9);
  });
});

describe("importance with direction", () => {
  it("ranks informative features above noise and finds the direction of their effect", () => {
    const data = syntheticLeads(6_000, 3);
    const model = trainGbdt(data, { maxIterations: 60 });
    const names = model.features.map((f) => f.name);
    const importance = shapImportance(data, treeShap(model, data), names);
    const of = (name: string) => importance.find((f) => f.feature === name)!;
    // num_00 raises the log-odds by 0.8 per unit; num_07 (days since) lowers it.
    expect(of("num_00")).toMatchObject({ direction: "higher raises" });
    expect(of("num_00").meanShapHigh!).toBeGreaterThan(of("num_00").meanShapLow!);
    expect(of("num_07")).toMatchObject({ direction: "higher lowers" });
    // num_01's missing values add 0.5 to the log-odds in the generator.
    expect(of("num_01").meanShapMissing!).toBeGreaterThan(0);
    // (cat_05, 100 levels of noise, is left out: native category splits do fit noise levels in-sample.)
    for (const noise of ["num_08", "num_09", "num_14", "cnt_04", "cat_03"]) {
      expect(of(noise).meanAbsShap).toBeLessThan(of("num_00").meanAbsShap / 5);
    }
    // cat_00's level L004 has the largest effect (+1.2), L000 the smallest (-1).
    const levels = of("cat_00").levels;
    expect(levels[0].level).toBe("L004");
    expect(levels.at(-1)!.level).toBe("L000");
    expect(importance[0].meanAbsShap).toBeGreaterThanOrEqual(importance[1].meanAbsShap);
  });
});
