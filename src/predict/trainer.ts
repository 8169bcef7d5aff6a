/**
 * Training a predictive model end to end on an encoded table: holdout split (stratified, or
 * by time), a calibration split carved from the training rows, the model (boosted trees or a
 * scorecard), the calibration decision, tier cut points, holdout metrics and global importance,
 * gathered into one artifact. Pure: the CLI reads the file and writes the result.
 */
import { ARTIFACT_FORMAT, type ArtifactModel, type Importance, type PredictiveArtifact } from "./artifact.js";
import { chooseCalibration, rocCurve } from "./calibration.js";
import { type Dataset, takeRows } from "./dataset.js";
import { type IterationProgress, trainGbdt } from "./gbdt/index.js";
import { evaluate } from "./metrics.js";
import { predictRows } from "./predictor.js";
import type { FeatureSchema } from "./schema.js";
import { fitScorecard } from "./scorecard.js";
import { type FeatureImportance, shapImportance } from "./shap-importance.js";
import { type Split, stratifiedHoldout, timeHoldout } from "./split.js";
import { fitTiers, tierOutcomes } from "./tiers.js";
import { treeShap } from "./treeshap.js";

export type ModelKind = "gbdt" | "scorecard";

export interface TrainOptions {
  kind: ModelKind;
  seed: number;
  /** Share of the rows held out for evaluation (default 0.25). */
  holdout: number;
  /** Share of the training rows kept aside to check (and fit) the calibration (default 0.2). */
  calibrationShare?: number;
  /** Per-row times: the holdout is then the latest rows. */
  times?: Float64Array;
  source: string;
  /** ISO date-time written into the artifact (the CLI passes now; tests pass a fixed one). */
  date: string;
  onIteration?: (progress: IterationProgress) => void;
}

export interface Trained {
  artifact: PredictiveArtifact;
  /** The holdout split used, for callers that score it again. */
  split: Split;
}

/** Rows of the holdout used for importance: enough for stable means, quick to explain. */
const IMPORTANCE_ROWS = 2000;

function fitModel(train: Dataset, options: TrainOptions): ArtifactModel {
  if (options.kind === "scorecard") return { kind: "scorecard", model: fitScorecard(train) };
  const model = trainGbdt(train, { seed: options.seed }, { onIteration: options.onIteration });
  return { kind: "gbdt", model };
}

function holdoutSplit(label: Uint8Array, options: TrainOptions): Split & { cutoffMs?: number } {
  if (options.times) return timeHoldout(options.times, { testShare: options.holdout });
  return stratifiedHoldout(label, { seed: options.seed, testShare: options.holdout });
}

/** `indices` of a subset, mapped back to rows of the whole table. */
function pick(rows: Int32Array, indices: Int32Array): Int32Array {
  return indices.map((i) => rows[i]);
}

