/**
 * What converters have in common, from TreeSHAP values: how much each feature moves
 * predictions on average (mean |SHAP|, in log-odds) and in which direction. For a numeric
 * feature the direction is the correlation between its value and its contribution (positive:
 * higher values raise the probability) and the mean contribution of the rows above and below
 * its median; missing values get their own mean, since missing is information here. For a
 * categorical feature it is the mean contribution per category.
 */

import type { Dataset } from "./dataset.js";
import type { ShapValues } from "./treeshap.js";

export interface LevelEffect {
  /** null: missing. */
  level: string | null;
  rows: number;
  meanShap: number;
}

export interface FeatureImportance {
  feature: string;
  kind: "numeric" | "categorical";
  meanAbsShap: number;
  /** Numeric: "raises" when higher values raise the probability (correlation >= 0.2), etc. */
  direction: "higher raises" | "higher lowers" | "mixed" | "by category";
  /** Numeric: Pearson correlation of value and contribution over present values; null if undefined. */
  correlation: number | null;
  /** Numeric: mean contribution of present values above / at or below the median. */
  meanShapHigh: number | null;
  meanShapLow: number | null;
  /** Numeric: mean contribution of rows where the value is missing (null when none is). */
  meanShapMissing: number | null;
  /** Categorical: mean contribution per category present in the table, highest first. */
  levels: LevelEffect[];
}

/** |correlation| below this reads as no clear direction. */
const CLEAR_CORRELATION = 0.2;

function pearson(x: Float64Array, y: Float64Array, n: number): number | null {
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

const mean = (total: number, count: number) => (count > 0 ? total / count : null);

function numericImportance(values: Float64Array, shap: ShapValues, f: number): Partial<FeatureImportance> {
  const present = new Float64Array(shap.rows);
  const contribution = new Float64Array(shap.rows);
  let n = 0;
  let missingTotal = 0;
  let missingRows = 0;
  for (let row = 0; row < shap.rows; row++) {
    const s = shap.values[row * shap.features + f];
    if (Number.isNaN(values[row])) {
      missingTotal += s;
      missingRows++;
      continue;
    }
    present[n] = values[row];
    contribution[n++] = s;
  }
  const median = n > 0 ? Float64Array.from(present.subarray(0, n)).sort()[Math.floor((n - 1) / 2)] : 0;
  let high = 0;
  let highRows = 0;
  let low = 0;
  let lowRows = 0;
  for (let i = 0; i < n; i++) {
    if (present[i] > median) {
      high += contribution[i];
      highRows++;
    } else {
      low += contribution[i];
      lowRows++;
    }
  }
  const correlation = pearson(present, contribution, n);
  const direction =
    correlation === null || Math.abs(correlation) < CLEAR_CORRELATION
      ? "mixed"
      : correlation > 0
        ? "higher raises"
        : "higher lowers";
  return {
    direction,
    correlation,
    meanShapHigh: mean(high, highRows),
    meanShapLow: mean(low, lowRows),
    meanShapMissing: mean(missingTotal, missingRows),
  };
}

function levelEffects(levels: string[], codes: Int32Array, shap: ShapValues, f: number): LevelEffect[] {
  const totals = new Float64Array(levels.length + 1);
  const counts = new Float64Array(levels.length + 1);
  for (let row = 0; row < shap.rows; row++) {
    const slot = codes[row] >= 0 ? codes[row] : levels.length;
    totals[slot] += shap.values[row * shap.features + f];
    counts[slot]++;
  }
  const effects: LevelEffect[] = [];
  for (let slot = 0; slot <= levels.length; slot++) {
    if (counts[slot] === 0) continue;
    const level = slot < levels.length ? levels[slot] : null;
    effects.push({ level, rows: counts[slot], meanShap: totals[slot] / counts[slot] });
  }
  return effects.sort((a, b) => b.meanShap - a.meanShap);
}

/**
 * Importance with direction of every model feature, most important first. `shap` must hold
 * the TreeSHAP values of `dataset`'s rows for a model whose features are, in order, `names`.
 */
export function shapImportance(
  dataset: Dataset,
  shap: ShapValues,
  names: readonly string[],
): FeatureImportance[] {
  const byName = new Map(dataset.features.map((column) => [column.name, column]));
  const result = names.map((name, f): FeatureImportance => {
    const column = byName.get(name);
    if (!column) throw new RangeError(`the table lacks the model's column "${name}"`);
    let total = 0;
    for (let row = 0; row < shap.rows; row++) total += Math.abs(shap.values[row * shap.features + f]);
    const base: FeatureImportance = {
      feature: name,
      kind: column.kind,
      meanAbsShap: shap.rows > 0 ? total / shap.rows : 0,
      direction: "by category",
      correlation: null,
      meanShapHigh: null,
      meanShapLow: null,
      meanShapMissing: null,
      levels: [],
    };
    if (column.kind === "numeric") return { ...base, ...numericImportance(column.values, shap, f) };
    return { ...base, levels: levelEffects(column.levels, column.codes, shap, f) };
  });
  return result.sort((a, b) => b.meanAbsShap - a.meanAbsShap);
}
