/**
 * The pieces `leadscore train` adds around the models: tier cut points, the calibration check
 * and Platt scaling, the ROC curve, and reading an artifact (errors name the field).
 */
import { describe, expect, it } from "vitest";
import { ARTIFACT_FORMAT, jsonPath, parseArtifact } from "./artifact.js";
import {
  applyCalibration,
  chooseCalibration,
  expectedCalibrationError,
  fitPlatt,
  rocCurve,
} from "./calibration.js";
import type { Dataset } from "./dataset.js";
import { fitTiers, tierOf, tierOutcomes } from "./tiers.js";
import { trainPredictive } from "./trainer.js";

/** A seeded table: converting gets likelier with visits and for the "web" source. */
function table(rows: number, seed: number): Dataset {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const visits = new Float64Array(rows);
  const codes = new Int32Array(rows);
  const label = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    visits[i] = Math.floor(next() * 20);
    codes[i] = Math.floor(next() * 3);
    label[i] = next() < 0.1 + visits[i] / 30 + (codes[i] === 0 ? 0.2 : 0) ? 1 : 0;
  }
  return {
    rows,
    features: [
      { kind: "numeric", name: "visits", values: visits },
      { kind: "categorical", name: "source", levels: ["web", "ads", "event"], codes },
    ],
    label,
  };
}

const schema = {
  version: 1 as const,
  features: [
    { name: "visits", kind: "numeric" as const },
    { name: "source", kind: "categorical" as const, levels: ["web", "ads", "event"] },
  ],
  ignored: [],
  missingTokens: [""],
  label: { column: "converted", positive: ["1"], negative: ["0"] },
};

describe("tiers", () => {
  it("cuts the training probabilities at the top 10%, next 20%, next 30%", () => {
    const probabilities = Float64Array.from({ length: 101 }, (_, i) => i / 100);
    const tiers = fitTiers(probabilities);
    expect(tiers.cuts.map((c) => c.toFixed(2))).toEqual(["0.90", "0.70", "0.40"]);
    expect(tierOf(tiers, 0.95)).toBe("very high");
    expect(tierOf(tiers, 0.9)).toBe("very high");
    expect(tierOf(tiers, 0.75)).toBe("high");
    expect(tierOf(tiers, 0.4)).toBe("medium");
    expect(tierOf(tiers, 0.39)).toBe("low");
    const outcomes = tierOutcomes(
      tiers,
      probabilities,
      Array.from(probabilities, (p) => (p >= 0.5 ? 1 : 0)),
    );
    expect(outcomes.map((o) => o.rows)).toEqual([11, 20, 30, 40]);
    expect(outcomes[0].conversionRate).toBe(1);
    expect(outcomes[3].conversionRate).toBe(0);
  });
});

describe("calibration", () => {
  it("Platt scaling recovers a known distortion and is chosen when it helps", () => {
    // True probability p; the model reports sigmoid(2 * logit(p) - 1): overconfident and low.
    let state = 11;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const n = 20_000;
    const reported = new Float64Array(n);
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const p = 0.05 + 0.9 * next();
      const z = Math.log(p / (1 - p));
      reported[i] = 1 / (1 + Math.exp(-(2 * z - 1)));
      labels[i] = next() < p ? 1 : 0;
    }
    const { a, b } = fitPlatt(reported, labels);
    expect(a).toBeCloseTo(0.5, 1);
    expect(b).toBeCloseTo(0.5, 1);
    const chosen = chooseCalibration(reported, labels);
    expect(chosen.method).toBe("platt");
    if (chosen.method !== "platt") return;
    expect(chosen.eceAfter).toBeLessThan(chosen.eceBefore / 3);
    const after = reported.map((p) => applyCalibration(chosen, p));
    expect(expectedCalibrationError(after, labels)).toBeLessThan(0.02);
  });

  it("keeps calibrated probabilities as they are", () => {
    const probabilities = Float64Array.from({ length: 2000 }, (_, i) => ((i % 100) + 0.5) / 100);
    const labels = Array.from(probabilities, (p, i) => ((i * 7919) % 100 < p * 100 ? 1 : 0));
    expect(chooseCalibration(probabilities, labels).method).toBe("none");
  });

  it("draws the ROC curve from (0, 0) to (1, 1), one step per distinct score", () => {
    expect(rocCurve([0.9, 0.8, 0.3, 0.1], [1, 0, 1, 0])).toEqual({
      fpr: [0, 0, 0.5, 0.5, 1],
      tpr: [0, 0.5, 0.5, 1, 1],
    });
  });
});

describe("the artifact", () => {
  const trained = trainPredictive(table(3000, 5), schema, {
    kind: "gbdt",
    seed: 3,
    holdout: 0.25,
    source: "synthetic",
    date: "2026-01-01T00:00:00.000Z",
  });
  const text = JSON.stringify(trained.artifact);

  it("holds the model, calibration, tiers, holdout metrics and training facts", () => {
    const artifact = parseArtifact(text);
    expect(artifact.format).toBe(ARTIFACT_FORMAT);
    expect(artifact.training).toMatchObject({ rows: 3000, holdoutRows: 750, trainingRows: 1800, seed: 3 });
    expect(artifact.holdout.metrics.rocAuc).toBeGreaterThan(0.7);
    expect(artifact.importance[0].feature).toBe("visits");
    expect(artifact.importance[0].direction).toBe("higher raises");
  });

  it("is deterministic given the seed", () => {
    const again = trainPredictive(table(3000, 5), schema, {
      kind: "gbdt",
      seed: 3,
      holdout: 0.25,
      source: "synthetic",
      date: "2026-01-01T00:00:00.000Z",
    });
    expect(JSON.stringify(again.artifact)).toBe(text);
  });

  it("names the field at fault in a damaged file", () => {
    // biome-ignore lint/suspicious/noExplicitAny: the test edits parsed JSON freely
    const damage = (edit: (a: Record<string, any>) => void) => {
      const data = JSON.parse(text);
      edit(data);
      return () => parseArtifact(JSON.stringify(data));
    };
    expect(damage((a) => (a.model.trees[2].nodes[0].left = "x"))).toThrow(
      /^model\.trees\[2\]\.nodes\[0\]\.left: /,
    );
    expect(damage((a) => (a.format = "other"))).toThrow(/^format: not a Leadscore predictive model/);
    expect(damage((a) => (a.schema.features[1].levels = 3))).toThrow(/^schema\.features\[1\]\.levels: /);
    expect(damage((a) => (a.calibration = { method: "platt", a: "1" }))).toThrow(/^calibration\.a: /);
    expect(damage((a) => (a.model.features[0].name = "clicks"))).toThrow(/"clicks" is not a feature/);
    expect(() => parseArtifact("{")).toThrow(/^not valid JSON/);
    expect(jsonPath(["model", "trees", 3, "nodes", 7, "left"])).toBe("model.trees[3].nodes[7].left");
  });
});
