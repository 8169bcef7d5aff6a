/**
 * The best split of a node, read off its histogram. The gain of a split is the decrease of the
 * second-order approximation of the loss, G_L^2/(H_L+l2) + G_R^2/(H_R+l2) - G*v with v the
 * node's value (scikit-learn's formula; its root has v = 0). A numeric feature is scanned from
 * the left with missing values going right and, if the node's training table has missing
 * values for it, from the right with missing values going left: the missing values learn
 * their side. A categorical feature orders its categories (missing as one more) by
 * gradient / (hessian + 10) and scans that order from both ends up to the middle, Fisher's
 * grouping as scikit-learn and LightGBM do; categories with under 10 rows always go right.
 */

import { MISSING_BIN } from "./binning.js";
import { BIN_STRIDE, FEATURE_STRIDE } from "./histogram.js";
import { MIN_HESSIAN_TO_SPLIT } from "./options.js";

/** scikit-learn's MIN_CAT_SUPPORT (LightGBM's cat_smooth). */
const MIN_CATEGORY_SUPPORT = 10;

export interface SplitContext {
  binsNonMissing: Int32Array;
  /** 1 when the training rows hold a missing value for the feature. */
  hasMissing: Uint8Array;
  isCategorical: Uint8Array;
  minSamplesLeaf: number;
  l2Regularization: number;
}

export interface SplitInfo {
  /** -1 when no split satisfies the constraints. */
  gain: number;
  feature: number;
  /** Numeric splits: bins <= bin go left. */
  bin: number;
  missingLeft: boolean;
  categorical: boolean;
  /** Categorical splits: 1 for the bins (the missing bin included) going left. */
  leftBins: Uint8Array;
  gradientLeft: number;
  hessianLeft: number;
  rowsLeft: number;
  gradientRight: number;
  hessianRight: number;
  rowsRight: number;
}

export function emptySplit(): SplitInfo {
  return {
    gain: -1,
    feature: -1,
    bin: 0,
    missingLeft: false,
    categorical: false,
    leftBins: new Uint8Array(256),
    gradientLeft: 0,
    hessianLeft: 0,
    rowsLeft: 0,
    gradientRight: 0,
    hessianRight: 0,
    rowsRight: 0,
  };
}

function copySplit(from: SplitInfo, to: SplitInfo): void {
  to.gain = from.gain;
  to.feature = from.feature;
  to.bin = from.bin;
  to.missingLeft = from.missingLeft;
  to.categorical = from.categorical;
  to.leftBins.set(from.leftBins);
  to.gradientLeft = from.gradientLeft;
  to.hessianLeft = from.hessianLeft;
  to.rowsLeft = from.rowsLeft;
  to.gradientRight = from.gradientRight;
  to.hessianRight = from.hessianRight;
  to.rowsRight = from.rowsRight;
}

/** Newton step of a node: -G / (H + l2), the tiny term guarding against H = 0. */
export function nodeValue(gradient: number, hessian: number, l2: number): number {
  return -gradient / (hessian + l2 + 1e-15);
}

/** The statistics of the node being split. */
export interface NodeTotals {
  rows: number;
  gradient: number;
  hessian: number;
  value: number;
}

function record(
  out: SplitInfo,
  gain: number,
  node: NodeTotals,
  gradientLeft: number,
  hessianLeft: number,
  rowsLeft: number,
): void {
  out.gain = gain;
  out.gradientLeft = gradientLeft;
  out.hessianLeft = hessianLeft;
  out.rowsLeft = rowsLeft;
  out.gradientRight = node.gradient - gradientLeft;
  out.hessianRight = node.hessian - hessianLeft;
  out.rowsRight = node.rows - rowsLeft;
}

/** Present bins 0..bin go left; missing values go right (and alone, at the last present bin). */
function scanFromLeft(
  h: Float64Array,
  base: number,
  f: number,
  node: NodeTotals,
  ctx: SplitContext,
  out: SplitInfo,
) {
  const end = ctx.binsNonMissing[f] - 1 + ctx.hasMissing[f];
  const l2 = ctx.l2Regularization;
  const currentLoss = node.gradient * node.value;
  let g = 0;
  let hs = 0;
  let n = 0;
  for (let bin = 0; bin < end; bin++) {
    const k = base + bin * BIN_STRIDE;
    g += h[k];
    hs += h[k + 1];
    n += h[k + 2];
    if (n < ctx.minSamplesLeaf) continue;
    if (node.rows - n < ctx.minSamplesLeaf) break;
    const hr = node.hessian - hs;
    if (hs < MIN_HESSIAN_TO_SPLIT) continue;
    if (hr < MIN_HESSIAN_TO_SPLIT) break;
    const gr = node.gradient - g;
    const gain = currentLoss + (g * g) / (hs + l2 + 1e-15) + (gr * gr) / (hr + l2 + 1e-15);
    if (gain > out.gain && gain > 0) {
      record(out, gain, node, g, hs, n);
      out.bin = bin;
      out.missingLeft = false;
    }
  }
}

