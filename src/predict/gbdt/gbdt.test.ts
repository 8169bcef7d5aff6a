import { describe, expect, it } from "vitest";
import { Random } from "../../random/random.js";
import { type Dataset, takeRows } from "../dataset.js";
import { shouldStop, stratifiedSplit } from "./boosting.js";
import {
  GbdtModelError,
  parseGbdt,
  predictProbability,
  predictRaw,
  serializeGbdt,
  type TreeNode,
  trainGbdt,
} from "./index.js";

const numeric = (name: string, values: number[]) =>
  ({ kind: "numeric", name, values: Float64Array.from(values) }) as const;
const labels = (values: number[]) => Uint8Array.from(values);
const single = { maxIterations: 1, maxLeafNodes: 2, learningRate: 1, minSamplesLeaf: 1 };

/** A noisy table with numeric, missing and categorical values. */
function noisyTable(rows: number, seed: number, signal = 1): Dataset {
  const random = new Random(seed);
  const x = new Float64Array(rows);
  const z = new Float64Array(rows);
  const codes = new Int32Array(rows);
  const label = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    x[i] = random.chance(0.1) ? Number.NaN : random.normal();
    z[i] = random.uniform(0, 10);
    codes[i] = random.chance(0.05) ? -1 : random.int(0, 4);
    const logit = signal * ((Number.isNaN(x[i]) ? 1 : x[i]) + (codes[i] === 2 ? 1 : 0) - 0.5);
    label[i] = random.chance(1 / (1 + Math.exp(-logit))) ? 1 : 0;
  }
  const levels = ["a", "b", "c", "d", "e"];
  return {
    rows,
    features: [numeric("x", [...x]), numeric("z", [...z]), { kind: "categorical", name: "c", levels, codes }],
    label,
  };
}

describe("growing a tree", () => {
  it("makes the single split computed by hand", () => {
    // p0 = 3/8, so g = 3/8 - y and h = 15/64 on every row, and G = 0. Sending the first k rows
    // left gains G_L^2 (64/15) (1/k + 1/(8-k)): k = 4 (G_L = 1.5) gives 4.8, the largest; the
    // noise feature z at best gains 0.533. Leaves: -G/H = -/+ 1.5 / (4 * 15/64) = -/+ 1.6.
    const data: Dataset = {
      rows: 8,
      features: [numeric("x", [1, 2, 3, 4, 5, 6, 7, 8]), numeric("z", [1, 2, 1, 2, 1, 2, 1, 2])],
      label: labels([0, 0, 0, 0, 1, 0, 1, 1]),
    };
    const model = trainGbdt(data, single);
    expect(model.baseline).toBeCloseTo(Math.log(3 / 5), 15);
    const [root, left, right] = model.trees[0].nodes;
    expect(root).toMatchObject({ kind: "numeric", feature: 0, threshold: 4.5, rows: 8, left: 1, right: 2 });
    expect((root as { gain: number }).gain).toBeCloseTo(4.8, 12);
    expect(left).toMatchObject({ kind: "leaf", rows: 4 });
    expect((left as { value: number }).value).toBeCloseTo(-1.6, 12);
    expect((right as { value: number }).value).toBeCloseTo(1.6, 12);
    const raw = predictRaw(model, data);
    expect(raw[3]).toBeCloseTo(Math.log(3 / 5) - 1.6, 12);
    expect(raw[4]).toBeCloseTo(Math.log(3 / 5) + 1.6, 12);
  });

  it("lets missing values learn their side, and isolates them when that is best", () => {
    const x = [...Array.from({ length: 40 }, (_, i) => i + 1), ...Array(20).fill(Number.NaN)];
    const present = Array.from({ length: 40 }, (_, i) => (i >= 20 ? 1 : 0));
    const withMissing = (missingLabel: number): Dataset => ({
      rows: 60,
      features: [numeric("x", x)],
      label: labels([...present, ...Array(20).fill(missingLabel)]),
    });
    const goesRight = trainGbdt(withMissing(1), { ...single, minSamplesLeaf: 5 }).trees[0].nodes[0];
    expect(goesRight).toMatchObject({ kind: "numeric", threshold: 20.5, missingLeft: false });
    const goesLeft = trainGbdt(withMissing(0), { ...single, minSamplesLeaf: 5 }).trees[0].nodes[0];
    expect(goesLeft).toMatchObject({ kind: "numeric", threshold: 20.5, missingLeft: true });

    const onlyMissingConverts: Dataset = {
      rows: 60,
      features: [numeric("x", x)],
      label: labels([...Array(40).fill(0), ...Array(20).fill(1)]),
    };
    const model = trainGbdt(onlyMissingConverts, { ...single, minSamplesLeaf: 5 });
    expect(model.trees[0].nodes[0]).toMatchObject({ kind: "missing", missingLeft: false });
    const p = predictProbability(model, { rows: 2, features: [numeric("x", [1e9, Number.NaN])] });
    expect(p[1]).toBeGreaterThan(p[0]);
  });

  it("sends missing values to the larger child when training had none", () => {
    const data: Dataset = {
      rows: 30,
      features: [
        numeric(
          "x",
          Array.from({ length: 30 }, (_, i) => i),
        ),
      ],
      label: labels(Array.from({ length: 30 }, (_, i) => (i >= 20 ? 1 : 0))),
    };
    const root = trainGbdt(data, single).trees[0].nodes[0];
    expect(root).toMatchObject({ kind: "numeric", threshold: 19.5, missingLeft: true });
  });

  it("groups categories by their gradient ratio, and scores unseen ones as missing", () => {
    const rates = { A: 0.1, B: 0.9, C: 0.2, D: 0.8 };
    const codes: number[] = [];
    const y: number[] = [];
    Object.values(rates).forEach((rate, code) => {
      for (let i = 0; i < 30; i++) {
        codes.push(code);
        y.push(i < rate * 30 ? 1 : 0);
      }
    });
    const levels = Object.keys(rates);
    const data: Dataset = {
      rows: 120,
      features: [{ kind: "categorical", name: "source", levels, codes: Int32Array.from(codes) }],
      label: labels(y),
    };
    const model = trainGbdt(data, { ...single, minSamplesLeaf: 5 });
    const root = model.trees[0].nodes[0] as TreeNode & { kind: "categorical" };
    expect(root).toMatchObject({ kind: "categorical", leftLevels: ["B", "D"], missingLeft: false });
    // Another table: levels in another order, one the model never saw, one missing value.
    const other: Dataset = {
      rows: 4,
      features: [
        {
          kind: "categorical",
          name: "source",
          levels: ["E", "D", "A"],
          codes: Int32Array.from([1, 2, 0, -1]),
        },
      ],
    };
    const p = predictProbability(model, other);
    expect(p[0]).toBeGreaterThan(p[1]);
    expect(p[2]).toBe(p[1]);
    expect(p[3]).toBe(p[1]);
  });
});

