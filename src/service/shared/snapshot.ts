/** The stored form of a score: what the scores table and each history row hold. */
import type { ScoreResult } from "../../engine/index.js";
import type { ScoreRow } from "../../store/scoring-store.js";

export interface ScoreSnapshot {
  total: number;
  dimensions: Record<string, number>;
  band: string;
  temperature: string | null;
  fitGrade: string | null;
  engagementGrade: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
}

export function snapshotOf(result: ScoreResult): ScoreSnapshot {
  return {
    total: result.total,
    dimensions: result.dimensions,
    band: result.band,
    temperature: result.temperature,
    fitGrade: result.fitGrade,
    engagementGrade: result.engagementGrade,
    matrix: result.matrix,
    mql: result.mql,
    disqualified: result.disqualified,
  };
}

/** Same score, same grades, same flags: nothing to record. */
export function sameSnapshot(a: ScoreSnapshot, b: ScoreSnapshot): boolean {
  if (
    a.total !== b.total ||
    a.band !== b.band ||
    a.temperature !== b.temperature ||
    a.fitGrade !== b.fitGrade ||
    a.engagementGrade !== b.engagementGrade ||
    a.matrix !== b.matrix ||
    a.mql !== b.mql ||
    a.disqualified !== b.disqualified
  ) {
    return false;
  }
  const keys = Object.keys(a.dimensions);
  if (keys.length !== Object.keys(b.dimensions).length) return false;
  return keys.every((key) => a.dimensions[key] === b.dimensions[key]);
}

export function snapshotOfRow(row: ScoreRow): ScoreSnapshot {
  return {
    total: row.total,
    dimensions: JSON.parse(row.dimensions) as Record<string, number>,
    band: row.band,
    temperature: row.temperature,
    fitGrade: row.fit_grade,
    engagementGrade: row.engagement_grade,
    matrix: row.matrix,
    mql: row.mql === 1,
    disqualified: row.disqualified === 1,
  };
}

/** The columns a score history row stores of a snapshot (the scores table adds the grades). */
export function historyColumnsOf(snapshot: ScoreSnapshot) {
  return {
    total: snapshot.total,
    dimensions: JSON.stringify(snapshot.dimensions),
    band: snapshot.band,
    temperature: snapshot.temperature,
    matrix: snapshot.matrix,
    mql: snapshot.mql ? 1 : 0,
    disqualified: snapshot.disqualified ? 1 : 0,
  };
}
