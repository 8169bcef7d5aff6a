/**
 * `leadscore predict`: every row of a CSV, in input order, with its own columns plus the
 * probability of converting, the priority tier and the top factors up and down. Cells are
 * written formula-safe (src/io/write.ts).
 */
import { openCsvWriter } from "../../io/write.js";
import type { Dataset } from "../../predict/dataset.js";
import { contactFeatures } from "../../predict/features.js";
import { predictRows } from "../../predict/predictor.js";
import type { EncodeNote, FeatureSchema } from "../../predict/schema.js";
import { UserError } from "../errors.js";
import { readHistories, ruleEvaluator } from "./contacts.js";
import { asUserError, encodeScoring, loadArtifact, readTable } from "./files.js";
import { startBar } from "./progress.js";

export interface PredictOptions {
  model: string;
  data?: string;
  contacts?: string;
  events?: string;
  companies?: string;
  asOf?: string;
  /** The rule model a contacts-trained model used as features. */
  rules?: string;
  out: string;
  factors: string;
  progress?: boolean;
}

/** A name not already taken by an input column ("probability", else "probability (2)"...). */
function freeName(taken: Set<string>, name: string): string {
  let candidate = name;
  for (let k = 2; taken.has(candidate); k++) candidate = `${name} (${k})`;
  taken.add(candidate);
  return candidate;
}

interface Rows {
  /** The columns written back: the input's, or the contact id. */
  table: { rows: number; columns: { name: string; cells: readonly string[] }[] };
  dataset: Dataset;
  notes: EncodeNote[];
}

async function flatRows(options: PredictOptions, schema: FeatureSchema): Promise<Rows> {
  if (options.data === undefined)
    throw new UserError("give --data <file> (the model was trained on a flat table)");
  const reading = startBar("read", 1, "bytes", options.progress);
  const table = await readTable(options.data, { onProgress: (done, total) => reading.update(done, total) });
  reading.stop();
  const { dataset, notes } = await encodeScoring(options.data, table, schema, false);
  const columns = table.columns.map((column) => ({
    name: column.name,
    cells: "cells" in column ? column.cells : Array.from(column.numbers, String),
  }));
  return { table: { rows: table.rows, columns }, dataset, notes };
}

/** Features of every contact as of --as-of (default now), one row per contact in file order. */
async function contactRows(options: PredictOptions, schema: FeatureSchema): Promise<Rows> {
  if (options.contacts === undefined || options.events === undefined)
    throw new UserError("the model was trained on contacts: give --contacts and --events (and --companies)");
  const asOfMs = Date.parse(options.asOf ?? new Date().toISOString());
  if (Number.isNaN(asOfMs)) throw new UserError(`--as-of: "${options.asOf}" is not an ISO 8601 date`);
  const histories = await readHistories({
    contacts: options.contacts,
    events: options.events,
    companies: options.companies,
  });
  const ruleModel = schema.contacts?.ruleModel;
  if (ruleModel && options.rules === undefined)
    throw new UserError(
      `the model was trained with the scores of the rule model "${ruleModel.name}" as features: give it with --rules <file>`,
    );
  const evaluator = ruleModel ? await ruleEvaluator(options.rules) : undefined;
  const { dataset, notes } = await asUserError(options.contacts, () =>
    contactFeatures(histories, schema, asOfMs, evaluator),
  );
  const ids = histories.map((history) => history.id);
  return { table: { rows: ids.length, columns: [{ name: "id", cells: ids }] }, dataset, notes };
}

export async function runPredict(options: PredictOptions): Promise<void> {
  const count = Number(options.factors);
  const artifact = await loadArtifact(options.model);
  const { table, dataset, notes } = artifact.schema.contacts
    ? await contactRows(options, artifact.schema)
    : await flatRows(options, artifact.schema);
  const predictions = predictRows(artifact, dataset);
  const taken = new Set(table.columns.map((column) => column.name));
  const probability = freeName(taken, "probability");
  const tier = freeName(taken, "tier");
  const up = Array.from({ length: count }, (_, k) => freeName(taken, `factor_up_${k + 1}`));
  const down = Array.from({ length: count }, (_, k) => freeName(taken, `factor_down_${k + 1}`));
  const columns = [...table.columns.map((column) => column.name), probability, tier, ...up, ...down];
  const writer = openCsvWriter(options.out, columns);
  const bar = startBar("write", table.rows, "rows", options.progress);
  const tiers = new Map<string, number>();
  try {
    for (let row = 0; row < table.rows; row++) {
      const record: Record<string, unknown> = {};
      for (const column of table.columns) record[column.name] = column.cells[row];
      record[probability] = Math.round(predictions.probabilities[row] * 1e6) / 1e6;
      record[tier] = predictions.tiers[row];
      tiers.set(predictions.tiers[row], (tiers.get(predictions.tiers[row]) ?? 0) + 1);
      const factors = predictions.factors(row, count);
      factors.up.forEach((factor, k) => {
        record[up[k]] = predictions.describe(factor);
      });
      factors.down.forEach((factor, k) => {
        record[down[k]] = predictions.describe(factor);
      });
      await writer.write(record);
      if (row % 1000 === 0) bar.update(row);
    }
    await writer.close();
  } catch (error) {
    await writer.abort();
    throw error;
  } finally {
    bar.stop();
  }
  const out = options.out === "-" ? process.stderr : process.stdout;
  for (const note of notes) out.write(`note: ${note.message}\n`);
  const summary = ["very high", "high", "medium", "low"].map((t) => `${t} ${tiers.get(t) ?? 0}`).join(", ");
  out.write(`rows scored: ${table.rows} (${summary}); written to ${options.out}\n`);
}
