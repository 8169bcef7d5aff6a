/**
 * Trains a boosted-tree classifier of conversion: starts every row at the log-odds of the
 * conversion rate, then adds one tree per iteration fitted by Newton steps to the log loss.
 * With early stopping, a seeded stratified share of the rows is held out and training stops
 * once the validation loss has not improved by `tolerance` for `iterationsWithoutChange`
 * iterations (the trees of those iterations stay, as in scikit-learn).
 */

import { Random } from "../../random/random.js";
import type { Dataset } from "../dataset.js";
import { type BinMapper, binRows, fitBinMapper, MISSING_BIN, missingFlags } from "./binning.js";
import { type BinnedNode, TreeGrower } from "./grower.js";
import { baselineLogOdds, logLossGradients, meanLogLoss } from "./loss.js";
import { GBDT_FORMAT, type GbdtModel, type ModelFeature, type Tree, type TreeNode } from "./model.js";
import {
  EARLY_STOPPING_AUTO_ROWS,
  type GbdtOptions,
  resolveGbdtOptions,
  type TrainCallbacks,
} from "./options.js";

/**
 * Rows for training and for validation, stratified by label: ceil(fraction * n) validation
 * rows shared between the classes in proportion (remainders to the larger fractional part),
 * each class shuffled with the seed. Both lists come back in ascending row order.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  fraction: number,
  seed: number,
): { training: Int32Array; validation: Int32Array } {
  const n = labels.length;
  const validationSize = Math.ceil(fraction * n);
  const byClass: number[][] = [[], []];
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  const exact = byClass.map((rows) => (validationSize * rows.length) / n);
  const take = exact.map(Math.floor);
  const remainder = validationSize - take[0] - take[1];
  if (remainder > 0) take[exact[1] - take[1] > exact[0] - take[0] ? 1 : 0] += remainder;
  const random = new Random(seed, 0x7661);
  const validation: number[] = [];
  const training: number[] = [];
  byClass.forEach((rows, label) => {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [rows[i], rows[j]] = [rows[j], rows[i]];
    }
    for (let i = 0; i < rows.length; i++) (i < take[label] ? validation : training).push(rows[i]);
  });
  return { training: Int32Array.from(training).sort(), validation: Int32Array.from(validation).sort() };
}

/**
 * True when none of the last `patience` losses improved on the one before them by more than
 * `tolerance` (scikit-learn's _should_stop, on losses instead of negated scores).
 */
export function shouldStop(losses: readonly number[], patience: number, tolerance: number): boolean {
  if (losses.length < patience + 1) return false;
  const reference = losses[losses.length - patience - 1] - tolerance;
  for (let i = losses.length - patience; i < losses.length; i++) if (losses[i] < reference) return false;
  return true;
}

function labelsOf(dataset: Dataset): Uint8Array {
  const label = dataset.label;
  if (!label) throw new RangeError("training needs a label column (1 = converted, 0 = not)");
  let positives = 0;
  for (let i = 0; i < label.length; i++) {
    if (label[i] > 1) throw new RangeError(`label of row ${i + 1} is ${label[i]}; it must be 0 or 1`);
    positives += label[i];
  }
  if (positives === 0 || positives === label.length) {
    throw new RangeError("training needs converted and not converted rows; the label holds one class only");
  }
  return label;
}

function checkNames(dataset: Dataset): void {
  if (dataset.features.length === 0) throw new RangeError("training needs at least one feature column");
  const seen = new Set<string>();
  for (const column of dataset.features) {
    if (seen.has(column.name)) throw new RangeError(`two feature columns are named "${column.name}"`);
    seen.add(column.name);
  }
}

/** A tree grown on bins, written in the features' own units. */
function toTree(nodes: BinnedNode[], mapper: BinMapper): Tree {
  return {
    nodes: nodes.map((node): TreeNode => {
      const rows = node.end - node.start;
      if (node.leaf) return { kind: "leaf", rows, value: node.value };
      const bins = mapper.features[node.feature];
      const common = {
        rows,
        feature: node.feature,
        left: node.left,
        right: node.right,
        missingLeft: node.missingLeft,
        gain: node.gain,
      };
      if (bins.kind === "categorical") {
        const leftLevels = bins.levels.filter((_, bin) => node.leftBins![bin] === 1);
        return { kind: "categorical", ...common, leftLevels };
      }
      if (node.bin === mapper.binsNonMissing[node.feature] - 1) return { kind: "missing", ...common };
      return { kind: "numeric", ...common, threshold: bins.thresholds[node.bin] };
    }),
  };
}

