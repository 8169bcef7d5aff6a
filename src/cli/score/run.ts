/** `leadscore score`: opens the inputs, picks the mode, writes the outputs, prints the summary. */
import { compileModel, type Evaluator, type Properties } from "../../engine/index.js";
import { type OutputFormat, openWriter, outputFormatOf, type RecordWriter } from "../../io/write.js";
import { UserError } from "../errors.js";
import { AccountCollector, writeAccounts } from "./accounts.js";
import { BAD_ROW_COLUMNS, BadRowLog } from "./bad-rows.js";
import { readCompanies } from "./companies.js";
import { closeInputs, type Inputs, openInputs } from "./inputs.js";
import { loadModel, parseAsOf, type ScoreOptions } from "./options.js";
import { outputShape } from "./output.js";
import { type Progress, startProgress } from "./progress.js";
import { scoreGrouped } from "./run-grouped.js";
import { scoreIndexed } from "./run-indexed.js";
import { ContactScorer } from "./scorer.js";
import { summaryLines, Tally } from "./summary.js";

/** Runs a scoring; resolves to the exit code. */
export async function runScore(options: ScoreOptions): Promise<number> {
  const startMs = performance.now();
  const model = await loadModel(options.model);
  const evaluator = compileModel(model);
  const asOfMs = parseAsOf(options.asOf);
  const format = outputFormatOf(options.out, options.format);
  checkAccountOptions(options, evaluator);
  const info = options.out === "-" ? process.stderr : process.stdout;
  const say = (line: string) => info.write(`${line}\n`);
  const inputs = await openInputs(options, evaluator);
  say(`model: ${model.name} v${model.version} (${evaluator.dimensionIds.join(", ")})`);
  say(
    `as of: ${new Date(asOfMs).toISOString()}${options.asOf === undefined ? " (now; set it with --as-of)" : ""}`,
  );
  for (const note of inputs.notes) say(note);
  const errors =
    options.errors === undefined ? undefined : openWriter(options.errors, "csv", BAD_ROW_COLUMNS);
  const badRows = new BadRowLog(errors);
  const tally = new Tally();
  const progress = startProgress(inputs.sources, options.progress);
  const shape = outputShape(evaluator.dimensionIds, {
    ledger: options.ledger === true,
    keptColumns: options.keepColumns ? inputs.contacts.source.columns : [],
  });
  const writer = openWriter(options.out, format, shape.columns);
  try {
    const companies = await readCompaniesOf(inputs, badRows, progress);
    const accounts = options.accountsOut ? new AccountCollector(evaluator.dimensionIds) : undefined;
    const scorer = new ContactScorer({
      evaluator,
      asOfMs,
      ledger: options.ledger === true,
      format,
      shape,
      keepColumns: options.keepColumns === true,
      writer,
      tally,
      badRows,
      contacts: inputs.contacts.source,
      reader: inputs.contacts.reader,
      companies,
      companiesFile: options.companies,
      accounts,
    });
    const parts = { evaluator, asOfMs, ledger: options.ledger === true, badRows, tally, progress, scorer };
    await (options.grouped ? scoreGrouped(inputs, parts) : scoreIndexed(inputs, parts));
    progress.stop();
    await writer.close();
    if (accounts && companies) await writeAccountsOut(options, format, evaluator, companies, accounts, say);
    await errors?.close();
  } catch (error) {
    progress.stop();
    await abortAll([writer, errors]);
    closeInputs(inputs);
    throw error;
  }
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

async function readCompaniesOf(
  inputs: Inputs,
  badRows: BadRowLog,
  progress: Progress,
): Promise<Map<string, Properties> | undefined> {
  if (!inputs.companies) return undefined;
  progress.phase("reading companies");
  return readCompanies(inputs.companies.source, inputs.companies.reader, badRows, progress);
}

async function writeAccountsOut(
  options: ScoreOptions,
  format: OutputFormat,
  evaluator: Evaluator,
  companies: ReadonlyMap<string, Properties>,
  accounts: AccountCollector,
  say: (line: string) => void,
): Promise<void> {
  const path = options.accountsOut!;
  const count = await writeAccounts(
    path,
    outputFormatOf(path, options.format ?? format),
    evaluator,
    companies,
    accounts,
  );
  say(`accounts: ${count} written to ${path}`);
}

async function abortAll(writers: readonly (RecordWriter | undefined)[]): Promise<void> {
  for (const writer of writers) await writer?.abort();
}
