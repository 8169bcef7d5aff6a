/**
 * Cuts each feature into a few bins a marketer can read ("Total Time Spent on Website from 600
 * to 900", "Lead Source is Reference"), the first step of a scorecard. Numeric features: bins of
 * about equal size, small ones merged into a neighbour, then merged until the conversion rate
 * rises (or falls) steadily from bin to bin, so points never zig-zag along a number. Categorical
 * features: one bin per common level, rare ones grouped. Missing values always get their own bin,
 * because "did not answer" often says something.
 */
import type { CategoricalColumn, FeatureColumn, NumericColumn } from "./dataset.js";

/** A bin of a feature; ranges include `lower` and exclude `upper` (null: unbounded). */
export type Bin =
  | { kind: "range"; lower: number | null; upper: number | null }
  | { kind: "levels"; levels: string[] }
  /** Levels too rare for a bin of their own, and any level first seen after training. */
  | { kind: "other"; levels: string[] }
  | { kind: "missing" };

export interface FeatureBins {
  feature: string;
  type: "numeric" | "categorical";
  bins: Bin[];
}

export interface BinningOptions {
  /** Numeric features start from this many bins of about equal size. Default 10. */
  maxBins?: number;
  /** A numeric bin has at least this many training rows. Default max(20, 5% of the rows). */
  minBinRows?: number;
  /** A level gets its own bin from this many training rows. Default max(10, 0.5% of the rows). */
  minLevelRows?: number;
  /** Merge numeric bins until the conversion rate is monotone. Default true. */
  monotone?: boolean;
}

/** Rows and converters of a run of adjacent values, the unit that merging works on. */
interface Run {
  firstValue: number;
  rows: number;
  converted: number;
}

const rateOf = (run: Run) => run.converted / run.rows;

function mergeInto(target: Run, source: Run): Run {
  return {
    firstValue: Math.min(target.firstValue, source.firstValue),
    rows: target.rows + source.rows,
    converted: target.converted + source.converted,
  };
}

/** Runs of equal values in ascending order (missing values left out). */
function distinctRuns(values: Float64Array, labels: Uint8Array): Run[] {
  const order = Array.from({ length: values.length }, (_, i) => i)
    .filter((i) => !Number.isNaN(values[i]))
    .sort((a, b) => values[a] - values[b]);
  const runs: Run[] = [];
  for (const i of order) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last.firstValue === values[i]) {
      last.rows++;
      last.converted += labels[i];
    } else runs.push({ firstValue: values[i], rows: 1, converted: labels[i] });
  }
  return runs;
}

/** Groups runs into about `bins` bins of equal size; a value never straddles two bins. */
function equalFrequency(runs: Run[], bins: number): Run[] {
  const total = runs.reduce((sum, run) => sum + run.rows, 0);
  const grouped: Run[] = [];
  let seen = 0;
  for (const run of runs) {
    const last = grouped[grouped.length - 1];
    const boundary = (grouped.length * total) / bins;
    if (last !== undefined && seen < boundary) grouped[grouped.length - 1] = mergeInto(last, run);
    else grouped.push({ ...run });
    seen += run.rows;
  }
  return grouped;
}

/** Merges the smallest bin under `minRows` into the neighbour with the closer rate, until none is left. */
function mergeSmall(bins: Run[], minRows: number): Run[] {
  const result = bins.slice();
  while (result.length > 1) {
    let smallest = -1;
    for (let k = 0; k < result.length; k++) {
      if (result[k].rows < minRows && (smallest < 0 || result[k].rows < result[smallest].rows)) smallest = k;
    }
    if (smallest < 0) break;
    const left = smallest - 1;
    const right = smallest + 1;
    const rate = rateOf(result[smallest]);
    const useLeft =
      right >= result.length ||
      (left >= 0 && Math.abs(rateOf(result[left]) - rate) <= Math.abs(rateOf(result[right]) - rate));
    const into = useLeft ? left : right;
    result[Math.min(into, smallest)] = mergeInto(result[into], result[smallest]);
    result.splice(Math.max(into, smallest), 1);
  }
  return result;
}

/** Pool-adjacent-violators: merges neighbours until rates never decrease (or never increase). */
function pool(bins: Run[], increasing: boolean): Run[] {
  const stack: Run[] = [];
  for (const bin of bins) {
    let current = { ...bin };
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const violates = increasing ? rateOf(top) > rateOf(current) : rateOf(top) < rateOf(current);
      if (!violates) break;
      current = mergeInto(stack.pop()!, current);
    }
    stack.push(current);
  }
  return stack;
}

/** Squared distance (weighted by rows) between the original bin rates and the pooled ones. */
function poolingError(bins: Run[], pooled: Run[]): number {
  let error = 0;
  let p = 0;
  for (const bin of bins) {
    while (p + 1 < pooled.length && pooled[p + 1].firstValue <= bin.firstValue) p++;
    error += bin.rows * (rateOf(bin) - rateOf(pooled[p])) ** 2;
  }
  return error;
}

