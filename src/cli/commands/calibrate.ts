/**
 * `leadscore calibrate`: moves the limits of aggregate and recency bands so that each band
 * holds about the same share of the contacts, from the data; prints the bands before and after
 * and, with --out, writes the model with only those limits changed.
 */
import { access, constants, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Command } from "commander";
import { type CalibrationPlan, planCalibration } from "../../analytics/calibrate.js";
import { compileModel, type Evaluator, type Properties } from "../../engine/index.js";
import { openWriter } from "../../io/write.js";
import { ModelError } from "../../model/errors.js";
import { parseModel } from "../../model/parse.js";
import { ValueCollector } from "../calibrate/collect.js";
import { checkEdits, editModelText, type ValueEdit } from "../calibrate/edit.js";
import { renderPlan } from "../calibrate/report.js";
import { type BandedRule, chooseRules } from "../calibrate/rules.js";
import { UserError } from "../errors.js";
import { BAD_ROW_COLUMNS, BadRowLog } from "../score/bad-rows.js";
import { readCompanies } from "../score/companies.js";
import { closeInputs, type Inputs, openInputs } from "../score/inputs.js";
import { collect, type InputOptions, loadModel, parseAsOf, withFileReading } from "../score/options.js";
import { startProgress } from "../score/progress.js";
import { scoreGrouped } from "../score/run-grouped.js";
import { scoreIndexed } from "../score/run-indexed.js";
import { Tally } from "../score/summary.js";
import { asUserErrors } from "./score.js";

export interface CalibrateOptions extends InputOptions {
  rule?: string[];
  out?: string;
  grouped?: boolean;
  errors?: string;
  progress: boolean;
}

const EXAMPLES = `
Each chosen rule's bands get new limits at the quantiles of the data: with 5 bands, each holds
about a fifth of the contacts whose value the bands cover (a spend of 0 or no order at all stays
with \`otherwise\`). The outer limits (the lowest min, the highest max, the last window), the
points, the order of the bands and the way they are written (min or max limits, ranges, within)
are kept. A limit is rounded (40 rather than 40.37) when that moves at most 0.5% of the
contacts. When too many contacts share a value (most customers order once), the bands cannot be
even: the output says so. Every contact counts, disqualified or not.

By default every aggregate and recency rule whose bands follow each other without gaps is
calibrated. Without --out nothing is written. With --out, only the changed limits differ from the
model file: comments and layout are kept, and the new model is validated before it is written.

Example:
  $ leadscore init --template rfm --out rfm.yaml
  $ leadscore demo --out data --contacts 3000
  $ leadscore calibrate --model rfm.yaml --contacts data/contacts.csv --events data/events.csv \\
      --as-of 2026-11-01 --out rfm-calibrated.yaml
  $ leadscore calibrate --model rfm.yaml --contacts data/contacts.csv --events data/events.csv \\
      --as-of 2026-11-01 --rule spend-last-year          # one rule, report only
`;

export function register(program: Command): void {
  const command = program
    .command("calibrate")
    .description("Move the limits of aggregate and recency bands so each band holds about as many contacts.")
    .requiredOption("--model <file>", "model file (YAML or JSON)")
    .requiredOption("--contacts <file>", "contacts (.csv, .jsonl or .ndjson)")
    .requiredOption("--events <file>", "events: id, contactId, type, timestamp, then any property columns")
    .option("--companies <file>", "companies, joined to contacts by companyId")
    .option("--as-of <date>", "compute the values as of this ISO date or date-time (default: now)")
    .option("--rule <id>", "calibrate this rule (repeatable; default: every rule that can be)", collect)
    .option("--out <file>", "write the calibrated model here (may be the model file itself)");
  withFileReading(command)
    .addHelpText("after", EXAMPLES)
    .action((options: CalibrateOptions) => asUserErrors(() => calibrate(options)));
}

