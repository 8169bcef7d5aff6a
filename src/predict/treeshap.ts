/**
 * Exact TreeSHAP for the boosted trees (the path-dependent game of Lundberg, Erion and Lee
 * 2018, "Consistent Individualized Feature Attribution for Tree Ensembles"): for a row, the
 * Shapley value of each feature in the game whose value for a set S of known features is the
 * tree's expected output when only S is known, unknown splits being averaged by the share of
 * training rows that went each way. The contributions of a row add up to its raw score
 * (log-odds) minus the expected value, so every prediction is explained exactly.
 *
 * The game is a sum over leaves. For a leaf with value v whose path splits on d distinct
 * features, each feature j has a zero fraction z_j (cover share of its splits on the path) and
 * o_j = 1 if the row follows all of them, else 0; the leaf's game is v * prod(o_j for j in S)
 * * prod(z_j for j not in S). With U the features the row follows (u of them), Z the others:
 *   - every j in Z gets  -v * prod(z_Z) * sum_t c(u - t) e_t(z_U);
 *   - every j in U gets   v * (1 - z_j) * prod(z_Z) * sum_t c(u - 1 - t) e_t(z_U without j),
 * where c(s) = s! (d - 1 - s)! / d! and e_t are elementary symmetric polynomials. Computing
 * these per leaf from the paths listed once (gbdt/leaf-paths.ts) replaces Algorithm 2's
 * recursion, which re-extended the path at every node and unwound it for every feature at
 * every leaf, and each leaf's result is kept per pattern of followed features (see Memo).
 * Buffers are allocated once per call. Cost per row: O(trees x leaves x depth) when the
 * pattern was seen before, O(trees x leaves x depth^2) at worst.
 */

import type { Dataset } from "./dataset.js";
import { type LeafPaths, leafPaths } from "./gbdt/leaf-paths.js";
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

/** Shapley weights c(s) = s! (d - 1 - s)! / d!, at coefficients[d * stride + s]. */
function shapleyWeights(maxSlots: number): { coefficients: Float64Array; stride: number } {
  const stride = maxSlots + 1;
  const coefficients = new Float64Array(stride * stride);
  for (let d = 1; d <= maxSlots; d++) {
    // c(0) = 1/d, and c(s) / c(s - 1) = s / (d - s).
    let weight = 1 / d;
    for (let s = 0; s < d; s++) {
      coefficients[d * stride + s] = weight;
      weight *= (s + 1) / (d - s - 1);
    }
  }
  return { coefficients, stride };
}

/** Reused buffers: the row's decision at each node of a tree, and per-leaf working space. */
interface Scratch {
  decision: Uint8Array;
  follows: Uint8Array;
  /** Zero fractions of the followed features, and their slots. */
  zeroU: Float64Array;
  slotU: Int32Array;
  /** Elementary symmetric polynomials of zeroU, and of zeroU without one element. */
  e: Float64Array;
  f: Float64Array;
  /** The leaf's contribution to each of its slots. */
  out: Float64Array;
  coefficients: Float64Array;
  stride: number;
}

/**
 * A leaf's contributions depend only on which of its features the row follows: rows share
 * these patterns heavily (X Education, 100 trees: 190,679 distinct leaf-pattern pairs for
 * 28.6 million), so each pair is computed once and then looked up (Yang 2021, "Fast TreeSHAP",
 * precomputes them all; computing on first use skips the patterns no row has). Rows are
 * explained one tree at a time so that one tree's tables stay in cache. Bounded: leaves with
 * more than MEMO_MAX_SLOTS features, or past the budgets, are computed every time.
 */
interface Memo {
  /** Per leaf, where its table of 2^d pattern entries starts in `index`, or -1 if none. */
  tableStart: Int32Array;
  /** Offset in `store` of a pattern's d contributions, or -1 until computed (current tree). */
  index: Int32Array;
  store: Float64Array;
  used: number;
}

const MEMO_MAX_SLOTS = 12;
const MEMO_MAX_PATTERNS = 1 << 18;
const MEMO_MAX_STORED = 1 << 21;

/** Tables for the leaves of each tree, numbered from 0 within the tree. */
function memoFor(p: LeafPaths, maxSlots: number): Memo {
  const leaves = p.leafValue.length;
  const tableStart = new Int32Array(leaves).fill(-1);
  let most = 0;
  for (let t = 0; t + 1 < p.leafStart.length; t++) {
    let patterns = 0;
    for (let l = p.leafStart[t]; l < p.leafStart[t + 1]; l++) {
      const d = p.slotStart[l + 1] - p.slotStart[l];
      if (d === 0 || d > maxSlots || patterns + (1 << d) > MEMO_MAX_PATTERNS) continue;
      tableStart[l] = patterns;
      patterns += 1 << d;
    }
    most = Math.max(most, patterns);
  }
  return { tableStart, index: new Int32Array(most), store: new Float64Array(1 << 12), used: 0 };
}

