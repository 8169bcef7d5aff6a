/**
 * The boosted-tree model as saved: plain JSON, versioned by `format`. Splits are stored in the
 * features' own units (a numeric threshold, a set of category names), never as training bin
 * numbers, so a model scores any new table that has the same columns, whatever order its
 * categories come in. Leaf values are on the log-odds scale with the learning rate applied:
 * the raw score of a row is `baseline` plus one leaf value per tree.
 */

import type { GbdtOptions } from "./options.js";

export const GBDT_FORMAT = "leadscore.gbdt/1";

export type ModelFeature =
  | { name: string; kind: "numeric" }
  /** `levels`: the categories seen in training; any other category is treated as missing. */
  | { name: string; kind: "categorical"; levels: string[] };

/** Rows that reached the node in training (the cover TreeSHAP weighs branches with). */
interface NodeBase {
  rows: number;
}

export interface LeafNode extends NodeBase {
  kind: "leaf";
  value: number;
}

interface SplitBase extends NodeBase {
  /** Index into the model's `features`. */
  feature: number;
  left: number;
  right: number;
  /** Where missing values (and, for categories, unseen ones) go. */
  missingLeft: boolean;
  /** Decrease of the training loss (second-order estimate) the split brought. */
  gain: number;
}

/** Present values `<= threshold` go left. */
export interface NumericSplit extends SplitBase {
  kind: "numeric";
  threshold: number;
}

/** Every present value goes left, missing values right (scikit-learn's "split on NaN"). */
export interface MissingSplit extends SplitBase {
  kind: "missing";
}

/** The categories in `leftLevels` go left, the other seen ones right. */
export interface CategoricalSplit extends SplitBase {
  kind: "categorical";
  leftLevels: string[];
}

export type TreeNode = LeafNode | NumericSplit | MissingSplit | CategoricalSplit;

/** Nodes in creation order; node 0 is the root. */
export interface Tree {
  nodes: TreeNode[];
}

export interface TrainingSummary {
  rows: number;
  trainingRows: number;
  validationRows: number;
  iterations: number;
  earlyStopped: boolean;
  /** Mean validation log loss before the first tree and after each; empty without early stopping. */
  validationLoss: number[];
}

export interface GbdtModel {
  format: typeof GBDT_FORMAT;
  objective: "binary-log-loss";
  features: ModelFeature[];
  /** Log-odds of the training conversion rate: every row's starting score. */
  baseline: number;
  options: GbdtOptions;
  training: TrainingSummary;
  trees: Tree[];
}