export async function calibrate(options: CalibrateOptions): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const model = await loadModel(options.model);
  const { chosen: rules, skipped } = chooseRules(model, options.model, options.rule ?? []);
  const asOfMs = parseAsOf(options.asOf);
  if (options.out !== undefined) await checkWritable(options.out);
  const evaluator = compileModel(model);
  const inputs = await openInputs(options, evaluator);
  say(`model: ${model.name} v${model.version}`);
  const now = options.asOf === undefined ? " (now; set it with --as-of)" : "";
  say(`as of: ${new Date(asOfMs).toISOString()}${now}`);
  for (const note of inputs.notes) say(note);
  const { collector, tally, badRows } = await collectValues(options, inputs, evaluator, asOfMs, rules);
  for (const line of badRows.describe(options.errors)) process.stderr.write(`${line}\n`);
  const badCounts = [...badRows.counts].map(([kind, n]) => `${kind} ${n}`).join(", ");
  say(`contacts read: ${tally.contacts}; events: ${tally.eventsRead} read, ${tally.eventsUsed} used`);
  say(`bad rows: ${badRows.total}${badRows.total > 0 ? ` (${badCounts})` : ""}`);
  const plans = rules.map((rule) => ({
    rule,
    plan: planCalibration(rule.bands, collector.valuesOf(rule.id)),
  }));
  for (const { rule, plan } of plans) say(["", ...renderPlan(rule, plan, tally.contacts)].join("\n"));
  for (const rule of skipped) say(`\n${rule.dimension} / ${rule.id}: left as is: ${rule.problem}`);
  const edits = plans.flatMap(({ rule, plan }) => editsOf(rule, plan));
  const changed = plans.filter(({ plan }) => plan.edits.length > 0).length;
  say("");
  if (options.out === undefined) {
    say(
      edits.length === 0
        ? "nothing to change"
        : `${count(edits.length, "limit")} would change in ${count(changed, "rule")}; add --out FILE to write the model`,
    );
    return;
  }
  await writeModel(options.model, options.out, edits);
  say(
    `wrote ${options.out}: ${count(edits.length, "limit")} changed in ${count(changed, "rule")}; the model is valid`,
  );
  if (edits.length > 0) say("check the comments next to the changed limits: they may describe the old ones");
}

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function editsOf(rule: BandedRule, plan: CalibrationPlan): ValueEdit[] {
  return plan.edits.map((edit) => ({
    path: [...rule.path, "bands", edit.band, edit.key],
    value: edit.value,
  }));
}

/** Fails before any work when the output cannot be written. */
async function checkWritable(path: string): Promise<void> {
  try {
    await access(dirname(path), constants.W_OK);
  } catch {
    throw new UserError(`--out ${path}: cannot write to ${dirname(path)}`);
  }
}

async function collectValues(
  options: CalibrateOptions,
  inputs: Inputs,
  evaluator: Evaluator,
  asOfMs: number,
  rules: readonly BandedRule[],
) {
  const errors =
    options.errors === undefined ? undefined : openWriter(options.errors, "csv", BAD_ROW_COLUMNS);
  const badRows = new BadRowLog(errors);
  const tally = new Tally();
  const progress = startProgress(inputs.sources, options.progress);
  try {
    let companies: Map<string, Properties> | undefined;
    if (inputs.companies) {
      progress.phase("reading companies");
      companies = await readCompanies(inputs.companies.source, inputs.companies.reader, badRows, progress);
    }
    const collector = new ValueCollector(
      {
        evaluator,
        asOfMs,
        tally,
        badRows,
        reader: inputs.contacts.reader,
        contacts: inputs.contacts.source,
        companies,
        companiesFile: options.companies,
      },
      rules.map((rule) => rule.id),
    );
    const parts = { evaluator, asOfMs, ledger: false, badRows, tally, progress, scorer: collector };
    await (options.grouped ? scoreGrouped(inputs, parts) : scoreIndexed(inputs, parts));
    progress.stop();
    await errors?.close();
    return { collector, tally, badRows };
  } catch (error) {
    progress.stop();
    await errors?.abort();
    throw error;
  } finally {
    closeInputs(inputs);
  }
}

/** Writes the model file with the edits, after checking the result is a valid model holding them. */
async function writeModel(modelPath: string, out: string, edits: readonly ValueEdit[]): Promise<void> {
  const text = editModelText(await readFile(modelPath, "utf8"), modelPath, edits);
  try {
    checkEdits(parseModel(text, out), edits);
  } catch (error) {
    if (error instanceof ModelError) throw new Error(`calibrate made an invalid model:\n${error.message}`);
    throw error;
  }
  const temporary = `${out}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, out);
  } catch (error) {
    throw new UserError(`--out ${out}: ${(error as Error).message}`);
  }
}
