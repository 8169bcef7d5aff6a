/**
 * L2-regularised logistic regression, solved by Newton's method (iteratively reweighted least
 * squares) with a Cholesky solve: a handful of exact steps, no learning rate, no randomness, so
 * the same rows always give the same coefficients. It minimises
 *   sum_i logloss(y_i, sigmoid(b + x_i . w)) + (l2 / 2) * |w|^2
 * with the intercept b not penalised: scikit-learn's LogisticRegression(penalty="l2", C=1/l2).
 */
import type { Dataset } from "./dataset.js";
import { buildDesign, type DesignMatrix, type DesignSpec, fitDesign } from "./design.js";

export interface LogisticOptions {
  /** Penalty on the squared weights, relative to the summed log loss (scikit-learn's 1/C). Default 1. */
  l2?: number;
  /** Default 100; Newton usually needs fewer than 15. */
  maxIterations?: number;
  /** Stop when no parameter moves by more than this in a step. Default 1e-10. */
  tolerance?: number;
}

export interface LogisticFit {
  intercept: number;
  /** One weight per design column. */
  coefficients: Float64Array;
  iterations: number;
  converged: boolean;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Linear predictor b + x_i . w of every row. */
export function linearPredictor(
  x: DesignMatrix,
  intercept: number,
  coefficients: ArrayLike<number>,
): Float64Array {
  const eta = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let sum = intercept;
    const offset = i * x.cols;
    for (let j = 0; j < x.cols; j++) sum += x.values[offset + j] * coefficients[j];
    eta[i] = sum;
  }
  return eta;
}

function objective(x: DesignMatrix, y: Uint8Array, theta: Float64Array, l2: number): number {
  const eta = linearPredictor(x, theta[0], theta.subarray(1));
  let loss = 0;
  for (let i = 0; i < x.rows; i++) loss += softplus(eta[i]) - (y[i] === 1 ? eta[i] : 0);
  let squares = 0;
  for (let j = 1; j < theta.length; j++) squares += theta[j] * theta[j];
  return loss + (l2 / 2) * squares;
}

/**
 * Gradient and Hessian (lower triangle, packed square) of the objective at theta, where
 * parameter 0 is the intercept. Zero design entries are skipped: one-hot columns are sparse.
 */
function gradientAndHessian(x: DesignMatrix, y: Uint8Array, theta: Float64Array, l2: number) {
  const p = x.cols + 1;
  const gradient = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  const eta = linearPredictor(x, theta[0], theta.subarray(1));
  const row = new Float64Array(p);
  const nonZero = new Int32Array(p);
  for (let i = 0; i < x.rows; i++) {
    const prob = sigmoid(eta[i]);
    const residual = prob - (y[i] === 1 ? 1 : 0);
    const weight = prob * (1 - prob);
    row[0] = 1;
    nonZero[0] = 0;
    let count = 1;
    for (let j = 0; j < x.cols; j++) {
      const v = x.values[i * x.cols + j];
      if (v === 0) continue;
      row[j + 1] = v;
      nonZero[count++] = j + 1;
    }
    for (let a = 0; a < count; a++) {
      const ja = nonZero[a];
      gradient[ja] += residual * row[ja];
      const wa = weight * row[ja];
      for (let b = 0; b <= a; b++) hessian[ja * p + nonZero[b]] += wa * row[nonZero[b]];
    }
  }
  for (let j = 1; j < p; j++) {
    gradient[j] += l2 * theta[j];
    hessian[j * p + j] += l2;
  }
  return { gradient, hessian };
}

/**
 * Solves A z = b for a symmetric positive definite A given by its lower triangle (row-major
 * p x p), in place of a copy. Throws when A is not positive definite.
 */
