/**
 * Scores a table with a saved model. The model is first compiled against the table: its trees
 * become flat typed arrays, features are matched to columns by name, and each categorical
 * split becomes a lookup by the table's own level codes (a category the model never saw goes
 * where missing values go). Scoring then walks the arrays without allocating per row.
 */

import type { Dataset } from "../dataset.js";
import { sigmoid } from "./loss.js";
import type { GbdtModel } from "./model.js";

export const NODE_LEAF = 0;
export const NODE_NUMERIC = 1;
export const NODE_MISSING = 2;
export const NODE_CATEGORICAL = 3;

const CATEGORY_RIGHT = 0;
const CATEGORY_LEFT = 1;
const CATEGORY_UNSEEN = 2;

/** All trees of a model in flat arrays; child indices are absolute. */
export interface CompiledGbdt {
  baseline: number;
  features: number;
  roots: Int32Array;
  kind: Uint8Array;
  /** Model feature index (-1 for leaves). */
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  /** Training rows that reached each node. */
  cover: Float64Array;
  categoryOffset: Int32Array;
  categoryTable: Uint8Array;
  /** Per model feature, the table's values (numeric) or codes (categorical); empty for the other kind. */
  numeric: Float64Array[];
  codes: Int32Array[];
  maxDepth: number;
}

function columnsFor(
  model: GbdtModel,
  dataset: Dataset,
): Pick<CompiledGbdt, "numeric" | "codes"> & {
  levelCodes: (Map<string, number> | null)[];
} {
  const byName = new Map(dataset.features.map((column) => [column.name, column]));
  // Empty arrays rather than null keep these arrays of one element type (faster to index).
  const numeric: Float64Array[] = [];
  const codes: Int32Array[] = [];
  const levelCodes: (Map<string, number> | null)[] = [];
  for (const feature of model.features) {
    const column = byName.get(feature.name);
    if (!column) throw new RangeError(`the model needs the column "${feature.name}", which the table lacks`);
    if (column.kind !== feature.kind) {
      throw new RangeError(
        `column "${feature.name}" is ${column.kind} in the table but ${feature.kind} in the model`,
      );
    }
    numeric.push(column.kind === "numeric" ? column.values : new Float64Array(0));
    codes.push(column.kind === "categorical" ? column.codes : new Int32Array(0));
    levelCodes.push(
      column.kind === "categorical" ? new Map(column.levels.map((level, code) => [level, code])) : null,
    );
  }
  return { numeric, codes, levelCodes };
}

function depthOf(nodes: GbdtModel["trees"][number]["nodes"], id: number): number {
  const node = nodes[id];
  if (node.kind === "leaf") return 0;
  return 1 + Math.max(depthOf(nodes, node.left), depthOf(nodes, node.right));
}

/** Flattens `model` for scoring `dataset`; throws, naming the column, if a feature is absent. */
export function compileGbdt(model: GbdtModel, dataset: Dataset): CompiledGbdt {
  const { numeric, codes, levelCodes } = columnsFor(model, dataset);
  const total = model.trees.reduce((sum, tree) => sum + tree.nodes.length, 0);
  const c: CompiledGbdt = {
    baseline: model.baseline,
    features: model.features.length,
    roots: new Int32Array(model.trees.length),
    kind: new Uint8Array(total),
    feature: new Int32Array(total).fill(-1),
    threshold: new Float64Array(total),
    left: new Int32Array(total).fill(-1),
    right: new Int32Array(total).fill(-1),
    missingLeft: new Uint8Array(total),
    value: new Float64Array(total),
    cover: new Float64Array(total),
    categoryOffset: new Int32Array(total).fill(-1),
    categoryTable: new Uint8Array(0),
    numeric,
    codes,
    maxDepth: 0,
  };
  const table: number[] = [];
  let offset = 0;
  model.trees.forEach((tree, t) => {
    c.roots[t] = offset;
    c.maxDepth = Math.max(c.maxDepth, depthOf(tree.nodes, 0));
    tree.nodes.forEach((node, i) => {
      const at = offset + i;
      c.cover[at] = node.rows;
      if (node.kind === "leaf") {
        c.value[at] = node.value;
        return;
      }
      c.feature[at] = node.feature;
      c.left[at] = offset + node.left;
      c.right[at] = offset + node.right;
      c.missingLeft[at] = node.missingLeft ? 1 : 0;
      if (node.kind === "numeric") {
        c.kind[at] = NODE_NUMERIC;
        c.threshold[at] = node.threshold;
      } else if (node.kind === "missing") {
        c.kind[at] = NODE_MISSING;
      } else {
        c.kind[at] = NODE_CATEGORICAL;
        const feature = model.features[node.feature];
        const codesOfTable = levelCodes[node.feature]!;
        const start = table.length;
        for (let code = 0; code < codesOfTable.size; code++) table.push(CATEGORY_UNSEEN);
        if (feature.kind === "categorical") {
          for (const level of feature.levels) {
            const code = codesOfTable.get(level);
            if (code !== undefined) table[start + code] = CATEGORY_RIGHT;
          }
        }
        for (const level of node.leftLevels) {
          const code = codesOfTable.get(level);
          if (code !== undefined) table[start + code] = CATEGORY_LEFT;
        }
        c.categoryOffset[at] = start;
      }
    });
    offset += tree.nodes.length;
  });
  c.categoryTable = Uint8Array.from(table);
  return c;
}

