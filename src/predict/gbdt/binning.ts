/**
 * Maps every feature value to a bin number 0..254 (bin 255 holds missing values), so trees
 * are grown on one byte per value and histograms have a fixed size. Numeric thresholds are the
 * midpoints between distinct values when there are at most `maxBins` of them, otherwise the
 * midpoint-percentiles at k/maxBins (numpy's "midpoint" method), as scikit-learn's _BinMapper:
 * a value goes to the first bin whose threshold is >= it. A categorical feature has one bin per
 * category seen in the whole training table, in level order.
 */

import { Random } from "../../random/random.js";
import type { Dataset, FeatureColumn } from "../dataset.js";

export const MISSING_BIN = 255;
/** Thresholds are capped here so +Infinity stays free for the split that isolates missing values. */
const ALMOST_INF = 1e300;

export interface NumericBins {
  kind: "numeric";
  name: string;
  /** Increasing (possibly repeated) upper bounds: bin b holds thresholds[b-1] < x <= thresholds[b]. */
  thresholds: Float64Array;
}

export interface CategoricalBins {
  kind: "categorical";
  name: string;
  /** The categories seen in training, in bin order. */
  levels: string[];
  /** Bin of each level code of the training table; -1 for a level never seen. */
  binOfCode: Int32Array;
}

export type FeatureBins = NumericBins | CategoricalBins;

export interface BinMapper {
  features: FeatureBins[];
  /** Bins used by present values, per feature. */
  binsNonMissing: Int32Array;
}

/**
 * Bins for the categories of `column` that occur in the table. Computed on the whole table
 * before the validation split, as scikit-learn does, so a category seen only in validation
 * rows still has a bin (an empty one).
 */
function categoricalBins(column: FeatureColumn & { kind: "categorical" }, maxBins: number): CategoricalBins {
  const seen = new Uint8Array(column.levels.length);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) if (codes[i] >= 0) seen[codes[i]] = 1;
  const binOfCode = new Int32Array(column.levels.length).fill(-1);
  const levels: string[] = [];
  for (let code = 0; code < seen.length; code++) {
    if (seen[code] === 0) continue;
    binOfCode[code] = levels.length;
    levels.push(column.levels[code]);
  }
  if (levels.length > maxBins) {
    throw new RangeError(
      `categorical column "${column.name}" has ${levels.length} categories; boosted trees take at most ` +
        `${maxBins}: group the rare ones into one level`,
    );
  }
  return { kind: "categorical", name: column.name, levels, binOfCode };
}

/** numpy.percentile(sorted, 100 * k / maxBins, method="midpoint") for k = 1..maxBins-1. */
function midpointPercentiles(sorted: Float64Array, maxBins: number): Float64Array {
  const out = new Float64Array(maxBins - 1);
  const step = 100 / maxBins; // numpy.linspace(0, 100, maxBins + 1) computes k * step
  const last = sorted.length - 1;
  for (let k = 1; k < maxBins; k++) {
    const position = last * ((k * step) / 100);
    const lower = Math.floor(position);
    const upper = Math.ceil(position);
    const a = sorted[lower];
    const b = sorted[upper];
    // numpy's lerp at t = 0.5 computes b - (b - a) * 0.5; equal neighbours give a exactly.
    out[k - 1] = lower === upper || a === b ? a : b - (b - a) * 0.5;
  }
  return out;
}

function numericThresholds(values: Float64Array, rows: ArrayLike<number>, maxBins: number): Float64Array {
  const present = new Float64Array(rows.length);
  let count = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (!Number.isNaN(v)) present[count++] = v;
  }
  const sorted = present.subarray(0, count).sort();
  let distinct = 0;
  for (let i = 0; i < count; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  let thresholds: Float64Array;
  if (distinct <= maxBins) {
    thresholds = new Float64Array(Math.max(0, distinct - 1));
    let t = 0;
    for (let i = 1; i < count; i++) {
      if (sorted[i] !== sorted[i - 1]) thresholds[t++] = (sorted[i - 1] + sorted[i]) * 0.5;
    }
  } else {
    thresholds = midpointPercentiles(sorted, maxBins);
  }
  for (let i = 0; i < thresholds.length; i++) if (thresholds[i] > ALMOST_INF) thresholds[i] = ALMOST_INF;
  return thresholds;
}

/** `size` distinct positions of 0..n-1 drawn without replacement (partial Fisher-Yates), sorted. */
function sampleRows(rows: Int32Array, size: number, seed: number): Int32Array {
  const pool = Int32Array.from(rows);
  const random = new Random(seed, 0x6269);
  for (let i = 0; i < size; i++) {
    const j = random.int(i, pool.length - 1);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, size).sort();
}

/**
 * Fits the bins on the training rows `rows` of `dataset` (numeric thresholds on a seeded sample
 * of `sampleSize` rows when there are more).
 */
export function fitBinMapper(
  dataset: Dataset,
  rows: Int32Array,
  options: { maxBins: number; binningSampleRows: number; seed: number },
): BinMapper {
  const sample =
    rows.length > options.binningSampleRows
      ? sampleRows(rows, options.binningSampleRows, options.seed)
      : rows;
  const features = dataset.features.map((column): FeatureBins => {
    if (column.kind === "categorical") return categoricalBins(column, options.maxBins);
    return {
      kind: "numeric",
      name: column.name,
      thresholds: numericThresholds(column.values, sample, options.maxBins),
    };
  });
  const binsNonMissing = Int32Array.from(features, (f) =>
    f.kind === "numeric" ? f.thresholds.length + 1 : f.levels.length,
  );
  return { features, binsNonMissing };
}

function binNumeric(values: Float64Array, rows: Int32Array, thresholds: Float64Array, out: Uint8Array): void {
  const size = thresholds.length;
  for (let i = 0; i < rows.length; i++) {
    const v = values[rows[i]];
    if (Number.isNaN(v)) {
      out[i] = MISSING_BIN;
      continue;
    }
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v <= thresholds[mid]) hi = mid;
      else lo = mid + 1;
    }
    out[i] = lo;
  }
}

/**
 * The rows `rows` of `dataset` as one byte column per feature (row i of the result is
 * dataset row rows[i]). `dataset` must be the table the mapper was fitted on, or one with the
 * same columns and level codes.
 */
export function binRows(mapper: BinMapper, dataset: Dataset, rows: Int32Array): Uint8Array[] {
  return mapper.features.map((bins, f) => {
    const column = dataset.features[f];
    const out = new Uint8Array(rows.length);
    if (bins.kind === "numeric" && column.kind === "numeric") {
      binNumeric(column.values, rows, bins.thresholds, out);
    } else if (bins.kind === "categorical" && column.kind === "categorical") {
      const codes = column.codes;
      for (let i = 0; i < rows.length; i++) {
        const code = codes[rows[i]];
        const bin = code >= 0 ? bins.binOfCode[code] : -1;
        out[i] = bin >= 0 ? bin : MISSING_BIN;
      }
    } else {
      throw new TypeError(`column "${column.name}" changed kind between binning and training`);
    }
    return out;
  });
}

/** Whether each binned column holds a missing value. */
export function missingFlags(binned: Uint8Array[]): Uint8Array {
  return Uint8Array.from(binned, (column) => (column.includes(MISSING_BIN) ? 1 : 0));
}
