/**
 * How well a score ranks and predicts conversions, computed the way scikit-learn does so the
 * figures can be checked against it: ROC AUC (ties count half), average precision, Brier score,
 * log loss, conversion and lift per decile, and a reliability table. `evaluate` gathers them;
 * a rule-based 0-100 total gets the ranking metrics only, a probability gets all of them, so
 * both can be shown side by side on the same holdout.
 */

export type Scores = ArrayLike<number>;
/** 1 = converted, anything else = not. */
export type Labels = ArrayLike<number>;

function checkLengths(scores: Scores, labels: Labels): void {
  if (scores.length !== labels.length) {
    throw new RangeError(`${scores.length} scores but ${labels.length} labels; they must pair up`);
  }
}

/** Row indices by score, highest first; equal scores keep row order so every result is reproducible. */
function orderByScoreDescending(scores: Scores): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  return order.sort((a, b) => scores[b] - scores[a] || a - b);
}

/**
 * Area under the ROC curve: the chance that a random converter scores above a random
 * non-converter, a tie counting half (average ranks, as Mann-Whitney and scikit-learn's
 * roc_auc_score). NaN when the labels hold one class only, where it is undefined.
 */
export function rocAuc(scores: Scores, labels: Labels): number {
  checkLengths(scores, labels);
  const order = orderByScoreDescending(scores);
  const n = order.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  // Walk tie groups from the top: each positive beats the negatives below its group and
  // shares half of the negatives inside it.
  let negativesAbove = 0;
  let wins = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) groupPositives++;
      end++;
    }
    const groupNegatives = end - start - groupPositives;
    wins += groupPositives * (negatives - negativesAbove - groupNegatives + groupNegatives / 2);
    negativesAbove += groupNegatives;
    start = end;
  }
  return wins / (positives * negatives);
}

/**
 * Average precision (scikit-learn's average_precision_score): the precision at each distinct
 * score threshold, weighted by the recall gained there. The area under the precision-recall
 * curve without the optimistic interpolation of the trapezoid rule. NaN without converters.
 */
export function averagePrecision(scores: Scores, labels: Labels): number {
  checkLengths(scores, labels);
  const order = orderByScoreDescending(scores);
  const n = order.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  if (positives === 0) return Number.NaN;
  let truePositives = 0;
  let sum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    let groupPositives = 0;
    while (end < n && scores[order[end]] === scores[order[start]]) {
      if (labels[order[end]] === 1) groupPositives++;
      end++;
    }
    truePositives += groupPositives;
    sum += (groupPositives / positives) * (truePositives / end);
    start = end;
  }
  return sum;
}

/** Mean squared difference between the predicted probability and the outcome (0 is perfect). */
export function brierScore(probabilities: Scores, labels: Labels): number {
  checkLengths(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const diff = probabilities[i] - (labels[i] === 1 ? 1 : 0);
    sum += diff * diff;
  }
  return sum / probabilities.length;
}