/** Whether `row` goes to the left child of the split node `node`. */
export function goesLeft(c: CompiledGbdt, node: number, row: number): boolean {
  const f = c.feature[node];
  const kind = c.kind[node];
  if (kind === NODE_CATEGORICAL) {
    const code = c.codes[f][row];
    if (code < 0) return c.missingLeft[node] === 1;
    const side = c.categoryTable[c.categoryOffset[node] + code];
    return side === CATEGORY_UNSEEN ? c.missingLeft[node] === 1 : side === CATEGORY_LEFT;
  }
  const v = c.numeric[f][row];
  if (Number.isNaN(v)) return c.missingLeft[node] === 1;
  return kind === NODE_MISSING || v <= c.threshold[node];
}

/** The leaf of tree `t` that `row` falls in. */
export function leafOf(c: CompiledGbdt, t: number, row: number): number {
  let node = c.roots[t];
  while (c.kind[node] !== NODE_LEAF) node = goesLeft(c, node, row) ? c.left[node] : c.right[node];
  return node;
}

/**
 * Raw scores (log-odds of converting) of every row of the table `c` was compiled against. The
 * walk is written out here rather than calling goesLeft, with the arrays in locals: scoring
 * is the hot path of batch prediction.
 */
export function predictRawCompiled(c: CompiledGbdt, rows: number): Float64Array {
  const { kind, feature, threshold, left, right, missingLeft, value, numeric, codes, roots } = c;
  const { categoryOffset, categoryTable } = c;
  const raw = new Float64Array(rows).fill(c.baseline);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t];
    for (let row = 0; row < rows; row++) {
      let node = root;
      let k = kind[node];
      while (k !== NODE_LEAF) {
        let toLeft: boolean;
        if (k === NODE_CATEGORICAL) {
          const code = codes[feature[node]][row];
          const side = code < 0 ? CATEGORY_UNSEEN : categoryTable[categoryOffset[node] + code];
          toLeft = side === CATEGORY_UNSEEN ? missingLeft[node] === 1 : side === CATEGORY_LEFT;
        } else {
          const v = numeric[feature[node]][row];
          toLeft = Number.isNaN(v) ? missingLeft[node] === 1 : k === NODE_MISSING || v <= threshold[node];
        }
        node = toLeft ? left[node] : right[node];
        k = kind[node];
      }
      raw[row] += value[node];
    }
  }
  return raw;
}

export function predictRaw(model: GbdtModel, dataset: Dataset): Float64Array {
  return predictRawCompiled(compileGbdt(model, dataset), dataset.rows);
}

/** Probability of converting of every row of `dataset`. */
export function predictProbability(model: GbdtModel, dataset: Dataset): Float64Array {
  const raw = predictRaw(model, dataset);
  for (let i = 0; i < raw.length; i++) raw[i] = sigmoid(raw[i]);
  return raw;
}
