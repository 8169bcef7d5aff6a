/**
 * `leadscore train`: a flat CSV with a label column (or contacts and events as of snapshot
 * dates, contacts.ts) → one predictive model artifact, a
 * terminal report and, on request, the standalone HTML report and the scorecard as a model
 * file. Too little data stops with what is missing (exit 2) and writes nothing.
 */
import { writeFile } from "node:fs/promises";
import type { FlatTable } from "../../io/flat-table.js";
import { rocCurve } from "../../predict/calibration.js";
import type { Dataset } from "../../predict/dataset.js";
import { RULE_TOTAL_FEATURE } from "../../predict/feature-rows.js";
import { snapshotTable } from "../../predict/features.js";
import { evaluate } from "../../predict/metrics.js";
import type { FeatureSchema } from "../../predict/schema.js";
import { scorecardToModelFile } from "../../predict/scorecard.js";
import { checkSufficiency, type SufficiencyOptions } from "../../predict/sufficiency.js";
import { type ModelKind, trainPredictive } from "../../predict/trainer.js";
import { UserError } from "../errors.js";
import { readHistories, ruleEvaluator, snapshotDates } from "./contacts.js";
import { ruleTotals } from "./evaluate.js";
import { encodeTraining, readTable, saveArtifact } from "./files.js";
import type { ReportScore } from "./html.js";
import { renderReport } from "./html.js";
import { startBar } from "./progress.js";
import { decileTable, metricsTable, trainingReport } from "./terminal.js";

export interface TrainOptions {
  data?: string;
  label?: string;
  contacts?: string;
  events?: string;
  companies?: string;
  snapshots?: string;
  horizon: string;
  out: string;
  model: string;
  holdout: string;
  seed: string;
  timeColumn?: string;
  minPositives: string;
  minNegatives: string;
  drop: string[];
  report?: string;
  scorecardOut?: string;
  rules?: string;
  asOf?: string;
  progress?: boolean;
}

function numberOption(name: string, text: string, check: (x: number) => boolean, what: string): number {
  const value = Number(text);
  if (!check(value)) throw new UserError(`--${name} must be ${what}, got "${text}"`);
  return value;
}

function describeSchema(schema: FeatureSchema, notes: string[]): string[] {
  const kinds = (kind: string) => schema.features.filter((f) => f.kind === kind).length;
  const lines = [
    `features: ${schema.features.length} used (${kinds("numeric")} numeric, ${kinds("categorical")} categorical, ${kinds("boolean")} yes/no)`,
  ];
  if (schema.ignored.length > 0) {
    lines.push(`columns not used (${schema.ignored.length}):`);
    for (const column of schema.ignored)
      lines.push(`  - ${column.name}: ${column.reason} (${column.detail})`);
  }
  for (const note of notes) lines.push(`note: ${note}`);
  return lines;
}

function parseKind(text: string): ModelKind {
  if (text === "gbdt" || text === "scorecard") return text;
  throw new UserError(`--model must be gbdt or scorecard, got "${text}"`);
}

interface Loaded {
  dataset: Dataset;
  schema: FeatureSchema;
  notes: string[];
  /** What was read, for the first lines of the report. */
  lines: string[];
  source: string;
  times?: Float64Array;
  /** The flat table (for --rules on the holdout rows). */
  table?: FlatTable;
  history?: SufficiencyOptions["history"];
}

async function loadFlat(options: TrainOptions): Promise<Loaded> {
  if (options.data === undefined || options.label === undefined)
    throw new UserError("give --data <file> and --label <column> (or --contacts, --events and --snapshots)");
  const reading = startBar("read", 1, "bytes", options.progress);
  const table = await readTable(options.data, { onProgress: (done, total) => reading.update(done, total) });
  reading.stop();
  const drop = options.drop.flatMap((item) => item.split(","));
  const encoded = await encodeTraining(options.data, table, {
    label: options.label,
    drop,
    timeColumn: options.timeColumn,
  });
  const label = encoded.schema.label!;
  const lines = [
    `read ${options.data} (${table.description}): ${encoded.dataset.rows.toLocaleString("en-US")} rows, ${table.columns.length} columns`,
    `label: ${label.column} (converted: ${label.positive.join("/") || "-"}; not: ${label.negative.join("/") || "-"})`,
  ];
  return { ...encoded, lines, source: options.data, table };
}

async function loadContacts(options: TrainOptions): Promise<Loaded> {
  if (options.events === undefined) throw new UserError("--contacts needs --events <file>");
  const snapshotsMs = snapshotDates(options.snapshots);
  const horizonDays = numberOption(
    "horizon",
    options.horizon,
    (x) => Number.isInteger(x) && x >= 1,
    "a number of days",
  );
  const histories = await readHistories({
    contacts: options.contacts!,
    events: options.events,
    companies: options.companies,
  });
  // With --rules, the rule model's scores as of each snapshot are features too.
  const evaluator = await ruleEvaluator(options.rules);
  const built = snapshotTable(histories, { snapshotsMs, horizonDays, evaluator });
  const lines = [
    `read ${options.contacts}: ${histories.length.toLocaleString("en-US")} contacts; features as of ${options.snapshots}, label: converted within ${horizonDays} days`,
    ...built.counts.map(
      (c) =>
        `  snapshot ${new Date(c.snapshotMs).toISOString().slice(0, 10)}: ${c.rows} rows, ${c.positives} converted within ${horizonDays} days, ${c.alreadyCustomers} already customers and ${c.notYetKnown} not yet known left out`,
    ),
  ];
  const history = { snapshotsMs, horizonDays, dataEndMs: built.lastEventMs };
  return { ...built, lines, source: options.contacts!, history };
}

