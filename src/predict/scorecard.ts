/**
 * The scorecard: the bridge from predictive to manual scoring. Every feature is binned, a
 * regularised logistic regression learns one weight per bin (one-hot bins, the largest bin of
 * each feature as its reference), and the weights
 * become integer points a marketer can read and edit:
 *
 * - Per feature, the bin with the lowest weight gets 0 points; every other bin gets points
 *   proportional to how much its weight adds to the log-odds of converting.
 * - One factor (`pointsPerLogit`) is used for all features, chosen so that the best possible
 *   lead scores exactly 100 and the worst 0. So 10 points mean the same gain in log-odds
 *   wherever they come from, and a total is comparable with a rule-based 0-100 score.
 * - Points are rounded to integers (each feature's maximum by largest remainder so the maxima
 *   still add up to 100). Rounding moves a lead's total by less than one point per feature,
 *   and ties leads the exact model would separate; `scoreWithScorecard` returns the exact
 *   totals too so the loss can be measured (ROC AUC of both on a holdout).
 * - A total maps back to a probability by a one-feature logistic regression of the training
 *   labels on the integer totals (so the mapping accounts for the rounding).
 */
import { assignBins, type Bin, type BinningOptions, binFeature, binLabel } from "./binning.js";
import type { Dataset, FeatureColumn } from "./dataset.js";
import { type DesignMatrix, featureByName } from "./design.js";
import { fitLogisticMatrix, sigmoid } from "./logistic.js";

export type ScorecardBin = Bin & {
  label: string;
  /** Integer points of the bin on the 0-100 scale. */
  points: number;
  /** The bin's weight in the fitted logistic regression (log-odds). */
  weight: number;
  /** Training rows in the bin, and how many converted. */
  rows: number;
  converted: number;
};

export interface ScorecardFeature {
  feature: string;
  type: "numeric" | "categorical";
  bins: ScorecardBin[];
  /** The most points this feature gives (its least favourable bin gives 0). */
  maxPoints: number;
}

export interface Scorecard {
  kind: "scorecard";
  version: 1;
  features: ScorecardFeature[];
  /** Exact model: log-odds = logOddsAtZero + exactTotal / pointsPerLogit. */
  scaling: { pointsPerLogit: number; logOddsAtZero: number };
  /** probability(total) = sigmoid(intercept + slope * total), fitted on the integer training totals. */
  probability: { intercept: number; slope: number };
  l2: number;
  trainingRows: number;
  trainingConverted: number;
}

export interface ScorecardOptions extends BinningOptions {
  /** L2 penalty of the logistic regression on the one-hot bins (scikit-learn's 1/C). Default 1. */
  l2?: number;
}

interface BinnedFeature {
  feature: string;
  type: "numeric" | "categorical";
  bins: Bin[];
  assigned: Int32Array;
}

/**
 * The largest bin of each feature is its reference: it has no column (weight 0) and the other
 * bins' weights say how they differ from it. With the L2 penalty, a bin with few rows is then
 * pulled toward the common case, instead of getting a large weight from a handful of leads.
 */
function referenceBins(binned: BinnedFeature[], counts: { rows: Int32Array }[]): number[] {
  return binned.map((_, k) => {
    const rows = counts[k].rows;
    let largest = 0;
    for (let b = 1; b < rows.length; b++) if (rows[b] > rows[largest]) largest = b;
    return largest;
  });
}

/** One-hot matrix of the bins: one column per bin of every feature but the reference bins. */
function binMatrix(binned: BinnedFeature[], references: number[], rows: number): DesignMatrix {
  const offsets: number[] = [];
  let cols = 0;
  for (const f of binned) {
    offsets.push(cols);
    cols += f.bins.length - 1;
  }
  const values = new Float64Array(rows * cols);
  binned.forEach((f, k) => {
    for (let i = 0; i < rows; i++) {
      const bin = f.assigned[i];
      if (bin !== references[k]) values[i * cols + offsets[k] + (bin < references[k] ? bin : bin - 1)] = 1;
    }
  });
  const names = binned.flatMap((f, k) =>
    f.bins.filter((_, b) => b !== references[k]).map((bin) => `${f.feature}=${binLabel(bin)}`),
  );
  return { rows, cols, values, names };
}

