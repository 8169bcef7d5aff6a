/**
 * The model as a JSON text and back. Writing puts every key in one fixed order, so the same
 * training gives the same bytes, and so does a model read back. Reading checks the format version,
 * the shape (with the JSON path of the first problems) and the tree structure (children after
 * their parent, features and categories that exist), so a damaged file fails at load, not
 * half-way through scoring.
 */

import { z } from "zod";
import { GBDT_FORMAT, type GbdtModel, type TreeNode } from "./model.js";

const count = z.number().int().nonnegative();
const splitBase = {
  rows: count,
  feature: count,
  left: count,
  right: count,
  missingLeft: z.boolean(),
  gain: z.number(),
};
const nodeSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("leaf"), rows: count, value: z.number() }),
  z.object({ kind: z.literal("numeric"), ...splitBase, threshold: z.number() }),
  z.object({ kind: z.literal("missing"), ...splitBase }),
  z.object({ kind: z.literal("categorical"), ...splitBase, leftLevels: z.array(z.string()) }),
]);
const featureSchema = z.discriminatedUnion("kind", [
  z.object({ name: z.string(), kind: z.literal("numeric") }),
  z.object({ name: z.string(), kind: z.literal("categorical"), levels: z.array(z.string()) }),
]);
const modelSchema = z.object({
  format: z.literal(GBDT_FORMAT),
  objective: z.literal("binary-log-loss"),
  features: z.array(featureSchema),
  baseline: z.number(),
  options: z.object({
    learningRate: z.number(),
    maxIterations: count,
    maxLeafNodes: count,
    maxDepth: count.nullable(),
    minSamplesLeaf: count,
    l2Regularization: z.number(),
    maxBins: count,
    earlyStopping: z.union([z.literal("auto"), z.boolean()]),
    validationFraction: z.number(),
    iterationsWithoutChange: count,
    tolerance: z.number(),
    binningSampleRows: count,
    seed: z.number().int(),
  }),
  training: z.object({
    rows: count,
    trainingRows: count,
    validationRows: count,
    iterations: count,
    earlyStopped: z.boolean(),
    validationLoss: z.array(z.number()),
  }),
  trees: z.array(z.object({ nodes: z.array(nodeSchema).min(1) })),
});

export class GbdtModelError extends Error {
  override name = "GbdtModelError";
}

/** A node with its keys in one fixed order, whatever order the object it came from had. */
function canonicalNode(node: TreeNode): TreeNode {
  if (node.kind === "leaf") return { kind: node.kind, rows: node.rows, value: node.value };
  const { rows, feature, left, right, missingLeft, gain } = node;
  const common = { rows, feature, left, right, missingLeft, gain };
  if (node.kind === "numeric") return { kind: node.kind, ...common, threshold: node.threshold };
  if (node.kind === "categorical") return { kind: node.kind, ...common, leftLevels: [...node.leftLevels] };
  return { kind: node.kind, ...common };
}

/** The model as JSON text; keys in a fixed order, so equal models give equal bytes. */
export function serializeGbdt(model: GbdtModel): string {
  const o = model.options;
  const t = model.training;
  const canonical: GbdtModel = {
    format: model.format,
    objective: model.objective,
    features: model.features.map((f) =>
      f.kind === "numeric"
        ? { name: f.name, kind: f.kind }
        : { name: f.name, kind: f.kind, levels: [...f.levels] },
    ),
    baseline: model.baseline,
    options: {
      learningRate: o.learningRate,
      maxIterations: o.maxIterations,
      maxLeafNodes: o.maxLeafNodes,
      maxDepth: o.maxDepth,
      minSamplesLeaf: o.minSamplesLeaf,
      l2Regularization: o.l2Regularization,
      maxBins: o.maxBins,
      earlyStopping: o.earlyStopping,
      validationFraction: o.validationFraction,
      iterationsWithoutChange: o.iterationsWithoutChange,
      tolerance: o.tolerance,
      binningSampleRows: o.binningSampleRows,
      seed: o.seed,
    },
    training: {
      rows: t.rows,
      trainingRows: t.trainingRows,
      validationRows: t.validationRows,
      iterations: t.iterations,
      earlyStopped: t.earlyStopped,
      validationLoss: [...t.validationLoss],
    },
    trees: model.trees.map((tree) => ({ nodes: tree.nodes.map(canonicalNode) })),
  };
  return JSON.stringify(canonical);
}

/**
 * Deepest tree a model file may hold: trained trees stay far below (31 leaves at most by
 * default), and code that walks a tree recursively must not meet a chain of thousands of nodes.
 */
const MAX_TREE_DEPTH = 512;

function checkTrees(model: GbdtModel): void {
  model.trees.forEach((tree, t) => {
    // Children come after their parents, so one pass in order gives every node's depth.
    const depth = new Int32Array(tree.nodes.length);
    tree.nodes.forEach((node, i) => {
      if (node.kind === "leaf") return;
      const where = `trees[${t}].nodes[${i}]`;
      for (const child of [node.left, node.right]) {
        if (child <= i || child >= tree.nodes.length) {
          throw new GbdtModelError(`${where}: child ${child} must come after its parent and exist`);
        }
        depth[child] = depth[i] + 1;
        if (depth[child] > MAX_TREE_DEPTH)
          throw new GbdtModelError(`${where}: the tree is deeper than ${MAX_TREE_DEPTH} levels`);
      }
      const feature = model.features[node.feature];
      if (!feature) throw new GbdtModelError(`${where}: feature ${node.feature} does not exist`);
      if ((node.kind === "categorical") !== (feature.kind === "categorical")) {
        throw new GbdtModelError(
          `${where}: a ${node.kind} split on the ${feature.kind} feature "${feature.name}"`,
        );
      }
      if (node.kind === "categorical" && feature.kind === "categorical") {
        const known = new Set(feature.levels);
        const unknown = node.leftLevels.find((level) => !known.has(level));
        if (unknown !== undefined) {
          throw new GbdtModelError(`${where}: category "${unknown}" is not a level of "${feature.name}"`);
        }
      }
    });
  });
}

/** Reads a model from its JSON text (or already parsed JSON). */
export function parseGbdt(input: string | unknown): GbdtModel {
  let data: unknown = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new GbdtModelError(`the model is not valid JSON: ${(error as Error).message}`);
    }
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== GBDT_FORMAT) {
    throw new GbdtModelError(
      `not a boosted-tree model of format "${GBDT_FORMAT}" (format: ${JSON.stringify(format)})`,
    );
  }
  const parsed = modelSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new GbdtModelError(`the model file is damaged: ${issues.join("; ")}`);
  }
  const model = parsed.data as GbdtModel;
  checkTrees(model);
  return model;
}
