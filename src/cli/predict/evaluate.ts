/**
 * `leadscore evaluate`: the predictive model's metrics on a labelled file and, with --rules,
 * the rule-based total of a Leadscore model file on the same rows, side by side (terminal and
 * HTML). The rules read each row's cells as contact properties, as `leadscore score` does.
 */
import { writeFile } from "node:fs/promises";
import { compileModel, toTimeMs } from "../../engine/index.js";
import type { FlatTable } from "../../io/flat-table.js";
import { rocCurve } from "../../predict/calibration.js";
import { evaluate } from "../../predict/metrics.js";
import { predictRows } from "../../predict/predictor.js";
import { tierOutcomes } from "../../predict/tiers.js";
import { importanceOf } from "../../predict/trainer.js";
import { UserError } from "../errors.js";
import { loadModelForCommand } from "../model-file.js";
import { encodeScoring, loadArtifact, readTable } from "./files.js";
import { type ReportScore, renderReport } from "./html.js";
import { decileTable, importanceTable, metricsTable, reliabilityTable, tierTable } from "./terminal.js";

export interface EvaluateOptions {
  model: string;
  data: string;
  label?: string;
  rules?: string;
  asOf?: string;
  report?: string;
  progress?: boolean;
}

/** The rule model's total of each of `rows` (default all), the row's cells read as contact properties. */
export async function ruleTotals(
  path: string,
  table: FlatTable,
  asOf: string | undefined,
  rows?: ArrayLike<number>,
): Promise<Float64Array> {
  const evaluator = compileModel(await loadModelForCommand(path));
  const asOfMs = toTimeMs(asOf ?? new Date().toISOString());
  const batch = evaluator.newBatch({ capacity: 0 }).build();
  const count = rows?.length ?? table.rows;
  const totals = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const row = rows ? rows[k] : k;
    const contact: Record<string, unknown> = {};
    for (const column of table.columns)
      contact[column.name] = "cells" in column ? column.cells[row] : column.numbers[row];
    totals[k] = evaluator.evaluateRange(contact, undefined, batch, 0, 0, asOfMs).total;
  }
  return totals;
}

export async function runEvaluate(options: EvaluateOptions): Promise<void> {
  const artifact = await loadArtifact(options.model);
  if (artifact.schema.contacts)
    throw new UserError(
      `${options.model} was trained on contacts and events; evaluate works on flat tables for now (its holdout metrics are in the model file)`,
    );
  const schema =
    options.label !== undefined && artifact.schema.label
      ? { ...artifact.schema, label: { ...artifact.schema.label, column: options.label } }
      : artifact.schema;
  const table = await readTable(options.data);
  const { dataset } = await encodeScoring(options.data, table, schema, true);
  const labels = dataset.label!;
  const predictions = predictRows(artifact, dataset, { factors: false });
  const predictive = evaluate(predictions.probabilities, labels, { probabilities: true });
  const scores: ReportScore[] = [
    { name: "predictive", evaluation: predictive, roc: rocCurve(predictions.probabilities, labels) },
  ];
  if (options.rules !== undefined) {
    const totals = await ruleTotals(options.rules, table, options.asOf);
    scores.push({ name: "rules", evaluation: evaluate(totals, labels), roc: rocCurve(totals, labels) });
  }
  const tiers = tierOutcomes(artifact.tiers, predictions.probabilities, labels);
  const importance = importanceOf(artifact, dataset);
  const out = process.stdout;
  out.write(
    `${options.data}: ${dataset.rows} rows, ${predictive.converted} converted (label: ${schema.label?.column})\n\n`,
  );
  out.write(`${metricsTable(scores)}\n\n`);
  out.write(`conversion and lift per decile (1 = highest scores):\n${decileTable(scores)}\n\n`);
  out.write(`reliability (calibration) table of the predictive model:\n${reliabilityTable(predictive)}\n\n`);
  out.write(`tiers:\n${tierTable(tiers, artifact.tiers.cuts)}\n\n`);
  out.write(`what converters have in common:\n${importanceTable(importance)}\n`);
  if (options.report !== undefined) {
    const html = await renderReport({
      title: `Evaluation report: ${options.data}`,
      facts: [
        `model: ${options.model} (${artifact.kind}, trained ${artifact.training.date} on ${artifact.training.source})`,
        `data: ${options.data} (${dataset.rows} rows)`,
        ...(options.rules ? [`rules: ${options.rules}`] : []),
      ],
      scores,
      calibration: artifact.calibration,
      tiers: { cuts: artifact.tiers.cuts, outcomes: tiers },
      importance,
      ignored: artifact.schema.ignored,
    });
    await writeFile(options.report, html);
    out.write(`\nreport written to ${options.report}\n`);
  }
}