/**
 * Rounds each feature's range of points to integers that still add up to `total`
 * (largest remainder): the best lead keeps exactly `total` points.
 */
function roundedMaxima(ranges: number[], total: number): number[] {
  const floors = ranges.map(Math.floor);
  let missing = total - floors.reduce((a, b) => a + b, 0);
  const byRemainder = ranges
    .map((_, k) => k)
    .sort((a, b) => ranges[b] - floors[b] - (ranges[a] - floors[a]) || a - b);
  for (const k of byRemainder) {
    if (missing <= 0) break;
    floors[k]++;
    missing--;
  }
  return floors;
}

/** Rows and converters per bin of one feature. */
function binCounts(f: BinnedFeature, labels: Uint8Array) {
  const rows = new Int32Array(f.bins.length);
  const converted = new Int32Array(f.bins.length);
  f.assigned.forEach((bin, i) => {
    rows[bin]++;
    converted[bin] += labels[i];
  });
  return { rows, converted };
}

/**
 * The fitted weights of one feature's bins. A bin no training row fell in (a missing value or a
 * new level never seen in training) has no evidence; it gets the feature's average weight over
 * the training rows, so it scores like an average lead instead of at either end of the scale.
 */
function featureWeights(
  coefficients: Float64Array,
  offset: number,
  reference: number,
  rows: Int32Array,
): number[] {
  const weights = Array.from(coefficients.subarray(offset, offset + rows.length - 1));
  weights.splice(reference, 0, 0);
  let sum = 0;
  let count = 0;
  weights.forEach((w, b) => {
    sum += w * rows[b];
    count += rows[b];
  });
  return weights.map((w, b) => (rows[b] > 0 ? w : count > 0 ? sum / count : 0));
}

interface BinWeights {
  binned: BinnedFeature[];
  counts: { rows: Int32Array; converted: Int32Array }[];
  /** weights[f][b]: log-odds weight of bin b of feature f (reference bins 0). */
  weights: number[][];
  intercept: number;
}

/** Bins every feature and fits the logistic regression on the one-hot bins. */
function fitBinWeights(train: Dataset, labels: Uint8Array, options: ScorecardOptions): BinWeights {
  const binned: BinnedFeature[] = train.features.map((column) => {
    const { feature, type, bins } = binFeature(column, labels, options);
    return { feature, type, bins, assigned: assignBins({ feature, type, bins }, column) };
  });
  const counts = binned.map((f) => binCounts(f, labels));
  const references = referenceBins(binned, counts);
  const fit = fitLogisticMatrix(binMatrix(binned, references, train.rows), labels, { l2: options.l2 ?? 1 });
  let offset = 0;
  const weights = binned.map((f, k) => {
    const w = featureWeights(fit.coefficients, offset, references[k], counts[k].rows);
    offset += f.bins.length - 1;
    return w;
  });
  return { binned, counts, weights, intercept: fit.intercept };
}

/** Fits a scorecard on labelled training rows. */
export function fitScorecard(train: Dataset, options: ScorecardOptions = {}): Scorecard {
  const labels = train.label;
  if (labels === undefined) throw new RangeError("the training rows have no label column");
  const { binned, counts, weights, intercept } = fitBinWeights(train, labels, options);
  const lowest = weights.map((w) => Math.min(...w));
  const ranges = weights.map((w, k) => Math.max(...w) - lowest[k]);
  const logitRange = ranges.reduce((a, b) => a + b, 0);
  if (!(logitRange > 0))
    throw new RangeError("no feature changes the predicted conversion: nothing to score");
  const pointsPerLogit = 100 / logitRange;
  const maxima = roundedMaxima(
    ranges.map((r) => r * pointsPerLogit),
    100,
  );
  const features = binned.map((f, k): ScorecardFeature => {
    const { rows, converted } = counts[k];
    const bins = f.bins.map((bin, b) => {
      const gain = weights[k][b] - lowest[k];
      // The best bin gets the feature's rounded maximum, the others the nearest integer (never above it).
      const points = gain === ranges[k] ? maxima[k] : Math.min(Math.round(gain * pointsPerLogit), maxima[k]);
      const label = binLabel(bin);
      return { ...bin, label, points, weight: weights[k][b], rows: rows[b], converted: converted[b] };
    });
    return { feature: f.feature, type: f.type, bins, maxPoints: maxima[k] };
  });
  const card: Scorecard = {
    kind: "scorecard",
    version: 1,
    features,
    scaling: { pointsPerLogit, logOddsAtZero: intercept + lowest.reduce((a, b) => a + b, 0) },
    probability: { intercept: 0, slope: 0 },
    l2: options.l2 ?? 1,
    trainingRows: train.rows,
    trainingConverted: labels.reduce((a, b) => a + b, 0),
  };
  card.probability = fitProbabilityMapping(scoreWithScorecard(card, train).totals, labels);
  return card;
}

