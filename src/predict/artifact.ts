/**
 * The predictive model as one versioned JSON artifact: what it was trained on (the feature
 * schema), the model itself (boosted trees or a scorecard), the probability calibration, the
 * tier cut points, the holdout metrics and how it was trained. Reading checks every part that
 * scoring relies on and names the first wrong field by its JSON path
 * ("model.trees[3].nodes[7].left: ..."), so a damaged file fails at load.
 */
import { z } from "zod";
import type { Calibration } from "./calibration.js";
import type { GbdtModel } from "./gbdt/model.js";
import { GbdtModelError, parseGbdt } from "./gbdt/serialize.js";
import type { Evaluation } from "./metrics.js";
import type { FeatureSchema } from "./schema.js";
import type { Scorecard } from "./scorecard.js";
import type { TierOutcome, Tiers } from "./tiers.js";

export const ARTIFACT_FORMAT = "leadscore.predictive/1";

/** One feature's weight in the model's decisions, with which way it pushes. */
export interface Importance {
  feature: string;
  /** Mean |contribution| on the holdout: log-odds for trees, points for the scorecard. */
  strength: number;
  unit: "log-odds" | "points";
  /** "higher raises", "higher lowers", "mixed", "by category". */
  direction: string;
  /** For people: "raises: Working Professional (+1.20); lowers: Unemployed (-0.31)". */
  summary: string;
}

export interface HoldoutReport {
  split: "stratified" | "time";
  /** Time split only: the first test date. */
  cutoff?: string;
  metrics: Evaluation;
  roc: { fpr: number[]; tpr: number[] };
  tiers: TierOutcome[];
}

export interface TrainingInfo {
  source: string;
  date: string;
  seed: number;
  rows: number;
  trainingRows: number;
  calibrationRows: number;
  holdoutRows: number;
  positives: number;
  negatives: number;
}

export type ArtifactModel = { kind: "gbdt"; model: GbdtModel } | { kind: "scorecard"; model: Scorecard };

export type PredictiveArtifact = ArtifactModel & {
  format: typeof ARTIFACT_FORMAT;
  schema: FeatureSchema;
  calibration: Calibration;
  tiers: Tiers;
  holdout: HoldoutReport;
  importance: Importance[];
  training: TrainingInfo;
};

export class ArtifactError extends Error {
  override name = "ArtifactError";
}

const strings = z.array(z.string());
const featureSpec = z.discriminatedUnion("kind", [
  z.object({ name: z.string(), kind: z.literal("numeric") }),
  z.object({ name: z.string(), kind: z.literal("boolean") }),
  z.object({ name: z.string(), kind: z.literal("categorical"), levels: strings }),
]);
const schemaSchema = z.object({
  version: z.literal(1),
  features: z.array(featureSpec).min(1),
  ignored: z.array(z.object({ name: z.string(), reason: z.string(), detail: z.string() })),
  missingTokens: strings,
  label: z.object({ column: z.string(), positive: strings, negative: strings }).optional(),
  contacts: z.unknown().optional(),
});
const finite = z.number().refine(Number.isFinite, "expected a finite number");
const bound = finite.nullable();
const bin = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("range"), lower: bound, upper: bound }),
  z.object({ kind: z.literal("levels"), levels: strings }),
  z.object({ kind: z.literal("other"), levels: strings }),
  z.object({ kind: z.literal("missing") }),
]);
const scorecardBin = z.intersection(
  bin,
  z.object({
    label: z.string(),
    points: z.number().int(),
    weight: z.number(),
    rows: z.number(),
    converted: z.number(),
  }),
);
const scorecardSchema = z.object({
  kind: z.literal("scorecard"),
  version: z.literal(1),
  features: z.array(
    z.object({
      feature: z.string(),
      type: z.enum(["numeric", "categorical"]),
      bins: z.array(scorecardBin).min(1),
      maxPoints: z.number(),
    }),
  ),
  scaling: z.object({ pointsPerLogit: finite, logOddsAtZero: finite }),
  probability: z.object({ intercept: finite, slope: finite }),
  l2: z.number(),
  trainingRows: z.number(),
  trainingConverted: z.number(),
});
const calibrationSchema = z.discriminatedUnion("method", [
  z.object({ method: z.literal("none") }).loose(),
  z.object({ method: z.literal("platt"), a: finite, b: finite }).loose(),
]);
const cut = z.number().min(0).max(1);
const envelope = z.object({
  format: z.literal(ARTIFACT_FORMAT),
  kind: z.enum(["gbdt", "scorecard"]),
  schema: schemaSchema,
  model: z.unknown(),
  calibration: calibrationSchema,
  tiers: z.object({ shares: z.array(z.number()).length(4), cuts: z.tuple([cut, cut, cut]) }),
  holdout: z
    .object({
      split: z.enum(["stratified", "time"]),
      metrics: z.object({ rocAuc: z.number().nullable() }).loose(),
    })
    .loose(),
  importance: z.array(z.unknown()),
  training: z.object({ rows: z.number(), seed: z.number() }).loose(),
});