/** Adds the tree's value to each binned row (the validation rows, during training). */
function addBinnedTree(nodes: BinnedNode[], binned: Uint8Array[], raw: Float64Array): void {
  for (let row = 0; row < raw.length; row++) {
    let node = nodes[0];
    while (!node.leaf) {
      const bin = binned[node.feature][row];
      const left =
        bin === MISSING_BIN ? node.missingLeft : node.leftBins ? node.leftBins[bin] === 1 : bin <= node.bin;
      node = nodes[left ? node.left : node.right];
    }
    raw[row] += node.value;
  }
}

function modelFeatures(mapper: BinMapper): ModelFeature[] {
  return mapper.features.map(
    (bins): ModelFeature =>
      bins.kind === "numeric"
        ? { name: bins.name, kind: "numeric" }
        : { name: bins.name, kind: "categorical", levels: [...bins.levels] },
  );
}

/** The binned training and validation rows and a grower over the training ones. */
interface Prepared {
  mapper: BinMapper;
  binnedValidation: Uint8Array[];
  y: Uint8Array;
  yValidation: Uint8Array;
  grower: TreeGrower;
}

function prepare(dataset: Dataset, labels: Uint8Array, options: GbdtOptions, early: boolean): Prepared {
  const split = early
    ? stratifiedSplit(labels, options.validationFraction, options.seed)
    : { training: Int32Array.from({ length: dataset.rows }, (_, i) => i), validation: new Int32Array(0) };
  const mapper = fitBinMapper(dataset, split.training, options);
  const binned = binRows(mapper, dataset, split.training);
  const context = {
    binsNonMissing: mapper.binsNonMissing,
    hasMissing: missingFlags(binned),
    isCategorical: Uint8Array.from(mapper.features, (f) => (f.kind === "categorical" ? 1 : 0)),
    minSamplesLeaf: options.minSamplesLeaf,
    l2Regularization: options.l2Regularization,
  };
  return {
    mapper,
    binnedValidation: binRows(mapper, dataset, split.validation),
    y: Uint8Array.from(split.training, (row) => labels[row]),
    yValidation: Uint8Array.from(split.validation, (row) => labels[row]),
    grower: new TreeGrower(binned, context, options),
  };
}

/** Adds each leaf's value to the raw scores of its training rows; returns the number of leaves. */
function addLeaves(nodes: BinnedNode[], partition: Int32Array, raw: Float64Array): number {
  let leaves = 0;
  for (const node of nodes) {
    if (!node.leaf) continue;
    leaves++;
    for (let i = node.start; i < node.end; i++) raw[partition[i]] += node.value;
  }
  return leaves;
}

/** Trains on every row of `dataset` (minus the validation share when early stopping is on). */
export function trainGbdt(
  dataset: Dataset,
  overrides: Partial<GbdtOptions> = {},
  callbacks: TrainCallbacks = {},
): GbdtModel {
  const options = resolveGbdtOptions(overrides);
  const labels = labelsOf(dataset);
  checkNames(dataset);
  const early =
    options.earlyStopping === "auto" ? dataset.rows > EARLY_STOPPING_AUTO_ROWS : options.earlyStopping;
  const { mapper, binnedValidation, y, yValidation, grower } = prepare(dataset, labels, options, early);
  const baseline = baselineLogOdds(y);
  const raw = new Float64Array(y.length).fill(baseline);
  const rawValidation = new Float64Array(yValidation.length).fill(baseline);
  const gradients = new Float64Array(y.length);
  const hessians = new Float64Array(y.length);
  const validationLoss = early ? [meanLogLoss(rawValidation, yValidation)] : [];
  const trees: Tree[] = [];
  let earlyStopped = false;

  for (let iteration = 1; iteration <= options.maxIterations; iteration++) {
    logLossGradients(raw, y, gradients, hessians);
    const nodes = grower.grow(gradients, hessians);
    const leaves = addLeaves(nodes, grower.partition, raw);
    trees.push(toTree(nodes, mapper));
    if (early) {
      addBinnedTree(nodes, binnedValidation, rawValidation);
      validationLoss.push(meanLogLoss(rawValidation, yValidation));
    }
    const loss = early ? validationLoss[validationLoss.length - 1] : null;
    callbacks.onIteration?.({
      iteration,
      maxIterations: options.maxIterations,
      leaves,
      validationLoss: loss,
    });
    if (early && shouldStop(validationLoss, options.iterationsWithoutChange, options.tolerance)) {
      earlyStopped = true;
      break;
    }
  }

  const training = {
    rows: dataset.rows,
    trainingRows: y.length,
    validationRows: yValidation.length,
    iterations: trees.length,
    earlyStopped,
    validationLoss,
  };
  const features = modelFeatures(mapper);
  return { format: GBDT_FORMAT, objective: "binary-log-loss", features, baseline, options, training, trees };
}