/** The monotone direction that fits the bin rates better (smaller pooling error). */
function monotone(bins: Run[]): Run[] {
  const up = pool(bins, true);
  const down = pool(bins, false);
  return poolingError(bins, up) <= poolingError(bins, down) ? up : down;
}

function binNumeric(
  column: NumericColumn,
  labels: Uint8Array,
  options: Required<BinningOptions>,
): FeatureBins {
  let runs = distinctRuns(column.values, labels);
  if (runs.length > 0) {
    runs = mergeSmall(equalFrequency(runs, options.maxBins), options.minBinRows);
    if (options.monotone) runs = monotone(runs);
  }
  const bins: Bin[] = runs.map((run, k) => ({
    kind: "range",
    lower: k === 0 ? null : run.firstValue,
    upper: k + 1 < runs.length ? runs[k + 1].firstValue : null,
  }));
  if (bins.length === 0) bins.push({ kind: "range", lower: null, upper: null });
  bins.push({ kind: "missing" });
  return { feature: column.name, type: "numeric", bins };
}

function binCategorical(column: CategoricalColumn, minLevelRows: number): FeatureBins {
  const counts = new Int32Array(column.levels.length);
  for (const code of column.codes) if (code >= 0) counts[code]++;
  // Common levels by decreasing size (the order a reader expects), ties in level order.
  const common = column.levels
    .map((level, code) => ({ level, rows: counts[code] }))
    .filter((entry) => entry.rows >= minLevelRows)
    .sort((a, b) => b.rows - a.rows);
  const rare = column.levels.filter((_, code) => counts[code] > 0 && counts[code] < minLevelRows);
  const rareRows = rare.reduce((sum, level) => sum + counts[column.levels.indexOf(level)], 0);
  const bins: Bin[] = common.map((entry) => ({ kind: "levels", levels: [entry.level] }));
  if (rareRows >= minLevelRows || bins.length === 0) bins.push({ kind: "other", levels: rare });
  else {
    // Too few rows even together to say anything: the rare levels count as the most common one
    // ("X Education Forums: Yes" once in 7,000 leads), and only unseen levels go to "other".
    const first = bins[0] as { kind: "levels"; levels: string[] };
    first.levels.push(...rare);
    bins.push({ kind: "other", levels: [] });
  }
  bins.push({ kind: "missing" });
  return { feature: column.name, type: "categorical", bins };
}

export function resolveBinningOptions(rows: number, options: BinningOptions = {}): Required<BinningOptions> {
  return {
    maxBins: options.maxBins ?? 10,
    minBinRows: options.minBinRows ?? Math.max(20, Math.ceil(rows * 0.05)),
    minLevelRows: options.minLevelRows ?? Math.max(10, Math.ceil(rows * 0.005)),
    monotone: options.monotone ?? true,
  };
}

/** Bins one feature from its training rows and their labels. */
export function binFeature(
  column: FeatureColumn,
  labels: Uint8Array,
  options: BinningOptions = {},
): FeatureBins {
  const resolved = resolveBinningOptions(labels.length, options);
  return column.kind === "numeric"
    ? binNumeric(column, labels, resolved)
    : binCategorical(column, resolved.minLevelRows);
}

/** The bin of every row (an index into `bins.bins`). Unseen levels go to "other". */
export function assignBins(bins: FeatureBins, column: FeatureColumn): Int32Array {
  const assigned = new Int32Array(column.kind === "numeric" ? column.values.length : column.codes.length);
  const missing = bins.bins.findIndex((bin) => bin.kind === "missing");
  if (column.kind === "numeric") {
    const uppers = bins.bins.flatMap((bin) => (bin.kind === "range" ? [bin.upper ?? Infinity] : []));
    column.values.forEach((v, i) => {
      if (Number.isNaN(v)) assigned[i] = missing;
      else {
        let k = 0;
        while (v >= uppers[k]) k++;
        assigned[i] = k;
      }
    });
    return assigned;
  }
  const other = bins.bins.findIndex((bin) => bin.kind === "other");
  const byLevel = new Map<string, number>();
  bins.bins.forEach((bin, k) => {
    if (bin.kind === "levels") for (const level of bin.levels) byLevel.set(level, k);
  });
  const binOfCode = column.levels.map((level) => byLevel.get(level) ?? other);
  column.codes.forEach((code, i) => {
    assigned[i] = code < 0 ? missing : binOfCode[code];
  });
  return assigned;
}

/** A short text for a bin: "600 to < 900", "< 5", "Reference", "other levels", "missing". */
export function binLabel(bin: Bin): string {
  switch (bin.kind) {
    case "range":
      if (bin.lower === null && bin.upper === null) return "any value";
      if (bin.lower === null) return `< ${bin.upper}`;
      if (bin.upper === null) return `>= ${bin.lower}`;
      return `${bin.lower} to < ${bin.upper}`;
    case "levels":
      return bin.levels.join(", ");
    case "other":
      return bin.levels.length > 0 ? `other (${bin.levels.join(", ")})` : "other";
    case "missing":
      return "missing";
  }
}
