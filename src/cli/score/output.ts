/** The scored output: one row per contact, in the contacts file's order. */
import type { ScoreResult } from "../../engine/index.js";
import type { OutputFormat } from "../../io/write.js";

export const FIXED_COLUMNS = [
  "band",
  "temperature",
  "fitGrade",
  "engagementGrade",
  "matrix",
  "mql",
  "disqualified",
  "disqualifications",
] as const;

export interface OutputShape {
  readonly columns: readonly string[];
  /** Input column → output column, for --keep-columns (renamed when a name is taken). */
  readonly kept: readonly (readonly [string, string])[];
}

export function outputShape(
  dimensionIds: readonly string[],
  options: { ledger: boolean; keptColumns: readonly string[] },
): OutputShape {
  const columns = ["id", "total", ...dimensionIds, ...FIXED_COLUMNS];
  if (options.ledger) columns.push("ledger");
  const taken = new Set(columns);
  const kept: [string, string][] = [];
  for (const column of options.keptColumns) {
    let name = taken.has(column) ? `contact.${column}` : column;
    while (taken.has(name)) name = `contact.${name}`;
    taken.add(name);
    kept.push([column, name]);
    columns.push(name);
  }
  return { columns, kept };
}

/**
 * One output record. CSV gets the disqualifying gate ids joined by ";" and the ledger as
 * compact JSON; JSONL keeps both as arrays.
 */
export function outputRecord(
  id: string,
  result: ScoreResult,
  shape: OutputShape,
  format: OutputFormat,
  input: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const gates = result.disqualifications.map((d) => d.gateId);
  const record: Record<string, unknown> = { id, total: result.total, ...result.dimensions };
  record.band = result.band;
  record.temperature = result.temperature;
  record.fitGrade = result.fitGrade;
  record.engagementGrade = result.engagementGrade;
  record.matrix = result.matrix;
  record.mql = result.mql;
  record.disqualified = result.disqualified;
  record.disqualifications = format === "csv" ? gates.join(";") : gates;
  if (result.ledger) record.ledger = result.ledger;
  if (input) for (const [column, name] of shape.kept) record[name] = input[column];
  return record;
}
