/**
 * Is a model's probability what it says, and if not, a fix: Platt scaling (a logistic
 * regression of the outcome on the log-odds of the probability) fitted on rows the model did
 * not learn from. The expected calibration error (ECE: the row-weighted gap between mean
 * prediction and observed rate over ten equal-width bins) is the figure shown to people.
 */
import { calibrationTable, logLoss } from "./metrics.js";

export type Calibration =
  | { method: "none"; rows: number; eceBefore: number; logLossBefore: number }
  | {
      method: "platt";
      /** probability' = sigmoid(a * logit(probability) + b) */
      a: number;
      b: number;
      rows: number;
      eceBefore: number;
      eceAfter: number;
      logLossBefore: number;
      logLossAfter: number;
    };

/** Platt scaling is kept only when it lowers the validation log loss by at least this share. */
export const PLATT_MIN_GAIN = 0.01;

const EPS = 1e-12;

function logit(p: number): number {
  const q = Math.min(Math.max(p, EPS), 1 - EPS);
  return Math.log(q / (1 - q));
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Expected calibration error over ten equal-width bins. */
export function expectedCalibrationError(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): number {
  const table = calibrationTable(probabilities, labels, 10, "uniform");
  let total = 0;
  for (const bin of table)
    if (bin.rows > 0) total += bin.rows * Math.abs(bin.meanPredicted - bin.observedRate);
  return probabilities.length > 0 ? total / probabilities.length : Number.NaN;
}

/** Fits (a, b) by Newton's method on the log-likelihood (two parameters, a tiny ridge for stability). */
export function fitPlatt(
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): { a: number; b: number } {
  let a = 1;
  let b = 0;
  const x = Float64Array.from(probabilities, logit);
  for (let iteration = 0; iteration < 50; iteration++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-6;
    let hab = 0;
    let hbb = 1e-6;
    for (let i = 0; i < x.length; i++) {
      const p = sigmoid(a * x[i] + b);
      const r = p - (labels[i] === 1 ? 1 : 0);
      const w = p * (1 - p);
      ga += r * x[i];
      gb += r;
      haa += w * x[i] * x[i];
      hab += w * x[i];
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

export function applyCalibration(calibration: Calibration, probability: number): number {
  if (calibration.method === "none") return probability;
  return sigmoid(calibration.a * logit(probability) + calibration.b);
}

/**
 * Checks the probabilities of rows the model did not learn from and decides: Platt scaling
 * when it lowers their log loss by PLATT_MIN_GAIN or more, none otherwise.
 */
export function chooseCalibration(probabilities: Float64Array, labels: ArrayLike<number>): Calibration {
  const eceBefore = expectedCalibrationError(probabilities, labels);
  const logLossBefore = logLoss(probabilities, labels);
  const none: Calibration = { method: "none", rows: probabilities.length, eceBefore, logLossBefore };
  if (probabilities.length < 50) return none;
  const { a, b } = fitPlatt(probabilities, labels);
  const after = probabilities.map((p) => sigmoid(a * logit(p) + b));
  const logLossAfter = logLoss(after, labels);
  if (!(logLossAfter < logLossBefore * (1 - PLATT_MIN_GAIN))) return none;
  const eceAfter = expectedCalibrationError(after, labels);
  return {
    method: "platt",
    a,
    b,
    rows: probabilities.length,
    eceBefore,
    eceAfter,
    logLossBefore,
    logLossAfter,
  };
}

/** Points of the ROC curve (false positive rate, true positive rate), one per distinct score. */
export function rocCurve(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
): { fpr: number[]; tpr: number[] } {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((i, j) => scores[j] - scores[i]);
  let positives = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) positives++;
  const negatives = labels.length - positives;
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; k++) {
    if (labels[order[k]] === 1) tp++;
    else fp++;
    const last = k === order.length - 1 || scores[order[k + 1]] !== scores[order[k]];
    if (last) {
      fpr.push(negatives > 0 ? fp / negatives : 0);
      tpr.push(positives > 0 ? tp / positives : 0);
    }
  }
  return thin(fpr, tpr, 200);
}

/** At most about `most` points, keeping the curve's shape (for a small report). */
function thin(fpr: number[], tpr: number[], most: number): { fpr: number[]; tpr: number[] } {
  if (fpr.length <= most) return { fpr, tpr };
  const step = fpr.length / most;
  const keep: number[] = [];
  for (let k = 0; k < most; k++) keep.push(Math.floor(k * step));
  keep.push(fpr.length - 1);
  return { fpr: keep.map((k) => round4(fpr[k])), tpr: keep.map((k) => round4(tpr[k])) };
}

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