/** Present bins above `bin` go right, missing values left; only useful when there are some. */
function scanFromRight(
  h: Float64Array,
  base: number,
  f: number,
  node: NodeTotals,
  ctx: SplitContext,
  out: SplitInfo,
) {
  const l2 = ctx.l2Regularization;
  const currentLoss = node.gradient * node.value;
  let g = 0;
  let hs = 0;
  let n = 0;
  for (let bin = ctx.binsNonMissing[f] - 2; bin >= 0; bin--) {
    const k = base + (bin + 1) * BIN_STRIDE;
    g += h[k];
    hs += h[k + 1];
    n += h[k + 2];
    if (n < ctx.minSamplesLeaf) continue;
    if (node.rows - n < ctx.minSamplesLeaf) break;
    const hl = node.hessian - hs;
    if (hs < MIN_HESSIAN_TO_SPLIT) continue;
    if (hl < MIN_HESSIAN_TO_SPLIT) break;
    const gl = node.gradient - g;
    const gain = currentLoss + (gl * gl) / (hl + l2 + 1e-15) + (g * g) / (hs + l2 + 1e-15);
    if (gain > out.gain && gain > 0) {
      record(out, gain, node, gl, hl, node.rows - n);
      out.bin = bin;
      out.missingLeft = true;
    }
  }
}

/** Scratch for the categorical scan: used bins and their sort keys. */
const categoryBins = new Int32Array(257);
const categoryKeys = new Float64Array(257);
const categoryOrder: number[] = [];

function scanCategories(
  h: Float64Array,
  base: number,
  f: number,
  node: NodeTotals,
  ctx: SplitContext,
  out: SplitInfo,
) {
  const supportFactor = node.rows / node.hessian;
  let used = 0;
  const consider = (bin: number) => {
    const k = base + bin * BIN_STRIDE;
    if (h[k + 1] * supportFactor >= MIN_CATEGORY_SUPPORT) {
      categoryBins[used] = bin;
      categoryKeys[used] = h[k] / (h[k + 1] + MIN_CATEGORY_SUPPORT);
      used++;
    }
  };
  for (let bin = 0; bin < ctx.binsNonMissing[f]; bin++) consider(bin);
  if (ctx.hasMissing[f]) consider(MISSING_BIN);
  if (used <= 1) return;
  categoryOrder.length = used;
  for (let i = 0; i < used; i++) categoryOrder[i] = i;
  // Ties keep bin order, so the result does not depend on the sort algorithm.
  categoryOrder.sort((a, b) => categoryKeys[a] - categoryKeys[b] || a - b);

  const l2 = ctx.l2Regularization;
  const currentLoss = node.gradient * node.value;
  let bestEnd = -1;
  let bestDirection = 0;
  for (const direction of [1, -1]) {
    const middle = direction === 1 ? (used + 1) >> 1 : ((used + 1) >> 1) - 1;
    let g = 0;
    let hs = 0;
    let n = 0;
    for (let i = 0; i < middle; i++) {
      const sorted = direction === 1 ? i : used - 1 - i;
      const k = base + categoryBins[categoryOrder[sorted]] * BIN_STRIDE;
      g += h[k];
      hs += h[k + 1];
      n += h[k + 2];
      const hr = node.hessian - hs;
      if (n < ctx.minSamplesLeaf || hs < MIN_HESSIAN_TO_SPLIT) continue;
      if (node.rows - n < ctx.minSamplesLeaf || hr < MIN_HESSIAN_TO_SPLIT) break;
      const gr = node.gradient - g;
      const gain = currentLoss + (g * g) / (hs + l2 + 1e-15) + (gr * gr) / (hr + l2 + 1e-15);
      if (gain > out.gain && gain > 0) {
        record(out, gain, node, g, hs, n);
        bestEnd = sorted;
        bestDirection = direction;
      }
    }
  }
  if (bestDirection === 0) return;
  out.leftBins.fill(0);
  const from = bestDirection === 1 ? 0 : bestEnd;
  const to = bestDirection === 1 ? bestEnd : used - 1;
  for (let s = from; s <= to; s++) out.leftBins[categoryBins[categoryOrder[s]]] = 1;
  out.bin = 0;
  out.missingLeft = out.leftBins[MISSING_BIN] === 1;
}

const candidate = emptySplit();

/** Writes the best split of the node over all features into `best` (gain -1 if none). */
export function findBestSplit(
  histogram: Float64Array,
  node: NodeTotals,
  ctx: SplitContext,
  best: SplitInfo,
): void {
  best.gain = -1;
  best.feature = -1;
  for (let f = 0; f < ctx.binsNonMissing.length; f++) {
    const base = f * FEATURE_STRIDE;
    candidate.gain = -1;
    candidate.feature = f;
    candidate.categorical = ctx.isCategorical[f] === 1;
    if (candidate.categorical) {
      scanCategories(histogram, base, f, node, ctx, candidate);
    } else {
      scanFromLeft(histogram, base, f, node, ctx, candidate);
      if (ctx.hasMissing[f]) scanFromRight(histogram, base, f, node, ctx, candidate);
    }
    // Strictly greater: on equal gains the first feature wins, as in scikit-learn.
    if (candidate.gain > best.gain) copySplit(candidate, best);
  }
}
