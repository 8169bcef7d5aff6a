/**
 * Every root-to-leaf path of a compiled model, listed once per model for TreeSHAP. For a leaf,
 * the path-dependent game only involves the distinct features split on along its path: each
 * feature's "zero" fraction (the product of cover shares of its splits on the path: the share
 * of training rows going this way when the feature is unknown) is fixed per leaf, and whether a
 * row follows all of that feature's splits is read from the row's decisions at those nodes.
 * Listing the paths once turns the per-row recursion into flat loops over typed arrays.
 */

import { type CompiledGbdt, NODE_LEAF } from "./predict.js";

export interface LeafPaths {
  /** Leaves of tree t are leafStart[t] .. leafStart[t + 1] - 1. */
  leafStart: Int32Array;
  leafValue: Float64Array;
  /** Distinct features of leaf l: slots slotStart[l] .. slotStart[l + 1] - 1. */
  slotStart: Int32Array;
  slotFeature: Int32Array;
  slotZero: Float64Array;
  /** Splits on leaf l's path: steps stepStart[l] .. stepStart[l + 1] - 1. */
  stepStart: Int32Array;
  /** Node index relative to the tree's root, so a row's decisions fit one per-tree buffer. */
  stepNode: Int32Array;
  /** 1 if the path goes to the left child. */
  stepLeft: Uint8Array;
  /** Slot of the step's feature, relative to the leaf's first slot. */
  stepSlot: Int32Array;
  /** Most distinct features on one path, and most nodes in one tree (buffer sizes). */
  maxSlots: number;
  maxNodes: number;
}

interface Growing {
  leafStart: number[];
  leafValue: number[];
  slotStart: number[];
  slotFeature: number[];
  slotZero: number[];
  stepStart: number[];
  stepNode: number[];
  stepLeft: number[];
  stepSlot: number[];
}

/** Appends the leaf at the end of `path` (node indices from the root, absolute). */
function addLeaf(c: CompiledGbdt, root: number, path: number[], g: Growing): void {
  const leaf = path[path.length - 1];
  const first = g.slotFeature.length;
  g.leafValue.push(c.value[leaf]);
  for (let i = 0; i + 1 < path.length; i++) {
    const node = path[i];
    const child = path[i + 1];
    const feature = c.feature[node];
    let slot = g.slotFeature.indexOf(feature, first) - first;
    if (slot < 0) {
      slot = g.slotFeature.length - first;
      g.slotFeature.push(feature);
      g.slotZero.push(1);
    }
    g.slotZero[first + slot] *= c.cover[child] / c.cover[node];
    g.stepNode.push(node - root);
    g.stepLeft.push(child === c.left[node] ? 1 : 0);
    g.stepSlot.push(slot);
  }
  g.slotStart.push(g.slotFeature.length);
  g.stepStart.push(g.stepNode.length);
}

/** Lists the leaves of every tree of `c` with the splits and distinct features of their paths. */
export function leafPaths(c: CompiledGbdt): LeafPaths {
  const g: Growing = {
    leafStart: [0],
    leafValue: [],
    slotStart: [0],
    slotFeature: [],
    slotZero: [],
    stepStart: [0],
    stepNode: [],
    stepLeft: [],
    stepSlot: [],
  };
  let maxNodes = 0;
  for (let t = 0; t < c.roots.length; t++) {
    const root = c.roots[t];
    const end = t + 1 < c.roots.length ? c.roots[t + 1] : c.kind.length;
    maxNodes = Math.max(maxNodes, end - root);
    const path: number[] = [];
    const visit = (node: number): void => {
      path.push(node);
      if (c.kind[node] === NODE_LEAF) addLeaf(c, root, path, g);
      else {
        visit(c.left[node]);
        visit(c.right[node]);
      }
      path.pop();
    };
    visit(root);
    g.leafStart.push(g.leafValue.length);
  }
  const slotStart = Int32Array.from(g.slotStart);
  let maxSlots = 0;
  for (let l = 0; l + 1 < slotStart.length; l++)
    maxSlots = Math.max(maxSlots, slotStart[l + 1] - slotStart[l]);
  return {
    leafStart: Int32Array.from(g.leafStart),
    leafValue: Float64Array.from(g.leafValue),
    slotStart,
    slotFeature: Int32Array.from(g.slotFeature),
    slotZero: Float64Array.from(g.slotZero),
    stepStart: Int32Array.from(g.stepStart),
    stepNode: Int32Array.from(g.stepNode),
    stepLeft: Uint8Array.from(g.stepLeft),
    stepSlot: Int32Array.from(g.stepSlot),
    maxSlots,
    maxNodes,
  };
}
