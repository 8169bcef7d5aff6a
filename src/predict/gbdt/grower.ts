/**
 * Grows one regression tree on binned features by Newton steps (gradients and hessians of the
 * loss), best-first: the leaf whose split decreases the loss most is split next, until
 * `maxLeafNodes` leaves or no useful split remain, as scikit-learn's TreeGrower. Rows live in
 * one index array that each split partitions in place (left rows first), so a node is a range
 * [start, end) of it and a leaf's rows are still that range when the tree is done.
 */

import { MISSING_BIN } from "./binning.js";
import { buildHistogram, type GatherBuffers, HistogramPool, subtractHistogram } from "./histogram.js";
import { MIN_HESSIAN_TO_SPLIT } from "./options.js";
import { emptySplit, findBestSplit, nodeValue, type SplitContext, type SplitInfo } from "./split.js";

/** A node of a tree grown on bins; leaves carry their value with the learning rate applied. */
export interface BinnedNode {
  start: number;
  end: number;
  depth: number;
  leaf: boolean;
  value: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  /** Categorical splits: 1 for the bins going left; null for numeric splits and leaves. */
  leftBins: Uint8Array | null;
  left: number;
  right: number;
  gain: number;
}

export interface GrowerSettings {
  maxLeafNodes: number;
  maxDepth: number | null;
  minSamplesLeaf: number;
  learningRate: number;
  l2Regularization: number;
}

interface Growing {
  id: number;
  gradient: number;
  hessian: number;
  histogram: Float64Array | null;
  split: SplitInfo | null;
}

/** Grows trees on one binned training table; buffers are shared by all its trees. */
export class TreeGrower {
  readonly partition: Int32Array;
  private readonly scratch: Int32Array;
  private readonly pool: HistogramPool;
  private readonly buffers: GatherBuffers;
  private nodes: BinnedNode[] = [];
  private splittable: Growing[] = [];
  private leaves = 0;

  constructor(
    private readonly binned: Uint8Array[],
    private readonly context: SplitContext,
    private readonly settings: GrowerSettings,
  ) {
    const rows = binned.length > 0 ? binned[0].length : 0;
    this.partition = new Int32Array(rows);
    this.scratch = new Int32Array(rows);
    this.pool = new HistogramPool(binned.length);
    this.buffers = { gradients: new Float64Array(rows), hessians: new Float64Array(rows) };
  }

  grow(gradients: Float64Array, hessians: Float64Array): BinnedNode[] {
    const n = this.partition.length;
    for (let i = 0; i < n; i++) this.partition[i] = i;
    this.nodes = [];
    this.splittable = [];
    this.leaves = 0;
    let gradient = 0;
    let hessian = 0;
    for (let i = 0; i < n; i++) {
      gradient += gradients[i];
      hessian += hessians[i];
    }
    // The root's value is 0 in scikit-learn's grower, which shifts every root gain equally.
    const root = this.addNode(0, n, 0, gradient, hessian, 0);
    if (n < 2 * this.settings.minSamplesLeaf || hessian < MIN_HESSIAN_TO_SPLIT) {
      this.finishLeaf(root);
    } else {
      root.histogram = this.pool.take();
      buildHistogram(
        root.histogram,
        this.binned,
        this.partition,
        0,
        n,
        gradients,
        hessians,
        this.buffers,
        true,
      );
      this.findSplit(root);
    }
    while (this.splittable.length > 0) this.splitNext(gradients, hessians);
    for (const node of this.nodes) if (node.leaf) node.value *= this.settings.learningRate;
    return this.nodes;
  }

  private addNode(start: number, end: number, depth: number, g: number, h: number, value: number): Growing {
    const id = this.nodes.length;
    this.nodes.push({
      start,
      end,
      depth,
      leaf: false,
      value,
      feature: -1,
      bin: 0,
      missingLeft: false,
      leftBins: null,
      left: -1,
      right: -1,
      gain: 0,
    });
    return { id, gradient: g, hessian: h, histogram: null, split: null };
  }

  private finishLeaf(node: Growing): void {
    this.nodes[node.id].leaf = true;
    this.leaves++;
    if (node.histogram) this.pool.release(node.histogram);
    node.histogram = null;
  }