/** The smallest double step above 1: scikit-learn clips probabilities to [eps, 1 - eps] with it. */
export const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/** Mean negative log-likelihood of the outcomes, probabilities clipped as scikit-learn's log_loss. */
export function logLoss(probabilities: Scores, labels: Labels): number {
  checkLengths(probabilities, labels);
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = Math.min(Math.max(probabilities[i], LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    sum -= labels[i] === 1 ? Math.log(p) : Math.log(1 - p);
  }
  return sum / probabilities.length;
}

export interface Decile {
  /** 1 = the top 10% by score. */
  decile: number;
  rows: number;
  converted: number;
  conversionRate: number;
  /** Conversion rate of the decile over the overall rate: 3 means three times as likely. */
  lift: number;
  /** Share of all converters found in this decile and the ones above it. */
  cumulativeCapture: number;
  /** Conversion rate of this decile and the ones above it, over the overall rate. */
  cumulativeLift: number;
  minScore: number;
  maxScore: number;
}

/**
 * Rows sorted by score (highest first, equal scores in row order) and cut into ten groups of
 * equal size, give or take one row. Equal scores can straddle a cut (a 0-100 rule total has
 * many ties); `minScore` and `maxScore` show where that happens.
 */
export function deciles(scores: Scores, labels: Labels): Decile[] {
  checkLengths(scores, labels);
  const order = orderByScoreDescending(scores);
  const n = order.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const overallRate = positives / n;
  const result: Decile[] = [];
  let cumulativeRows = 0;
  let cumulativeConverted = 0;
  for (let d = 0; d < 10; d++) {
    const start = Math.floor((d * n) / 10);
    const end = Math.floor(((d + 1) * n) / 10);
    let converted = 0;
    for (let k = start; k < end; k++) if (labels[order[k]] === 1) converted++;
    const rows = end - start;
    cumulativeRows += rows;
    cumulativeConverted += converted;
    const conversionRate = rows > 0 ? converted / rows : Number.NaN;
    result.push({
      decile: d + 1,
      rows,
      converted,
      conversionRate,
      lift: conversionRate / overallRate,
      cumulativeCapture: cumulativeConverted / positives,
      cumulativeLift: cumulativeConverted / cumulativeRows / overallRate,
      minScore: rows > 0 ? scores[order[end - 1]] : Number.NaN,
      maxScore: rows > 0 ? scores[order[start]] : Number.NaN,
    });
  }
  return result;
}

export interface CalibrationBin {
  /** Bin edges: a bin holds the probabilities above `lower` up to and including `upper` (the first bin holds `lower` too). */
  lower: number;
  upper: number;
  rows: number;
  meanPredicted: number;
  observedRate: number;
}

export type CalibrationStrategy = "uniform" | "quantile";

/** The q-th quantile (0..1) of sorted values, interpolated linearly as numpy's percentile. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Bin edges as scikit-learn's calibration_curve draws them. */
function calibrationEdges(probabilities: Scores, bins: number, strategy: CalibrationStrategy): Float64Array {
  const edges = new Float64Array(bins + 1);
  if (strategy === "uniform") {
    // i * (1 / bins), not i / bins: numpy's linspace multiplies by the step, and a probability
    // lying exactly on an edge must fall in the same bin as there.
    const step = 1 / bins;
    for (let b = 0; b < bins; b++) edges[b] = b * step;
    edges[bins] = 1;
    return edges;
  }
  const sorted = Float64Array.from(probabilities).sort();
  for (let b = 0; b <= bins; b++) edges[b] = quantileOfSorted(sorted, b / bins);
  return edges;
}

/**
 * Reliability table: predicted probabilities grouped into bins, each with its mean prediction
 * and the conversion rate observed in it. A calibrated model has the two close in every bin.
 * A probability falls in the first bin whose upper edge is at or above it (as calibration_curve
 * does); empty bins are kept with 0 rows and NaN means so the table always has `bins` lines.
 */
export function calibrationTable(
  probabilities: Scores,
  labels: Labels,
  bins = 10,
  strategy: CalibrationStrategy = "uniform",
): CalibrationBin[] {
  checkLengths(probabilities, labels);
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const edges = calibrationEdges(probabilities, bins, strategy);
  const rows = new Float64Array(bins);
  const predicted = new Float64Array(bins);
  const converted = new Float64Array(bins);
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    let b = 0;
    while (b < bins - 1 && p > edges[b + 1]) b++;
    rows[b]++;
    predicted[b] += p;
    if (labels[i] === 1) converted[b]++;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lower: edges[b],
    upper: edges[b + 1],
    rows: rows[b],
    meanPredicted: rows[b] > 0 ? predicted[b] / rows[b] : Number.NaN,
    observedRate: rows[b] > 0 ? converted[b] / rows[b] : Number.NaN,
  }));
}

export interface Evaluation {
  rows: number;
  converted: number;
  rocAuc: number;
  prAuc: number;
  deciles: Decile[];
  /** Only when the scores are probabilities. */
  brier?: number;
  logLoss?: number;
  calibration?: CalibrationBin[];
}

export interface EvaluateOptions {
  /** The scores are probabilities in [0, 1] (default false: a ranking score such as a rule total). */
  probabilities?: boolean;
  calibrationBins?: number;
  calibrationStrategy?: CalibrationStrategy;
}

/** Every metric that applies to these scores, on one holdout. */
export function evaluate(scores: Scores, labels: Labels, options: EvaluateOptions = {}): Evaluation {
  checkLengths(scores, labels);
  let converted = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) converted++;
  const evaluation: Evaluation = {
    rows: scores.length,
    converted,
    rocAuc: rocAuc(scores, labels),
    prAuc: averagePrecision(scores, labels),
    deciles: deciles(scores, labels),
  };
  if (options.probabilities === true) {
    for (let i = 0; i < scores.length; i++) {
      if (!(scores[i] >= 0 && scores[i] <= 1)) {
        throw new RangeError(`score ${i} is ${scores[i]}, not a probability in [0, 1]`);
      }
    }
    evaluation.brier = brierScore(scores, labels);
    evaluation.logLoss = logLoss(scores, labels);
    evaluation.calibration = calibrationTable(
      scores,
      labels,
      options.calibrationBins ?? 10,
      options.calibrationStrategy ?? "uniform",
    );
  }
  return evaluation;
}
