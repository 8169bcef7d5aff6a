/** From dimension scores to the total, temperature, grades, band and MQL. */
import type { Model } from "../model/schema.js";
import type {
  Disqualification,
  EngagementGrade,
  FitGrade,
  LedgerLine,
  ScoreResult,
  Temperature,
  TotalLine,
} from "./types.js";

export interface Clamp {
  min: number;
  max: number;
}

export interface ThresholdPlan {
  model: Model;
  totalClamp: Clamp | null;
}

/** Dimension scores in cents, with their weights, and the ledger if any. */
export interface ResultShape {
  dimensionCents: { id: string; weight: number; cents: number }[];
  ledger: LedgerLine[] | null;
}

export function temperatureOf(
  total: number,
  t: { warm: number; hot: number } | undefined,
): Temperature | null {
  if (!t) return null;
  return total >= t.hot ? "hot" : total >= t.warm ? "warm" : "cold";
}

/** Bands of the recommended 0-100 scale, on the rounded total. */
export function bandOf(total: number): string {
  const score = Math.round(total);
  if (score <= 20) return "0-20";
  if (score <= 40) return "21-40";
  if (score <= 60) return "41-60";
  if (score <= 80) return "61-80";
  return "81-100";
}

/** The grade matrix's cells, looked up rather than concatenated for every contact. */
const MATRIX: Record<FitGrade, Record<EngagementGrade, string>> = {
  A: { "1": "A1", "2": "A2", "3": "A3" },
  B: { "1": "B1", "2": "B2", "3": "B3" },
  C: { "1": "C1", "2": "C2", "3": "C3" },
  D: { "1": "D1", "2": "D2", "3": "D3" },
};

export const BANDS = ["0-20", "21-40", "41-60", "61-80", "81-100"] as const;

export function scoreResult(
  plan: ThresholdPlan,
  shape: ResultShape,
  disqualifications: Disqualification[],
): ScoreResult {
  const { model, totalClamp } = plan;
  const dimensions: Record<string, number> = {};
  // Only built with the ledger: the scores-only path allocates as little as it can.
  const totalLines: TotalLine[] | null = shape.ledger ? [] : null;
  let totalCents = 0;
  for (const d of shape.dimensionCents) {
    dimensions[d.id] = d.cents / 100 + 0; // + 0: no negative zero
    const weighted = Math.round(d.weight * d.cents) + 0;
    totalCents += weighted;
    totalLines?.push({ dimension: d.id, weight: d.weight, points: weighted / 100 });
  }
  if (totalClamp) {
    const clamped = Math.min(
      Math.max(totalCents, Math.round(totalClamp.min * 100)),
      Math.round(totalClamp.max * 100),
    );
    if (clamped !== totalCents)
      totalLines?.push({ dimension: "clamp", weight: 1, points: (clamped - totalCents) / 100 });
    totalCents = clamped;
  }
  const total = totalCents / 100 + 0;
  const thresholds = model.thresholds ?? {};
  const fitGrade = fitGradeOf(dimensions, thresholds.grades?.fit);
  const engagementGrade = engagementGradeOf(dimensions, thresholds.grades?.engagement);
  const matrix = fitGrade && engagementGrade ? MATRIX[fitGrade][engagementGrade] : null;
  const temperature = temperatureOf(total, thresholds.temperature);
  const disqualified = disqualifications.length > 0;
  const result: ScoreResult = {
    total,
    dimensions,
    band: bandOf(total),
    temperature,
    fitGrade,
    engagementGrade,
    matrix,
    mql: !disqualified && isMql(thresholds.mql, total, dimensions, matrix, temperature),
    disqualified,
    disqualifications,
  };
  if (shape.ledger && totalLines) {
    result.ledger = shape.ledger;
    result.totalLines = totalLines;
  }
  return result;
}

type GradeThresholds = NonNullable<NonNullable<NonNullable<Model["thresholds"]>["grades"]>>;

function fitGradeOf(dimensions: Record<string, number>, g: GradeThresholds["fit"]): FitGrade | null {
  if (!g) return null;
  const score = dimensions[g.dimension ?? "fit"];
  if (score === undefined) return null;
  return score >= g.A ? "A" : score >= g.B ? "B" : score >= g.C ? "C" : "D";
}

function engagementGradeOf(
  dimensions: Record<string, number>,
  g: GradeThresholds["engagement"],
): EngagementGrade | null {
  if (!g) return null;
  const score = dimensions[g.dimension ?? "engagement"];
  if (score === undefined) return null;
  return score >= g["1"] ? "1" : score >= g["2"] ? "2" : "3";
}

/** Every given criterion must hold; without an mql block a lead is MQL when hot. */
function isMql(
  mql: NonNullable<Model["thresholds"]>["mql"],
  total: number,
  dimensions: Record<string, number>,
  matrix: string | null,
  temperature: Temperature | null,
): boolean {
  if (!mql) return temperature === "hot";
  if (mql.minTotal !== undefined && total < mql.minTotal) return false;
  for (const [id, min] of Object.entries(mql.minDimensions ?? {}))
    if ((dimensions[id] ?? 0) < min) return false;
  if (mql.matrix && (matrix === null || !mql.matrix.includes(matrix))) return false;
  return true;
}