/** ["model", "trees", 3, "left"] → "model.trees[3].left" */
export function jsonPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path)
    text += typeof key === "number" ? `[${key}]` : `${text === "" ? "" : "."}${String(key)}`;
  return text || "(root)";
}

function firstIssue(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0];
  return `${jsonPath([...prefix, ...issue.path])}: ${issue.message}`;
}

/** The gbdt reader's own paths ("trees.3.nodes.7.left" or "trees[3].nodes[7]") under "model". */
function gbdtMessage(message: string): string {
  const damaged = /^the model file is damaged: ([^:;]+): ([^;]*)/.exec(message);
  if (damaged) {
    const path = damaged[1].split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part));
    return `${jsonPath(["model", ...path])}: ${damaged[2]}`;
  }
  if (/^trees\[/.test(message)) return `model.${message}`;
  return `model: ${message}`;
}

/** Reads an artifact from its JSON text; errors name the field and the reason. */
export function parseArtifact(text: string): PredictiveArtifact {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ArtifactError(`not valid JSON: ${(error as Error).message}`);
  }
  const format = (data as { format?: unknown } | null)?.format;
  if (format !== ARTIFACT_FORMAT)
    throw new ArtifactError(
      `format: not a Leadscore predictive model (expected "${ARTIFACT_FORMAT}", found ${JSON.stringify(format)})`,
    );
  const parsed = envelope.safeParse(data);
  if (!parsed.success) throw new ArtifactError(firstIssue(parsed.error));
  const artifact = data as PredictiveArtifact;
  if (artifact.kind === "gbdt") {
    try {
      artifact.model = parseGbdt(artifact.model);
    } catch (error) {
      if (error instanceof GbdtModelError) throw new ArtifactError(gbdtMessage(error.message));
      throw error;
    }
    checkFeatures(
      artifact.schema,
      artifact.model.features.map((f) => f.name),
    );
  } else {
    const card = scorecardSchema.safeParse(artifact.model);
    if (!card.success) throw new ArtifactError(firstIssue(card.error, ["model"]));
    checkFeatures(
      artifact.schema,
      artifact.model.features.map((f) => f.feature),
    );
  }
  return artifact;
}

/** The model may only read features the schema encodes. */
function checkFeatures(schema: FeatureSchema, names: readonly string[]): void {
  const known = new Set(schema.features.map((spec) => spec.name));
  names.forEach((name, i) => {
    if (!known.has(name))
      throw new ArtifactError(`model.features[${i}]: "${name}" is not a feature of schema.features`);
  });
}

/** JSON text of an artifact (NaN, which JSON lacks, becomes null). */
export function serializeArtifact(artifact: PredictiveArtifact): string {
  return `${JSON.stringify(artifact, (_key, value) => (typeof value === "number" && !Number.isFinite(value) ? null : value), 1)}\n`;
}
