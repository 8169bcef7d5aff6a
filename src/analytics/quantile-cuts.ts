/** Quantile cut points on sorted values, and round limits near them. Pure: no I/O. */
import type { Below, Layout } from "./band-layout.js";

/** Number of sorted values below the cut. */
function countBelow(sorted: Float64Array, cut: number, below: Below): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (below === "le" ? sorted[middle] <= cut : sorted[middle] < cut) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Contacts per band, in increasing value order. */
export function bandCounts(sorted: Float64Array, cuts: readonly number[], below: Below): number[] {
  const edges = [0, ...cuts.map((cut) => countBelow(sorted, cut, below)), sorted.length];
  return edges.slice(1).map((edge, i) => edge - edges[i]);
}

/**
 * The roundest number c (fewest significant digits; a final 5 is rounder than other digits)
 * that splits a from b (a < b): a <= c < b when below is "le", a < c <= b when "lt". Among
 * the roundest, the one nearest the target (default: the middle).
 */
export function roundCut(a: number, b: number, below: Below, integer = false, target = (a + b) / 2): number {
  const inside = (c: number) => (below === "le" ? a <= c && c < b : a < c && c <= b);
  const top = Math.ceil(Math.log10(Math.max(Math.abs(a), Math.abs(b), 1e-9)));
  const bottom = integer ? 0 : Math.min(top, Math.floor(Math.log10(b - a)) - 1);
  const middle = target;
  // Multiples of 10^e, then of 5 * 10^(e-1), from the coarsest down.
  for (let e = top; e >= bottom; e--)
    for (const multiple of [1, 0.5]) {
      if (integer && e === 0 && multiple === 0.5) continue;
      const at = (n: number) => (e >= 0 ? n * multiple * 10 ** e : (n * multiple) / 10 ** -e);
      const unit = multiple * 10 ** e;
      const candidates = [Math.floor(middle / unit), Math.ceil(middle / unit)]
        .concat([Math.ceil(a / unit), Math.floor(b / unit)])
        .map(at)
        .filter(inside);
      if (candidates.length > 0)
        return candidates.reduce((best, c) => (Math.abs(c - middle) < Math.abs(best - middle) ? c : best));
    }
  return below === "le" ? a : b;
}

/**
 * Where to cut sorted values into k groups of about n/k: k - 1 positions (the index of the first
 * value above each cut), strictly increasing, each between two different values, as near the
 * ideal positions j * n / k as ties allow (least total distance). Undefined when there are
 * fewer than k different values.
 */
export function cutPositions(sorted: Float64Array, k: number): number[] | undefined {
  const n = sorted.length;
  const valid: number[] = [];
  for (let i = 1; i < n; i++) if (sorted[i] > sorted[i - 1]) valid.push(i);
  if (valid.length < k - 1) return undefined;
  // The best position for each cut is among the k nearest valid ones on each side of its target.
  const near = new Set<number>();
  for (let j = 1; j < k; j++) {
    const target = (j * n) / k;
    let q = 0;
    while (q < valid.length && valid[q] < target) q++;
    for (let d = Math.max(0, q - k); d < Math.min(valid.length, q + k); d++) near.add(d);
  }
  const candidates = [...near].sort((x, y) => x - y).map((q) => valid[q]);
  // cost[j][c]: least distance for cuts 0..j with cut j at candidate c.
  const m = candidates.length;
  let cost = candidates.map((p) => Math.abs(p - n / k));
  const from: number[][] = [];
  for (let j = 1; j < k - 1; j++) {
    const next = new Array<number>(m).fill(Number.POSITIVE_INFINITY);
    const back = new Array<number>(m).fill(-1);
    let best = -1;
    for (let c = 0; c < m; c++) {
      if (best >= 0) {
        next[c] = cost[best] + Math.abs(candidates[c] - ((j + 1) * n) / k);
        back[c] = best;
      }
      if (best < 0 || cost[c] < cost[best]) best = c;
    }
    from.push(back);
    cost = next;
  }
  let c = cost.indexOf(Math.min(...cost));
  const positions = [candidates[c]];
  for (let j = from.length - 1; j >= 0; j--) {
    c = from[j][c];
    positions.unshift(candidates[c]);
  }
  return positions;
}

/** Share of the contacts a cut may move by to land on a rounder number. */
export const ROUNDING_SLACK = 0.005;

/**
 * A limit for each cut position: the roundest number that keeps the split within
 * ROUNDING_SLACK of the contacts of the exact one (and between the neighbouring cuts), so limits
 * read 40 rather than 40.37 at the cost of a contact or two.
 */
export function roundCuts(sorted: Float64Array, positions: readonly number[], layout: Layout): number[] {
  const slack = Math.floor(sorted.length * ROUNDING_SLACK);
  return positions.map((p, j) => {
    const a = sorted[Math.max(p - 1 - slack, j === 0 ? 0 : positions[j - 1])];
    const b =
      sorted[Math.min(p + slack, j === positions.length - 1 ? sorted.length - 1 : positions[j + 1] - 1)];
    const exact = (sorted[p - 1] + sorted[p]) / 2;
    return roundCut(a, b, layout.below, layout.integer, exact);
  });
}