/** The rule total feature of the contacts path, on the given rows. */
function ruleTotalsOf(dataset: Dataset, rows: ArrayLike<number>): Float64Array {
  const column = dataset.features.find((f) => f.name === RULE_TOTAL_FEATURE);
  if (column?.kind !== "numeric") throw new Error(`no numeric "${RULE_TOTAL_FEATURE}" feature`);
  return Float64Array.from({ length: rows.length }, (_, k) => column.values[rows[k]]);
}

export async function runTrain(options: TrainOptions): Promise<void> {
  const kind = parseKind(options.model);
  const holdout = numberOption("holdout", options.holdout, (x) => x > 0 && x < 1, "a share between 0 and 1");
  const seed = numberOption("seed", options.seed, Number.isSafeInteger, "an integer");
  const minPositives = numberOption(
    "min-positives",
    options.minPositives,
    (x) => Number.isInteger(x) && x >= 1,
    "a positive integer",
  );
  const minNegatives = numberOption(
    "min-negatives",
    options.minNegatives,
    (x) => Number.isInteger(x) && x >= 1,
    "a positive integer",
  );
  if (options.scorecardOut !== undefined && kind !== "scorecard")
    throw new UserError("--scorecard-out needs --model scorecard");

  const out = process.stdout;
  const loaded = options.contacts !== undefined ? await loadContacts(options) : await loadFlat(options);
  const { dataset, schema, table } = loaded;
  out.write(`${loaded.lines.join("\n")}\n`);
  out.write(`${describeSchema(schema, loaded.notes).join("\n")}\n`);

  const sufficiency = checkSufficiency(dataset.label!, {
    minPositives,
    minNegatives,
    history: loaded.history,
  });
  out.write(
    `converted: ${sufficiency.positives.toLocaleString("en-US")}, not converted: ${sufficiency.negatives.toLocaleString("en-US")}\n`,
  );
  if (!sufficiency.ok) {
    const reasons = sufficiency.shortfalls.map((s) => `  - ${s.message}`).join("\n");
    throw new UserError(
      `not enough data to train a predictive model:\n${reasons}\n` +
        "No model was written. Use rules-only mode meanwhile: score with a rule-based model " +
        "(leadscore init, then leadscore score --model model.yaml), and train again when more outcomes are known.",
    );
  }

  const bar = startBar("train", kind === "gbdt" ? 100 : 1, "iterations", options.progress);
  const trained = trainPredictive(dataset, schema, {
    kind,
    seed,
    holdout,
    times: loaded.times,
    source: loaded.source,
    date: new Date().toISOString(),
    onIteration: (p) => bar.update(p.iteration, p.maxIterations),
  });
  bar.stop();
  const { artifact } = trained;
  out.write(`\n${trainingReport(artifact)}\n\n`);
  const scores: ReportScore[] = [
    { name: "predictive", evaluation: artifact.holdout.metrics, roc: artifact.holdout.roc },
  ];
  if (options.rules !== undefined) {
    // The rule model on the very rows of the holdout: the comparison the issue asks for. On
    // the contacts path its total as of each row's snapshot is already a feature column.
    const totals = table
      ? await ruleTotals(options.rules, table, options.asOf, trained.split.test)
      : ruleTotalsOf(dataset, trained.split.test);
    const labels = trained.split.test.map((row) => dataset.label![row]);
    scores.push({ name: "rules", evaluation: evaluate(totals, labels), roc: rocCurve(totals, labels) });
    out.write(`holdout, predictive beside the rules of ${options.rules}:\n${metricsTable(scores)}\n\n`);
    out.write(`conversion and lift per decile:\n${decileTable(scores)}\n\n`);
  }
  await saveArtifact(options.out, artifact);
  out.write(`model written to ${options.out}\n`);
  if (options.scorecardOut !== undefined && artifact.kind === "scorecard") {
    await writeFile(
      options.scorecardOut,
      scorecardToModelFile(artifact.model, { missingTokens: schema.missingTokens }),
    );
    out.write(`scorecard written as a Leadscore model file to ${options.scorecardOut}\n`);
  }
  if (options.report !== undefined) {
    const html = await renderReport({
      title: `Predictive model report: ${loaded.source}`,
      facts: [
        `data: ${loaded.source} (${dataset.rows} rows)${schema.label ? `, label: ${schema.label.column}` : ""}`,
        `model: ${artifact.kind}, seed ${seed}, trained ${artifact.training.date}`,
        `holdout: ${artifact.holdout.split}, ${artifact.holdout.metrics.rows} rows`,
      ],
      scores,
      calibration: artifact.calibration,
      tiers: { cuts: artifact.tiers.cuts, outcomes: artifact.holdout.tiers },
      importance: artifact.importance,
      ignored: schema.ignored,
    });
    await writeFile(options.report, html);
    out.write(`report written to ${options.report}\n`);
  }
}