  private findSplit(node: Growing): void {
    const record = this.nodes[node.id];
    const split = emptySplit();
    const totals = {
      rows: record.end - record.start,
      gradient: node.gradient,
      hessian: node.hessian,
      value: record.value,
    };
    findBestSplit(node.histogram!, totals, this.context, split);
    if (split.gain <= 0) {
      this.finishLeaf(node);
      return;
    }
    node.split = split;
    this.splittable.push(node);
  }

  /** Takes the splittable node of largest gain (the first one on ties). */
  private popBest(): Growing {
    let best = 0;
    for (let i = 1; i < this.splittable.length; i++) {
      if (this.splittable[i].split!.gain > this.splittable[best].split!.gain) best = i;
    }
    return this.splittable.splice(best, 1)[0];
  }

  private splitNext(gradients: Float64Array, hessians: Float64Array): void {
    const node = this.popBest();
    const split = node.split!;
    const record = this.nodes[node.id];
    const middle = this.partitionRows(record.start, record.end, split);
    const depth = record.depth + 1;
    const leafCount = this.leaves + this.splittable.length + 2;
    const { l2Regularization: l2, minSamplesLeaf, maxLeafNodes, maxDepth } = this.settings;
    const { gradientLeft: gl, hessianLeft: hl, gradientRight: gr, hessianRight: hr } = split;
    const left = this.addNode(record.start, middle, depth, gl, hl, nodeValue(gl, hl, l2));
    const right = this.addNode(middle, record.end, depth, gr, hr, nodeValue(gr, hr, l2));
    const rowsLeft = middle - record.start;
    const rowsRight = record.end - middle;
    // Without missing values in training, missing values met later follow the larger child.
    const missingLeft = this.context.hasMissing[split.feature] ? split.missingLeft : rowsLeft > rowsRight;
    Object.assign(record, {
      feature: split.feature,
      bin: split.bin,
      missingLeft,
      leftBins: split.categorical ? Uint8Array.from(split.leftBins) : null,
      left: left.id,
      right: right.id,
      gain: split.gain,
    });

    const parentHistogram = node.histogram!;
    node.histogram = null;
    let leftOpen = false;
    let rightOpen = false;
    if (leafCount >= maxLeafNodes) {
      while (this.splittable.length > 0) this.finishLeaf(this.splittable.pop()!);
    } else if (maxDepth === null || depth < maxDepth) {
      leftOpen = rowsLeft >= 2 * minSamplesLeaf;
      rightOpen = rowsRight >= 2 * minSamplesLeaf;
    }
    if (!leftOpen && !rightOpen) {
      this.pool.release(parentHistogram);
    } else {
      this.childHistograms(
        parentHistogram,
        rowsLeft < rowsRight ? [left, right] : [right, left],
        gradients,
        hessians,
      );
    }
    if (leftOpen) this.findSplit(left);
    else this.finishLeaf(left);
    if (rightOpen) this.findSplit(right);
    else this.finishLeaf(right);
  }

  /** Builds the smaller child's histogram from its rows; the larger one is the parent minus it. */
  private childHistograms(
    parentHistogram: Float64Array,
    [small, large]: [Growing, Growing],
    gradients: Float64Array,
    hessians: Float64Array,
  ): void {
    const { start, end } = this.nodes[small.id];
    small.histogram = this.pool.take();
    buildHistogram(
      small.histogram,
      this.binned,
      this.partition,
      start,
      end,
      gradients,
      hessians,
      this.buffers,
      false,
    );
    subtractHistogram(parentHistogram, small.histogram);
    large.histogram = parentHistogram;
  }

  /** Stable in-place partition of partition[start..end): rows going left first; returns the boundary. */
  private partitionRows(start: number, end: number, split: SplitInfo): number {
    const column = this.binned[split.feature];
    const partition = this.partition;
    const scratch = this.scratch;
    let write = start;
    let parked = 0;
    for (let i = start; i < end; i++) {
      const row = partition[i];
      const bin = column[row];
      const goesLeft = split.categorical
        ? split.leftBins[bin] === 1
        : bin === MISSING_BIN
          ? split.missingLeft
          : bin <= split.bin;
      if (goesLeft) partition[write++] = row;
      else scratch[parked++] = row;
    }
    partition.set(scratch.subarray(0, parked), write);
    return write;
  }
}
