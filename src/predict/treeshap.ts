/**
 * Exact TreeSHAP for the boosted trees (Lundberg, Erion and Lee 2018, "Consistent
 * Individualized Feature Attribution for Tree Ensembles", Algorithm 2, path-dependent): for a
 * row, the Shapley value of each feature in the game whose value for a set S of known
 * features is the tree's expected output when only S is known, unknown splits being averaged
 * by the share of training rows that went each way. The contributions of a row add up to its
 * raw score (log-odds) minus the expected value, so every prediction is explained exactly.
 *
 * The recursion follows all root-to-leaf paths once, keeping for the current path the
 * features met, the fractions of "zero" (feature unknown: cover share) and "one" (feature
 * known: follows the row) paths, and the permutation weights; a feature met twice is unwound
 * first so it counts once. Cost per row: O(trees x leaves x depth^2).
 */

import type { Dataset } from "./dataset.js";
import type { GbdtModel } from "./gbdt/model.js";
import { type CompiledGbdt, compileGbdt, goesLeft, NODE_LEAF } from "./gbdt/predict.js";

export interface ShapValues {
  /** Expected raw score over the training rows (baseline plus each tree's cover-weighted mean). */
  expectedValue: number;
  features: number;
  rows: number;
  /** Row-major contributions in log-odds: values[row * features + feature]. */
  values: Float64Array;
}

/** Storage for the paths of every recursion level (level k starts where level k-1 ends). */
interface Paths {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
  /** 1/k for k up to the path length: weight updates multiply instead of dividing (faster). */
  inverse: Float64Array;
}

function allocatePaths(maxDepth: number): Paths {
  const levels = maxDepth + 2;
  const size = (levels * (levels + 1)) / 2 + levels;
  return {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
    inverse: Float64Array.from({ length: levels + 2 }, (_, k) => (k === 0 ? 0 : 1 / k)),
  };
}

/** Adds an element to the path at [start, start + depth] and updates the permutation weights. */
function extend(p: Paths, start: number, depth: number, zero: number, one: number, feature: number): void {
  const end = start + depth;
  p.feature[end] = feature;
  p.zero[end] = zero;
  p.one[end] = one;
  p.weight[end] = depth === 0 ? 1 : 0;
  const scale = p.inverse[depth + 1];
  const w = p.weight;
  for (let i = depth - 1; i >= 0; i--) {
    w[start + i + 1] += one * w[start + i] * (i + 1) * scale;
    w[start + i] = zero * w[start + i] * (depth - i) * scale;
  }
}

/** Removes element `index` from the path (the inverse of extend). */
function unwind(p: Paths, start: number, depth: number, index: number): void {
  const one = p.one[start + index];
  const zero = p.zero[start + index];
  let next = p.weight[start + depth];
  for (let i = depth - 1; i >= 0; i--) {
    if (one !== 0) {
      const previous = p.weight[start + i];
      p.weight[start + i] = (next * (depth + 1)) / ((i + 1) * one);
      next = previous - (p.weight[start + i] * zero * (depth - i)) / (depth + 1);
    } else {
      p.weight[start + i] = (p.weight[start + i] * (depth + 1)) / (zero * (depth - i));
    }
  }
  for (let i = index; i < depth; i++) {
    p.feature[start + i] = p.feature[start + i + 1];
    p.zero[start + i] = p.zero[start + i + 1];
    p.one[start + i] = p.one[start + i + 1];
  }
}

/** Total weight of the path with element `index` unwound, without changing the path. */
function unwoundSum(p: Paths, start: number, depth: number, index: number): number {
  const one = p.one[start + index];
  const zero = p.zero[start + index];
  const w = p.weight;
  const inverse = p.inverse;
  const scale = inverse[depth + 1];
  let total = 0;
  if (one !== 0) {
    const grow = (depth + 1) / one;
    let next = w[start + depth];
    for (let i = depth - 1; i >= 0; i--) {
      const share = next * grow * inverse[i + 1];
      total += share;
      next = w[start + i] - share * zero * (depth - i) * scale;
    }
  } else {
    const grow = (depth + 1) / zero;
    for (let i = depth - 1; i >= 0; i--) total += w[start + i] * grow * inverse[depth - i];
  }
  return total;
}

interface Walk {
  c: CompiledGbdt;
  row: number;
  paths: Paths;
  phi: Float64Array;
  offset: number;
}

function recurse(
  w: Walk,
  node: number,
  parentStart: number,
  depth: number,
  zero: number,
  one: number,
  feature: number,
): void {
  const { c, paths: p } = w;
  const start = parentStart + depth + 1;
  // Paths are short (tree depth + 1): a plain loop beats four copyWithin calls here.
  for (let i = 0; i <= depth; i++) {
    p.feature[start + i] = p.feature[parentStart + i];
    p.zero[start + i] = p.zero[parentStart + i];
    p.one[start + i] = p.one[parentStart + i];
    p.weight[start + i] = p.weight[parentStart + i];
  }
  extend(p, start, depth, zero, one, feature);

  if (c.kind[node] === NODE_LEAF) {
    const value = c.value[node];
    for (let i = 1; i <= depth; i++) {
      const weight = unwoundSum(p, start, depth, i);
      w.phi[w.offset + p.feature[start + i]] += weight * (p.one[start + i] - p.zero[start + i]) * value;
    }
    return;
  }
  const split = c.feature[node];
  const left = goesLeft(c, node, w.row);
  const hot = left ? c.left[node] : c.right[node];
  const cold = left ? c.right[node] : c.left[node];
  let incomingZero = 1;
  let incomingOne = 1;
  let d = depth;
  let index = 0;
  while (index <= d && p.feature[start + index] !== split) index++;
  if (index <= d) {
    incomingZero = p.zero[start + index];
    incomingOne = p.one[start + index];
    unwind(p, start, d, index);
    d -= 1;
  }
  const cover = c.cover[node];
  recurse(w, hot, start, d + 1, (c.cover[hot] / cover) * incomingZero, incomingOne, split);
  recurse(w, cold, start, d + 1, (c.cover[cold] / cover) * incomingZero, 0, split);
}

/** Each tree's expected output: its leaf values weighted by their share of training rows. */
export function expectedValue(c: CompiledGbdt): number {
  let total = c.baseline;
  for (let t = 0; t < c.roots.length; t++) {
    const end = t + 1 < c.roots.length ? c.roots[t + 1] : c.kind.length;
    const rootCover = c.cover[c.roots[t]];
    for (let node = c.roots[t]; node < end; node++) {
      if (c.kind[node] === NODE_LEAF) total += (c.cover[node] / rootCover) * c.value[node];
    }
  }
  return total;
}

/** TreeSHAP values of every row of a table the model was compiled against. */
export function treeShapCompiled(c: CompiledGbdt, rows: number): ShapValues {
  const phi = new Float64Array(rows * c.features);
  const w: Walk = { c, row: 0, paths: allocatePaths(c.maxDepth + 1), phi, offset: 0 };
  for (let row = 0; row < rows; row++) {
    w.row = row;
    w.offset = row * c.features;
    // The first level copies a dummy element from before the buffer's first path.
    for (let t = 0; t < c.roots.length; t++) recurse(w, c.roots[t], 0, 0, 1, 1, -1);
  }
  return { expectedValue: expectedValue(c), features: c.features, rows, values: phi };
}

/** TreeSHAP values (log-odds contributions per feature) of every row of `dataset`. */
export function treeShap(model: GbdtModel, dataset: Dataset): ShapValues {
  return treeShapCompiled(compileGbdt(model, dataset), dataset.rows);
}