describe("tree shape limits", () => {
  it("keeps at most maxLeafNodes leaves of at least minSamplesLeaf rows, within maxDepth", () => {
    const depthOf = (nodes: TreeNode[], id: number): number => {
      const node = nodes[id];
      return node.kind === "leaf" ? 0 : 1 + Math.max(depthOf(nodes, node.left), depthOf(nodes, node.right));
    };
    for (const options of [{}, { maxLeafNodes: 5, minSamplesLeaf: 50 }, { maxDepth: 3 }]) {
      const model = trainGbdt(noisyTable(3_000, 21, 2), { maxIterations: 10, ...options });
      const limits = { maxLeafNodes: 31, minSamplesLeaf: 20, maxDepth: 100, ...options };
      for (const { nodes } of model.trees) {
        const leaves = nodes.filter((node) => node.kind === "leaf");
        expect(leaves.length).toBeLessThanOrEqual(limits.maxLeafNodes);
        expect(leaves.length).toBeGreaterThan(1);
        for (const leaf of leaves) expect(leaf.rows).toBeGreaterThanOrEqual(limits.minSamplesLeaf);
        for (const node of nodes) {
          if (node.kind !== "leaf") expect(nodes[node.left].rows + nodes[node.right].rows).toBe(node.rows);
        }
        expect(depthOf(nodes, 0)).toBeLessThanOrEqual(limits.maxDepth);
      }
    }
  });
});

