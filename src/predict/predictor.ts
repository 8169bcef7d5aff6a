/**
 * Scoring new rows with a predictive artifact: the calibrated probability, the tier, and the
 * factors that pushed each row up and down. For boosted trees the factors are exact TreeSHAP
 * contributions (log-odds, before calibration, which is monotone and so keeps their order);
 * for the scorecard they are the points: a feature's points push up, the points it falls
 * short of its best bin push down.
 */
import type { PredictiveArtifact } from "./artifact.js";
import { applyCalibration } from "./calibration.js";
import type { Dataset, FeatureColumn } from "./dataset.js";
import { sigmoid } from "./gbdt/loss.js";
import { compileGbdt, predictRawCompiled } from "./gbdt/predict.js";
import { type ScorecardScores, scoreWithScorecard } from "./scorecard.js";
import { type TierName, tierOf } from "./tiers.js";
import { type ShapValues, treeShapCompiled } from "./treeshap.js";

export interface Factor {
  feature: string;
  value: string;
  /** Log-odds (trees) or points (scorecard); positive pushes up. */
  effect: number;
}

export interface Predictions {
  rows: number;
  /** Before calibration: the model's own probability. */
  rawProbabilities: Float64Array;
  probabilities: Float64Array;
  tiers: TierName[];
  /** The `count` strongest factors up and down of a row, strongest first. */
  factors(row: number, count: number): { up: Factor[]; down: Factor[] };
  /** "Total Time Spent on Website=1532 (+0.42)" */
  describe(factor: Factor): string;
}

/** A cell of the dataset as people read it: the number, the category, or "missing". */
export function displayValue(column: FeatureColumn, row: number, yesNo = false): string {
  if (yesNo && column.kind === "numeric" && !Number.isNaN(column.values[row]))
    return column.values[row] === 1 ? "yes" : "no";
  if (column.kind === "categorical") {
    const code = column.codes[row];
    return code < 0 ? "missing" : column.levels[code];
  }
  const value = column.values[row];
  return Number.isNaN(value) ? "missing" : String(Math.round(value * 100) / 100);
}

function signed(x: number, digits: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(digits)}`;
}

function strongest(factors: Factor[], count: number): { up: Factor[]; down: Factor[] } {
  const up = factors
    .filter((f) => f.effect > 0)
    .sort((a, b) => b.effect - a.effect || a.feature.localeCompare(b.feature));
  const down = factors
    .filter((f) => f.effect < 0)
    .sort((a, b) => a.effect - b.effect || a.feature.localeCompare(b.feature));
  return { up: up.slice(0, count), down: down.slice(0, count) };
}

/** Scores every row of `dataset` (encoded with the artifact's schema), in order. */
export function predictRows(
  artifact: PredictiveArtifact,
  dataset: Dataset,
  options: { factors?: boolean } = {},
): Predictions {
  const byName = new Map(dataset.features.map((column) => [column.name, column]));
  const yesNo = new Set(artifact.schema.features.filter((f) => f.kind === "boolean").map((f) => f.name));
  const show = (column: FeatureColumn, row: number) => displayValue(column, row, yesNo.has(column.name));
  const column = (name: string): FeatureColumn => {
    const found = byName.get(name);
    if (!found) throw new RangeError(`the table lacks the model's feature "${name}"`);
    return found;
  };
  let raw: Float64Array;
  let factorsOf: (row: number) => Factor[];
  let describe: (factor: Factor) => string;
  if (artifact.kind === "gbdt") {
    const compiled = compileGbdt(artifact.model, dataset);
    raw = predictRawCompiled(compiled, dataset.rows).map(sigmoid);
    const shap: ShapValues | undefined =
      options.factors === false ? undefined : treeShapCompiled(compiled, dataset.rows);
    const names = artifact.model.features.map((f) => f.name);
    const columns = names.map(column);
    factorsOf = (row) =>
      shap === undefined
        ? []
        : names.map((feature, f) => ({
            feature,
            value: show(columns[f], row),
            effect: shap.values[row * shap.features + f],
          }));
    describe = (f) => `${f.feature}=${f.value} (${signed(f.effect, 2)})`;
  } else {
    const card = artifact.model;
    const scores: ScorecardScores = scoreWithScorecard(card, dataset);
    raw = scores.probabilities;
    const columns = card.features.map((f) => column(f.feature));
    factorsOf = (row) =>
      card.features.flatMap((feature, f) => {
        const points = scores.points[f][row];
        const value = show(columns[f], row);
        const out: Factor[] = [];
        if (points > 0) out.push({ feature: feature.feature, value, effect: points });
        if (points < feature.maxPoints)
          out.push({ feature: feature.feature, value, effect: points - feature.maxPoints });
        return out;
      });
    describe = (f) =>
      f.effect > 0
        ? `${f.feature}=${f.value} (+${f.effect} pts)`
        : `${f.feature}=${f.value} (${f.effect} pts vs its best)`;
  }
  const probabilities = raw.map((p) => applyCalibration(artifact.calibration, p));
  return {
    rows: dataset.rows,
    rawProbabilities: raw,
    probabilities,
    tiers: Array.from(probabilities, (p) => tierOf(artifact.tiers, p)),
    factors: (row, count) => strongest(factorsOf(row), count),
    describe,
  };
}
