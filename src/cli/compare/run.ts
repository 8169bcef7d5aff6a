/**
 * `leadscore compare`: two models scored on the same files as of the same date, against the
 * same outcomes. One pass per model (each model lays events out its own way); the contacts come
 * in the same order both times, and their ids are checked to match.
 */
import { basename } from "node:path";
import { type Comparison, compareScores } from "../../analytics/compare.js";
import { describeConversion, type Outcome, timingOf } from "../../analytics/conversion.js";
import { compileModel, type ScoreResult } from "../../engine/index.js";
import type { Consumer } from "../analyze/collect.js";
import { parseHorizon } from "../analyze/options.js";
import { readOutcomes } from "../analyze/outcomes.js";
import {
  checkConversionColumn,
  conversionOf,
  NO_CANDIDATES,
  scorePass,
  withEventType,
} from "../analyze/pass.js";
import { UserError } from "../errors.js";
import { table } from "../predict/terminal.js";
import { closeInputs, openInputs } from "../score/inputs.js";
import { type InputOptions, loadModel, parseAsOf } from "../score/options.js";

export interface CompareOptions extends InputOptions {
  other: string;
  conversion?: string;
  outcomes?: string;
  horizon: string;
  json?: boolean;
  grouped?: boolean;
  errors?: string;
  progress: boolean;
}

/** Each contact's total and whether it converted within the horizon; already-converted ones left out. */
class ScoreList implements Consumer {
  readonly ids: string[] = [];
  readonly totals: number[] = [];
  readonly labels: number[] = [];

  constructor(
    private readonly asOfMs: number,
    private readonly horizonDays: number | null,
  ) {}

  add(result: ScoreResult, outcome: Outcome, _candidates: unknown, contactId: string): void {
    const timing = timingOf(outcome, this.asOfMs, this.horizonDays);
    if (timing.kind === "before") return;
    this.ids.push(contactId);
    this.totals.push(result.total);
    this.labels.push(timing.kind === "within" ? 1 : 0);
  }
}

export interface CompareReport {
  models: { file: string; name: string; version: string | number }[];
  conversion: string;
  asOf: string;
  horizonDays: number | null;
  comparison: Comparison;
}

export async function runCompare(options: CompareOptions): Promise<void> {
  const definition = conversionOf(options);
  const horizonDays = parseHorizon(options.horizon);
  if (options.asOf === undefined) throw new UserError("--as-of is required: the date both models score at");
  const asOfMs = parseAsOf(options.asOf);
  const outcomes = options.outcomes ? await readOutcomes(options.outcomes, options.inputFormat) : undefined;
  const lists: ScoreList[] = [];
  const models: CompareReport["models"] = [];
  for (const file of [options.model, options.other]) {
    const model = await loadModel(file);
    const evaluator = compileModel(withEventType(model, definition));
    const inputs = await openInputs(options, evaluator);
    try {
      checkConversionColumn(options, inputs, definition);
    } catch (error) {
      closeInputs(inputs);
      throw error;
    }
    const list = new ScoreList(asOfMs, horizonDays);
    const pass = await scorePass(
      options,
      inputs,
      evaluator,
      asOfMs,
      list,
      { definition, outcomes },
      NO_CANDIDATES,
    );
    // Both passes read the same rows: the bad rows are the first pass's.
    if (lists.length === 0)
      for (const line of pass.badRows.describe(options.errors)) process.stderr.write(`${line}\n`);
    lists.push(list);
    models.push({ file, name: model.name, version: model.version });
  }
  const [a, b] = lists;
  if (a.ids.length !== b.ids.length || a.ids.some((id, i) => id !== b.ids[i]))
    throw new Error("the two passes over the contacts did not read the same contacts in the same order");
  const names = namesOf(models);
  const report: CompareReport = {
    models,
    conversion: options.outcomes ? `the outcomes in ${options.outcomes}` : describeConversion(definition!),
    asOf: new Date(asOfMs).toISOString(),
    horizonDays,
    comparison: compareScores(names, a.totals, b.totals, a.labels),
  };
  process.stdout.write(options.json ? `${JSON.stringify(report, finite, 2)}\n` : render(report));
}

/** "name vN", or the file names when both models have the same name and version. */
function namesOf(models: CompareReport["models"]): [string, string] {
  const names = models.map((m) => `${m.name} v${m.version}`);
  if (names[0] !== names[1]) return [names[0], names[1]];
  return [basename(models[0].file), basename(models[1].file)];
}

const finite = (_key: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? null : value;
const fixed = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "-");
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");

function render(report: CompareReport): string {
  const { comparison: c } = report;
  const horizon = report.horizonDays === null ? "no horizon" : `horizon ${report.horizonDays} days`;
  const lines = [
    `conversion: ${report.conversion}`,
    `as of: ${report.asOf}, ${horizon}`,
    `contacts compared: ${c.contacts.toLocaleString("en-US")} (converted before the as-of date left out); conversions: ${c.conversions}`,
    "",
    table(
      ["model", "ROC AUC", "top-decile lift"],
      c.models.map((m) => [m.name, fixed(m.rocAuc), fixed(m.topDecileLift, 2)]),
    ),
    "",
    `rank agreement (Spearman): ${fixed(c.rankAgreement)}`,
    "",
    "Where they disagree (top tenth of one, bottom half of the other)",
    table(
      ["ranked high by", "contacts", "conversions", "rate", "95% interval"],
      c.disagreements.map((d) => [
        d.highIn,
        String(d.contacts),
        String(d.conversions),
        pct(d.rate),
        d.contacts ? `${pct(d.interval.low)}-${pct(d.interval.high)}` : "-",
      ]),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
