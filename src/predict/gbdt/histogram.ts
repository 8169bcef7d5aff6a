/**
 * Gradient histograms: for each feature and bin, the sum of gradients, the sum of hessians and
 * the row count of a node's rows, interleaved in one Float64Array (3 numbers per bin, 256 bins
 * per feature) so that adding a row touches one cache line. Only the smaller child of a split
 * is built from its rows; the larger one is the parent minus it (computed in the parent's
 * buffer, which is not needed any more), which roughly halves the work per tree level.
 */

/** 255 bins for present values and the missing bin. */
export const BIN_COUNT = 256;
export const BIN_STRIDE = 3;
export const FEATURE_STRIDE = BIN_COUNT * BIN_STRIDE;

/** Reuses histogram buffers across nodes and trees, so growing a tree allocates almost nothing. */
export class HistogramPool {
  private readonly spare: Float64Array[] = [];

  constructor(private readonly features: number) {}

  /** A zeroed histogram. */
  take(): Float64Array {
    const reused = this.spare.pop();
    if (reused) return reused.fill(0);
    return new Float64Array(this.features * FEATURE_STRIDE);
  }

  release(histogram: Float64Array): void {
    this.spare.push(histogram);
  }
}

/** Scratch arrays holding a node's gradients in partition order (read sequentially per feature). */
export interface GatherBuffers {
  gradients: Float64Array;
  hessians: Float64Array;
}

export function gatherBuffers(rows: number): GatherBuffers {
  return { gradients: new Float64Array(rows), hessians: new Float64Array(rows) };
}

/**
 * Fills the zeroed `histogram` with the rows `partition[start..end)`. `identity` says the
 * partition is still 0..n-1 (the root), where rows are read in place without indirection.
 * Features are added two at a time so that each row index and gradient is loaded once per
 * pair, which was faster than one feature per pass.
 */
export function buildHistogram(
  histogram: Float64Array,
  binned: Uint8Array[],
  partition: Int32Array,
  start: number,
  end: number,
  gradients: Float64Array,
  hessians: Float64Array,
  buffers: GatherBuffers,
  identity: boolean,
): void {
  const n = end - start;
  let rows = partition.subarray(start, end);
  let g = gradients;
  let h = hessians;
  if (identity) {
    rows = partition.subarray(0, n);
  } else {
    g = buffers.gradients;
    h = buffers.hessians;
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      g[i] = gradients[row];
      h[i] = hessians[row];
    }
  }
  let f = 0;
  for (; f + 1 < binned.length; f += 2)
    addPair(histogram, f * FEATURE_STRIDE, binned[f], binned[f + 1], rows, g, h, n);
  if (f < binned.length) addOne(histogram, f * FEATURE_STRIDE, binned[f], rows, g, h, n);
}

function addPair(
  histogram: Float64Array,
  base: number,
  first: Uint8Array,
  second: Uint8Array,
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array,
  n: number,
): void {
  const base2 = base + FEATURE_STRIDE;
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    const gi = g[i];
    const hi = h[i];
    const a = base + first[row] * BIN_STRIDE;
    histogram[a] += gi;
    histogram[a + 1] += hi;
    histogram[a + 2] += 1;
    const b = base2 + second[row] * BIN_STRIDE;
    histogram[b] += gi;
    histogram[b + 1] += hi;
    histogram[b + 2] += 1;
  }
}

function addOne(
  histogram: Float64Array,
  base: number,
  column: Uint8Array,
  rows: Int32Array,
  g: Float64Array,
  h: Float64Array,
  n: number,
): void {
  for (let i = 0; i < n; i++) {
    const k = base + column[rows[i]] * BIN_STRIDE;
    histogram[k] += g[i];
    histogram[k + 1] += h[i];
    histogram[k + 2] += 1;
  }
}

/** parent -= child, in place: the parent's buffer becomes the sibling's histogram. */
export function subtractHistogram(parent: Float64Array, child: Float64Array): void {
  for (let i = 0; i < parent.length; i++) parent[i] -= child[i];
}
