/** `leadscore score`: opens the inputs, picks the mode, writes the outputs, prints the summary. */
import { compileModel, type Evaluator, type Properties } from "../../engine/index.js";
import { type OutputFormat, openWriter, outputFormatOf, type RecordWriter } from "../../io/write.js";
import { UserError } from "../errors.js";
import { AccountCollector, writeAccounts } from "./accounts.js";
import { BAD_ROW_COLUMNS, BadRowLog } from "./bad-rows.js";
import { readCompanies } from "./companies.js";
import { closeInputs, type Inputs, openInputs } from "./inputs.js";
import { loadModel, parseAsOf, type ScoreOptions } from "./options.js";
import { type OutputShape, outputShape } from "./output.js";
import { startProgress } from "./progress.js";
import { scoreGrouped } from "./run-grouped.js";
import { scoreIndexed } from "./run-indexed.js";
import { ContactScorer, type RunParts } from "./scorer.js";
import { summaryLines, Tally } from "./summary.js";

interface Outputs {
  format: OutputFormat;
  shape: OutputShape;
  writer: RecordWriter;
  errors: RecordWriter | undefined;
}

/** Runs a scoring; resolves to the exit code. */
export async function runScore(options: ScoreOptions): Promise<number> {
  const startMs = performance.now();
  const model = await loadModel(options.model);
  const evaluator = compileModel(model);
  const asOfMs = parseAsOf(options.asOf);
  checkAccountOptions(options, evaluator);
  const say = (line: string) => (options.out === "-" ? process.stderr : process.stdout).write(`${line}\n`);
  const inputs = await openInputs(options, evaluator);
  let outputs: Outputs;
  try {
    outputs = openOutputs(options, evaluator, inputs);
  } catch (error) {
    closeInputs(inputs);
    throw error;
  }
  say(`model: ${model.name} v${model.version} (${evaluator.dimensionIds.join(", ")})`);
  const now = options.asOf === undefined ? " (now; set it with --as-of)" : "";
  say(`as of: ${new Date(asOfMs).toISOString()}${now}`);
  for (const note of inputs.notes) say(note);
  const badRows = new BadRowLog(outputs.errors);
  const tally = new Tally();
  await scoreAll(options, inputs, outputs, { evaluator, asOfMs, badRows, tally }, say);
  for (const line of badRows.describe(options.errors)) process.stderr.write(`${line}\n`);
  say(`scored: ${options.out === "-" ? "stdout" : options.out}`);
  for (const line of summaryLines(tally, badRows, performance.now() - startMs)) say(line);
  return options.strict && badRows.total > 0 ? 1 : 0;
}

function checkAccountOptions(options: ScoreOptions, evaluator: Evaluator): void {
  if (options.accountsOut === undefined) return;
  if (!evaluator.model.account)
    throw new UserError("--accounts-out needs a model with an `account` block (company rules or a roll-up)");
  if (options.companies === undefined) throw new UserError("--accounts-out needs --companies FILE");
}

/** Output files are opened before any work, so a bad path fails at once. */
function openOutputs(options: ScoreOptions, evaluator: Evaluator, inputs: Inputs): Outputs {
  const format = outputFormatOf(options.out, options.format);
  const shape = outputShape(evaluator.dimensionIds, {
    ledger: options.ledger === true,
    keptColumns: options.keepColumns ? inputs.contacts.source.columns : [],
  });
  const errors =
    options.errors === undefined ? undefined : openWriter(options.errors, "csv", BAD_ROW_COLUMNS);
  try {
    return { format, shape, writer: openWriter(options.out, format, shape.columns), errors };
  } catch (error) {
    void errors?.abort();
    throw error;
  }
}

async function scoreAll(
  options: ScoreOptions,
  inputs: Inputs,
  outputs: Outputs,
  run: Pick<RunParts, "evaluator" | "asOfMs" | "badRows" | "tally">,
  say: (line: string) => void,
): Promise<void> {
  const progress = startProgress(inputs.sources, options.progress);
  const ledger = options.ledger === true;
  try {
    let companies: Map<string, Properties> | undefined;
    if (inputs.companies) {
      progress.phase("reading companies");
      companies = await readCompanies(
        inputs.companies.source,
        inputs.companies.reader,
        run.badRows,
        progress,
      );
    }
    const accounts = options.accountsOut ? new AccountCollector(run.evaluator.dimensionIds) : undefined;
    const scorer = new ContactScorer({
      ...run,
      ...outputs,
      ledger,
      keepColumns: options.keepColumns === true,
      contacts: inputs.contacts.source,
      reader: inputs.contacts.reader,
      companies,
      companiesFile: options.companies,
      accounts,
    });
    const parts: RunParts = { ...run, ledger, progress, scorer };
    await (options.grouped ? scoreGrouped(inputs, parts) : scoreIndexed(inputs, parts));
    progress.stop();
    await outputs.writer.close();
    if (accounts && companies) {
      const path = options.accountsOut!;
      const format = outputFormatOf(path, options.format);
      const count = await writeAccounts(path, format, run.evaluator, companies, accounts);
      say(`accounts: ${count} written to ${path}`);
    }
    await outputs.errors?.close();
  } catch (error) {
    progress.stop();
    for (const writer of [outputs.writer, outputs.errors]) await writer?.abort();
    closeInputs(inputs);
    throw error;
  }
}