/** probability = sigmoid(a + b * total), fitted without penalty on the training totals. */
function fitProbabilityMapping(totals: Float64Array, labels: Uint8Array): Scorecard["probability"] {
  const x: DesignMatrix = { rows: totals.length, cols: 1, values: totals, names: ["total"] };
  const fit = fitLogisticMatrix(x, labels, { l2: 0 });
  return { intercept: fit.intercept, slope: fit.coefficients[0] };
}

/** The probability of converting that a scorecard total stands for. */
export function scorecardProbability(card: Scorecard, total: number): number {
  return sigmoid(card.probability.intercept + card.probability.slope * total);
}

export interface ScorecardScores {
  /** Integer total on 0-100 of every row: the sum of its points. */
  totals: Float64Array;
  /** The same before rounding the points (the exact logistic model, rescaled to 0-100). */
  exactTotals: Float64Array;
  probabilities: Float64Array;
  /** points[f][i]: the points feature f (in card order) gives row i; the explanation of the total. */
  points: Int32Array[];
  /** bins[f][i]: the index of row i's bin in card.features[f].bins. */
  bins: Int32Array[];
}

function checkType(feature: ScorecardFeature, column: FeatureColumn): void {
  if (feature.type !== column.kind) {
    throw new RangeError(
      `column "${column.name}" is ${column.kind}, but the scorecard was trained on it as ${feature.type}`,
    );
  }
}

/** Scores rows with a scorecard: totals, probabilities and the points of every feature. */
export function scoreWithScorecard(card: Scorecard, dataset: Dataset): ScorecardScores {
  const totals = new Float64Array(dataset.rows);
  const exactTotals = new Float64Array(dataset.rows);
  const points: Int32Array[] = [];
  const bins: Int32Array[] = [];
  for (const feature of card.features) {
    const column = featureByName(dataset, feature.feature);
    checkType(feature, column);
    const assigned = assignBins({ feature: feature.feature, type: feature.type, bins: feature.bins }, column);
    const lowest = Math.min(...feature.bins.map((bin) => bin.weight));
    const featurePoints = assigned.map((b) => feature.bins[b].points);
    assigned.forEach((b, i) => {
      totals[i] += feature.bins[b].points;
      exactTotals[i] += (feature.bins[b].weight - lowest) * card.scaling.pointsPerLogit;
    });
    points.push(featurePoints);
    bins.push(assigned);
  }
  const probabilities = totals.map((total) => scorecardProbability(card, total));
  return { totals, exactTotals, probabilities, points, bins };
}

export interface RowFactor {
  feature: string;
  bin: string;
  points: number;
  /** The feature's most points: how far this row is from its best bin. */
  maxPoints: number;
}

/** Why row i scored its total: the points of every feature, most points first. */
export function scorecardFactors(card: Scorecard, scores: ScorecardScores, row: number): RowFactor[] {
  return card.features
    .map((feature, f) => ({
      feature: feature.feature,
      bin: feature.bins[scores.bins[f][row]].label,
      points: scores.points[f][row],
      maxPoints: feature.maxPoints,
    }))
    .sort((a, b) => b.points - a.points || a.feature.localeCompare(b.feature));
}

export { scorecardToModel, scorecardToModelFile } from "./scorecard-model.js";