export function choleskySolve(lower: Float64Array, p: number, b: Float64Array): Float64Array {
  const l = Float64Array.from(lower);
  for (let j = 0; j < p; j++) {
    let diagonal = l[j * p + j];
    for (let k = 0; k < j; k++) diagonal -= l[j * p + k] * l[j * p + k];
    if (!(diagonal > 0)) {
      throw new RangeError(
        "the system is not positive definite (columns that are exact copies and no L2 penalty?); use l2 > 0",
      );
    }
    const root = Math.sqrt(diagonal);
    l[j * p + j] = root;
    for (let i = j + 1; i < p; i++) {
      let sum = l[i * p + j];
      for (let k = 0; k < j; k++) sum -= l[i * p + k] * l[j * p + k];
      l[i * p + j] = sum / root;
    }
  }
  const z = Float64Array.from(b);
  for (let i = 0; i < p; i++) {
    for (let k = 0; k < i; k++) z[i] -= l[i * p + k] * z[k];
    z[i] /= l[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    for (let k = i + 1; k < p; k++) z[i] -= l[k * p + i] * z[k];
    z[i] /= l[i * p + i];
  }
  return z;
}

/** Fits the weights of every design column and the intercept to 0/1 labels. */
export function fitLogisticMatrix(
  x: DesignMatrix,
  labels: Uint8Array,
  options: LogisticOptions = {},
): LogisticFit {
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  if (!(l2 >= 0)) throw new RangeError(`l2 must be zero or positive, got ${l2}`);
  if (labels.length !== x.rows) throw new RangeError(`${x.rows} rows but ${labels.length} labels`);
  const theta = new Float64Array(x.cols + 1);
  let positives = 0;
  for (const label of labels) if (label === 1) positives++;
  // Start from the base rate: the first Newton step then only has to find the slopes.
  const rate = Math.min(Math.max(positives / Math.max(x.rows, 1), 1e-6), 1 - 1e-6);
  theta[0] = Math.log(rate / (1 - rate));
  let current = objective(x, labels, theta, l2);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const { gradient, hessian } = gradientAndHessian(x, labels, theta, l2);
    const step = choleskySolve(hessian, x.cols + 1, gradient);
    // Halve the step until the objective does not increase: Newton from far away can overshoot.
    let scale = 1;
    let candidate = theta.map((t, j) => t - step[j]);
    let value = objective(x, labels, candidate, l2);
    while (value > current && scale > 1e-10) {
      scale /= 2;
      candidate = theta.map((t, j) => t - scale * step[j]);
      value = objective(x, labels, candidate, l2);
    }
    let largestMove = 0;
    for (let j = 0; j < theta.length; j++)
      largestMove = Math.max(largestMove, Math.abs(candidate[j] - theta[j]));
    theta.set(candidate);
    current = value;
    if (largestMove < tolerance) {
      return { intercept: theta[0], coefficients: theta.slice(1), iterations: iteration, converged: true };
    }
  }
  return { intercept: theta[0], coefficients: theta.slice(1), iterations: maxIterations, converged: false };
}

/** A fitted model: the design recipe and one weight per design column, plain JSON once serialised. */
export interface LogisticModel {
  kind: "logistic";
  l2: number;
  design: DesignSpec;
  intercept: number;
  coefficients: number[];
  /** Design column names, in the order of `coefficients`. */
  names: string[];
  iterations: number;
  converged: boolean;
}

/** Fits a logistic regression on a labelled Dataset (standardised numerics, one-hot categoricals). */
export function fitLogistic(train: Dataset, options: LogisticOptions = {}): LogisticModel {
  if (train.label === undefined) throw new RangeError("the training rows have no label column");
  const design = fitDesign(train);
  const x = buildDesign(design, train);
  const fit = fitLogisticMatrix(x, train.label, options);
  return {
    kind: "logistic",
    l2: options.l2 ?? 1,
    design,
    intercept: fit.intercept,
    coefficients: Array.from(fit.coefficients),
    names: x.names,
    iterations: fit.iterations,
    converged: fit.converged,
  };
}

/** Probability of converting for every row. */
export function predictLogistic(model: LogisticModel, dataset: Dataset): Float64Array {
  const eta = linearPredictor(buildDesign(model.design, dataset), model.intercept, model.coefficients);
  return eta.map(sigmoid);
}