export function trainPredictive(dataset: Dataset, schema: FeatureSchema, options: TrainOptions): Trained {
  const label = dataset.label;
  if (!label) throw new RangeError("the training table has no label");
  const split = holdoutSplit(label, options);
  const trainLabels = split.train.map((row) => label[row]);
  const inner = stratifiedHoldout(Uint8Array.from(trainLabels), {
    seed: options.seed + 1,
    testShare: options.calibrationShare ?? 0.2,
  });
  const fitRows = pick(split.train, inner.train);
  const calibrationRows = pick(split.train, inner.test);
  const fitted = fitModel(takeRows(dataset, fitRows), options);
  const draft: PredictiveArtifact = {
    format: ARTIFACT_FORMAT,
    ...fitted,
    schema,
    calibration: { method: "none", rows: 0, eceBefore: Number.NaN, logLossBefore: Number.NaN },
    tiers: { shares: [], cuts: [0, 0, 0] },
    holdout: undefined as never,
    importance: [],
    training: {
      source: options.source,
      date: options.date,
      seed: options.seed,
      rows: dataset.rows,
      trainingRows: fitRows.length,
      calibrationRows: calibrationRows.length,
      holdoutRows: split.test.length,
      positives: label.reduce((sum, v) => sum + v, 0),
      negatives: label.length - label.reduce((sum, v) => sum + v, 0),
    },
  };
  const calibrationSet = takeRows(dataset, calibrationRows);
  const calibrationRaw = predictRows(draft, calibrationSet, { factors: false }).rawProbabilities;
  draft.calibration = chooseCalibration(calibrationRaw, calibrationSet.label!);
  draft.tiers = fitTiers(
    predictRows(draft, takeRows(dataset, split.train), { factors: false }).probabilities,
  );
  const test = takeRows(dataset, split.test);
  const scored = predictRows(draft, test, { factors: false });
  draft.holdout = {
    split: options.times ? "time" : "stratified",
    metrics: evaluate(scored.probabilities, test.label!, { probabilities: true }),
    roc: rocCurve(scored.probabilities, test.label!),
    tiers: tierOutcomes(draft.tiers, scored.probabilities, test.label!),
  };
  if ("cutoffMs" in split && split.cutoffMs !== undefined)
    draft.holdout.cutoff = new Date(split.cutoffMs).toISOString();
  draft.importance = importanceOf(draft, test);
  return { artifact: draft, split };
}

function signed(x: number): string {
  return `${x >= 0 ? "+" : ""}${x.toFixed(2)}`;
}

function treeSummary(item: FeatureImportance): string {
  if (item.kind === "numeric") {
    const parts = [
      `high values ${signed(item.meanShapHigh ?? 0)}`,
      `low values ${signed(item.meanShapLow ?? 0)}`,
    ];
    if (item.meanShapMissing !== null) parts.push(`missing ${signed(item.meanShapMissing)}`);
    return parts.join(", ");
  }
  const levels = item.levels.filter((level) => level.rows > 0);
  const name = (level: string | null) => level ?? "missing";
  const top = levels.slice(0, 2).filter((level) => level.meanShap > 0);
  const bottom = levels
    .slice(-2)
    .reverse()
    .filter((level) => level.meanShap < 0);
  const parts: string[] = [];
  if (top.length)
    parts.push(`raises: ${top.map((l) => `${name(l.level)} (${signed(l.meanShap)})`).join(", ")}`);
  if (bottom.length)
    parts.push(`lowers: ${bottom.map((l) => `${name(l.level)} (${signed(l.meanShap)})`).join(", ")}`);
  return parts.join("; ");
}

/** Global importance on (a sample of) the holdout: TreeSHAP for trees, points for the scorecard. */
export function importanceOf(artifact: PredictiveArtifact, data: Dataset): Importance[] {
  const sample =
    data.rows > IMPORTANCE_ROWS
      ? takeRows(
          data,
          Int32Array.from({ length: IMPORTANCE_ROWS }, (_, i) =>
            Math.floor((i * data.rows) / IMPORTANCE_ROWS),
          ),
        )
      : data;
  if (artifact.kind === "gbdt") {
    const names = artifact.model.features.map((f) => f.name);
    return shapImportance(sample, treeShap(artifact.model, sample), names).map((item) => ({
      feature: item.feature,
      strength: item.meanAbsShap,
      unit: "log-odds",
      direction: item.direction,
      summary: treeSummary(item),
    }));
  }
  return artifact.model.features
    .map((feature): Importance => {
      const best = feature.bins.reduce((a, b) => (b.points > a.points ? b : a));
      const worst = feature.bins.reduce((a, b) => (b.points < a.points ? b : a));
      return {
        feature: feature.feature,
        strength: feature.maxPoints,
        unit: "points",
        direction: "by bin",
        summary: `best: ${best.label} (${best.points} pts); worst: ${worst.label} (${worst.points} pts)`,
      };
    })
    .sort((a, b) => b.strength - a.strength);
}
