/**
 * From a Dataset to the numeric matrix a linear model reads. Numeric features are standardised
 * (so one L2 penalty treats them alike) and a missing value becomes the mean plus a 1 in a
 * "(missing)" indicator column; categorical features become one column per level seen in
 * training plus one for missing, so "did not answer" keeps its own weight. The recipe is fitted
 * once on training rows and is plain JSON, so the same columns are rebuilt for any later rows.
 */
import type { CategoricalColumn, Dataset, FeatureColumn, NumericColumn } from "./dataset.js";

/** One column of the design matrix, and how to compute it from a feature. */
export type DesignColumn =
  | { kind: "numeric"; feature: string; mean: number; scale: number }
  | { kind: "missing"; feature: string }
  | { kind: "level"; feature: string; level: string };

export interface DesignSpec {
  columns: DesignColumn[];
}

/** Row-major dense matrix: value (i, j) is values[i * cols + j]. */
export interface DesignMatrix {
  rows: number;
  cols: number;
  values: Float64Array;
  /** "TotalVisits", "TotalVisits=(missing)", "Country=India", "Country=(missing)". */
  names: string[];
}

export const MISSING_LEVEL = "(missing)";

export function designColumnName(column: DesignColumn): string {
  if (column.kind === "numeric") return column.feature;
  if (column.kind === "missing") return `${column.feature}=${MISSING_LEVEL}`;
  return `${column.feature}=${column.level}`;
}

function numericColumns(column: NumericColumn): DesignColumn[] {
  let count = 0;
  let sum = 0;
  for (const v of column.values) {
    if (Number.isNaN(v)) continue;
    count++;
    sum += v;
  }
  const mean = count > 0 ? sum / count : 0;
  let squares = 0;
  for (const v of column.values) if (!Number.isNaN(v)) squares += (v - mean) * (v - mean);
  // Population standard deviation, as scikit-learn's StandardScaler; a constant column keeps
  // scale 1 so it becomes all zeros instead of dividing by zero.
  const std = count > 0 ? Math.sqrt(squares / count) : 0;
  const columns: DesignColumn[] = [{ kind: "numeric", feature: column.name, mean, scale: std > 0 ? std : 1 }];
  if (count < column.values.length) columns.push({ kind: "missing", feature: column.name });
  return columns;
}

function categoricalColumns(column: CategoricalColumn): DesignColumn[] {
  const counts = new Int32Array(column.levels.length);
  let missing = 0;
  for (const code of column.codes) {
    if (code < 0) missing++;
    else counts[code]++;
  }
  // Levels in their declared order; a level no training row has would only get a zero weight.
  const columns: DesignColumn[] = [];
  column.levels.forEach((level, code) => {
    if (counts[code] > 0) columns.push({ kind: "level", feature: column.name, level });
  });
  if (missing > 0) columns.push({ kind: "missing", feature: column.name });
  return columns;
}

/** The columns for these training rows: standardisation figures, indicators, levels. */
export function fitDesign(dataset: Dataset): DesignSpec {
  const columns = dataset.features.flatMap((feature) =>
    feature.kind === "numeric" ? numericColumns(feature) : categoricalColumns(feature),
  );
  return { columns };
}

/** The feature of that name; a clear error when the rows to score lack it. */
export function featureByName(dataset: Dataset, name: string): FeatureColumn {
  const feature = dataset.features.find((f) => f.name === name);
  if (feature === undefined) {
    const known = dataset.features.map((f) => f.name).join(", ");
    throw new RangeError(`the data has no column "${name}", which the model needs (columns: ${known})`);
  }
  return feature;
}

function expectKind<K extends FeatureColumn["kind"]>(
  feature: FeatureColumn,
  kind: K,
): Extract<FeatureColumn, { kind: K }> {
  if (feature.kind !== kind) {
    throw new RangeError(
      `column "${feature.name}" is ${feature.kind}, but the model was trained on it as ${kind}`,
    );
  }
  return feature as Extract<FeatureColumn, { kind: K }>;
}

/** Fills column j of the matrix for every row. */
function fillColumn(column: DesignColumn, feature: FeatureColumn, matrix: DesignMatrix, j: number): void {
  const { rows, cols, values } = matrix;
  if (column.kind === "numeric") {
    const source = expectKind(feature, "numeric").values;
    for (let i = 0; i < rows; i++) {
      const v = source[i];
      values[i * cols + j] = Number.isNaN(v) ? 0 : (v - column.mean) / column.scale;
    }
    return;
  }
  if (column.kind === "missing") {
    if (feature.kind === "numeric") {
      for (let i = 0; i < rows; i++) values[i * cols + j] = Number.isNaN(feature.values[i]) ? 1 : 0;
    } else {
      for (let i = 0; i < rows; i++) values[i * cols + j] = feature.codes[i] < 0 ? 1 : 0;
    }
    return;
  }
  // Match the level by name: the rows to score may list their levels in another order, and a
  // level unseen in training has no column (all its one-hot values stay 0).
  const categorical = expectKind(feature, "categorical");
  const code = categorical.levels.indexOf(column.level);
  for (let i = 0; i < rows; i++) values[i * cols + j] = code >= 0 && categorical.codes[i] === code ? 1 : 0;
}

/** The design matrix of any rows that have the features the recipe names. */
export function buildDesign(spec: DesignSpec, dataset: Dataset): DesignMatrix {
  const cols = spec.columns.length;
  const matrix: DesignMatrix = {
    rows: dataset.rows,
    cols,
    values: new Float64Array(dataset.rows * cols),
    names: spec.columns.map(designColumnName),
  };
  spec.columns.forEach((column, j) => {
    fillColumn(column, featureByName(dataset, column.feature), matrix, j);
  });
  return matrix;
}