/** Fills s.out[0, d) with leaf l's contribution to each slot, given s.follows. */
function leafContributions(p: LeafPaths, l: number, s: Scratch): void {
  const first = p.slotStart[l];
  const d = p.slotStart[l + 1] - first;
  const { follows, zeroU, slotU, e, f, out } = s;
  let zeroProduct = 1;
  let u = 0;
  e[0] = 1;
  for (let j = 0; j < d; j++) {
    const z = p.slotZero[first + j];
    if (follows[j] === 0) {
      zeroProduct *= z;
      continue;
    }
    zeroU[u] = z;
    slotU[u] = j;
    u++;
    e[u] = 0;
    for (let k = u; k > 0; k--) e[k] += z * e[k - 1];
  }
  const scale = p.leafValue[l] * zeroProduct;
  const c = s.coefficients;
  const row = d * s.stride;
  if (u < d) {
    let q = 0;
    for (let t = 0; t <= u; t++) q += c[row + u - t] * e[t];
    for (let j = 0; j < d; j++) out[j] = -scale * q;
  }
  for (let i = 0; i < u; i++) {
    // e without element i: e_t = f_t + z_i f_(t-1), solved upwards (stable since z_i <= 1).
    const z = zeroU[i];
    let q = c[row + u - 1];
    f[0] = 1;
    for (let t = 1; t < u; t++) {
      f[t] = e[t] - z * f[t - 1];
      q += c[row + u - 1 - t] * f[t];
    }
    out[slotU[i]] = scale * (1 - z) * q;
  }
}

/** Keeps `out` as the contributions of table entry `at`, if the store's budget allows. */
function remember(m: Memo, at: number, d: number, out: Float64Array): void {
  if (m.used + d > m.store.length) {
    if (m.store.length >= MEMO_MAX_STORED) return;
    const grown = new Float64Array(m.store.length * 2);
    grown.set(m.store);
    m.store = grown;
  }
  m.index[at] = m.used;
  for (let j = 0; j < d; j++) m.store[m.used + j] = out[j];
  m.used += d;
}

/** Sets s.follows[0, d) for leaf l from the row's decisions (any d; patterns need d <= 30). */
function followsOf(p: LeafPaths, l: number, d: number, s: Scratch): void {
  for (let j = 0; j < d; j++) s.follows[j] = 1;
  for (let k = p.stepStart[l]; k < p.stepStart[l + 1]; k++) {
    if (s.decision[p.stepNode[k]] !== p.stepLeft[k]) s.follows[p.stepSlot[k]] = 0;
  }
}

/** Adds the contributions of leaf `l` for a row whose decisions are in s.decision. */
function explainLeaf(p: LeafPaths, m: Memo, l: number, s: Scratch, phi: Float64Array, offset: number): void {
  const first = p.slotStart[l];
  const d = p.slotStart[l + 1] - first;
  const table = m.tableStart[l];
  const { slotFeature } = p;
  if (table < 0) {
    if (d === 0) return;
    followsOf(p, l, d, s);
    leafContributions(p, l, s);
    for (let j = 0; j < d; j++) phi[offset + slotFeature[first + j]] += s.out[j];
    return;
  }
  // Bit j of the pattern: the row follows every split on slot j's feature.
  const decision = s.decision;
  const { stepNode, stepLeft, stepSlot } = p;
  let pattern = (1 << d) - 1;
  for (let k = p.stepStart[l]; k < p.stepStart[l + 1]; k++) {
    pattern &= ~((decision[stepNode[k]] ^ stepLeft[k]) << stepSlot[k]);
  }
  const at = table + pattern;
  const stored = m.index[at];
  if (stored >= 0) {
    const store = m.store;
    for (let j = 0; j < d; j++) phi[offset + slotFeature[first + j]] += store[stored + j];
    return;
  }
  for (let j = 0; j < d; j++) s.follows[j] = (pattern >>> j) & 1;
  leafContributions(p, l, s);
  for (let j = 0; j < d; j++) phi[offset + slotFeature[first + j]] += s.out[j];
  remember(m, at, d, s.out);
}

/**
 * TreeSHAP values of every row of a table the model was compiled against. `memoSlots` (tests
 * only) lowers the largest leaf path given pattern tables, so that 0 computes every leaf.
 */
export function treeShapCompiled(c: CompiledGbdt, rows: number, memoSlots = MEMO_MAX_SLOTS): ShapValues {
  const p = leafPaths(c);
  const m = memoFor(p, Math.min(memoSlots, MEMO_MAX_SLOTS));
  const phi = new Float64Array(rows * c.features);
  const s: Scratch = {
    decision: new Uint8Array(p.maxNodes),
    follows: new Uint8Array(p.maxSlots + 1),
    zeroU: new Float64Array(p.maxSlots + 1),
    slotU: new Int32Array(p.maxSlots + 1),
    e: new Float64Array(p.maxSlots + 2),
    f: new Float64Array(p.maxSlots + 2),
    out: new Float64Array(p.maxSlots + 1),
    ...shapleyWeights(p.maxSlots),
  };
  for (let t = 0; t < c.roots.length; t++) {
    const root = c.roots[t];
    const end = t + 1 < c.roots.length ? c.roots[t + 1] : c.kind.length;
    m.index.fill(-1);
    m.used = 0;
    for (let row = 0; row < rows; row++) {
      for (let node = root; node < end; node++) {
        s.decision[node - root] = c.kind[node] !== NODE_LEAF && goesLeft(c, node, row) ? 1 : 0;
      }
      const offset = row * c.features;
      for (let l = p.leafStart[t]; l < p.leafStart[t + 1]; l++) explainLeaf(p, m, l, s, phi, offset);
    }
  }
  return { expectedValue: expectedValue(c), features: c.features, rows, values: phi };
}

/** TreeSHAP values (log-odds contributions per feature) of every row of `dataset`. */
export function treeShap(model: GbdtModel, dataset: Dataset): ShapValues {
  return treeShapCompiled(compileGbdt(model, dataset), dataset.rows);
}