describe("early stopping", () => {
  it("stops once the validation loss has not improved for 10 iterations", () => {
    expect(shouldStop([1, 0.9, 0.8], 2, 0)).toBe(false);
    expect(shouldStop([1, 0.9, 0.9, 0.95], 2, 0)).toBe(true);
    expect(shouldStop([1, 0.9, 0.95, 0.89], 2, 0)).toBe(false);
    expect(shouldStop([1, 0.9, 0.95, 0.89], 2, 0.02)).toBe(true);

    const model = trainGbdt(noisyTable(4_000, 3, 0.05), { earlyStopping: true });
    const { iterations, validationLoss, earlyStopped, validationRows } = model.training;
    expect(earlyStopped).toBe(true);
    expect(iterations).toBeLessThan(100);
    expect(model.trees).toHaveLength(iterations);
    expect(validationRows).toBe(400);
    expect(validationLoss).toHaveLength(iterations + 1);
    for (let k = 1; k < validationLoss.length; k++)
      expect(shouldStop(validationLoss.slice(0, k), 10, 1e-7)).toBe(false);
    expect(shouldStop(validationLoss, 10, 1e-7)).toBe(true);
  });

  it("is on by default above 10,000 rows only, with a stratified validation split", () => {
    expect(trainGbdt(noisyTable(2_000, 4), { maxIterations: 3 }).training.validationRows).toBe(0);
    const label = noisyTable(10_001, 5).label!;
    const { training, validation } = stratifiedSplit(label, 0.1, 9);
    expect(validation).toHaveLength(1_001);
    expect(training.length + validation.length).toBe(10_001);
    const rate = (rows: Int32Array) => rows.reduce((sum, row) => sum + label[row], 0) / rows.length;
    expect(Math.abs(rate(validation) - rate(training))).toBeLessThan(0.001);
  });
});

describe("the model artifact", () => {
  const data = noisyTable(3_000, 11);

  it("is byte-identical for the same seed", () => {
    const first = serializeGbdt(trainGbdt(data, { earlyStopping: true, seed: 5 }));
    expect(serializeGbdt(trainGbdt(data, { earlyStopping: true, seed: 5 })) === first).toBe(true);
    expect(serializeGbdt(trainGbdt(data, { earlyStopping: true, seed: 6 })) === first).toBe(false);
  });

  it("reads back to the same bytes and the same predictions", () => {
    const model = trainGbdt(data, { maxIterations: 20 });
    const text = serializeGbdt(model);
    const loaded = parseGbdt(text);
    expect(serializeGbdt(loaded) === text).toBe(true);
    expect(predictRaw(loaded, data)).toEqual(predictRaw(model, data));
    const json = JSON.parse(text);
    expect(json.format).toBe("leadscore.gbdt/1");
    expect(json.features[2]).toEqual({ name: "c", kind: "categorical", levels: ["a", "b", "c", "d", "e"] });
  });

  it("scores a table whatever its column order, and probabilities are the logistic of raw scores", () => {
    const model = trainGbdt(data, { maxIterations: 20 });
    const reordered: Dataset = { rows: data.rows, features: [...data.features].reverse() };
    const raw = predictRaw(model, data);
    expect(predictRaw(model, reordered)).toEqual(raw);
    const p = predictProbability(model, data);
    for (const i of [0, 17, 2_999]) expect(p[i]).toBeCloseTo(1 / (1 + Math.exp(-raw[i])), 15);
    const subset = takeRows(data, [5, 3, 1]);
    expect([...predictRaw(model, subset)]).toEqual([raw[5], raw[3], raw[1]]);
  });

  it("says which column is absent or of the wrong kind, and refuses damaged files", () => {
    const model = trainGbdt(data, { maxIterations: 2 });
    expect(() => predictRaw(model, { rows: 1, features: [data.features[0]] })).toThrow(/column "z"/);
    const wrongKind: Dataset = {
      rows: data.rows,
      features: [data.features[0], data.features[1], numeric("c", [])],
    };
    expect(() => predictRaw(model, wrongKind)).toThrow(/"c" is numeric in the table but categorical/);
    expect(() => parseGbdt("{}")).toThrow(GbdtModelError);
    const damaged = JSON.parse(serializeGbdt(model));
    damaged.trees[0].nodes[0].left = 0;
    expect(() => parseGbdt(damaged)).toThrow(/trees\[0\]\.nodes\[0\]: child 0/);
    damaged.trees[0].nodes[0].threshold = "high";
    expect(() => parseGbdt(damaged)).toThrow(/damaged/);
    // A chain of 20,000 splits would overflow code that walks trees recursively.
    const deep = JSON.parse(serializeGbdt(model));
    const split = deep.trees[0].nodes.find((node: { kind: string }) => node.kind !== "leaf");
    const leaf = deep.trees[0].nodes.find((node: { kind: string }) => node.kind === "leaf");
    deep.trees[0].nodes = Array.from({ length: 20_000 }, (_, i) => ({ ...split, left: i + 1, right: i + 2 }));
    deep.trees[0].nodes.push(leaf, leaf);
    expect(() => parseGbdt(deep)).toThrow(/trees\[0\]\.nodes\[512\]: the tree is deeper than 512 levels/);
  });

  it("needs both converted and not converted rows", () => {
    const pure: Dataset = { rows: 3, features: [numeric("x", [1, 2, 3])], label: labels([1, 1, 1]) };
    expect(() => trainGbdt(pure)).toThrow(/one class only/);
  });
});
