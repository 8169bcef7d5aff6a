/** `leadscore score`: batch scoring of a contacts file, with its events and companies. */
import type { Command } from "commander";
import { InputError } from "../../io/errors.js";
import { UserError } from "../errors.js";
import { collect, type ScoreOptions } from "../score/options.js";
import { runScore } from "../score/run.js";

/** Input and output problems are the user's to fix: shown without a stack trace. */
export async function asUserErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof InputError) throw new UserError(error.message);
    throw error;
  }
}

export function register(program: Command): void {
  program
    .command("score")
    .description("Score every contact of a file with a model; write one row per contact.")
    .requiredOption("--model <file>", "model file (YAML or JSON)")
    .requiredOption("--contacts <file>", "contacts (.csv, .jsonl or .ndjson)")
    .option("--events <file>", "events: id, contactId, type, timestamp, then any property columns")
    .option("--companies <file>", "companies, joined to contacts by companyId")
    .option("--as-of <date>", "score as of this ISO date or date-time (default: now)")
    .requiredOption("--out <file>", 'scored contacts (.csv or .jsonl; "-" for stdout)')
    .option("--format <format>", "output format: csv or jsonl (default: from --out)")
    .option("--input-format <format>", "input format: csv or jsonl (default: from each file's extension)")
    .option("--ledger", "add each contact's ledger: every point and why")
    .option("--keep-columns", "copy the contact's input columns to the output")
    .option(
      "--accounts-out <file>",
      "write account (company) scores; needs an `account` block and --companies",
    )
    .option("--grouped", "events are grouped by contact in the contacts' order: stream both, constant memory")
    .option(
      "--map <name=column>",
      "read a name from a column: email=E-mail, company.name=Account (repeatable)",
      collect,
      [],
    )
    .option("--id-column <column>", "the contacts' id column")
    .option("--errors <file>", "write every bad row (file, line, kind, message) to this CSV")
    .option("--strict", "exit with code 1 when any bad row was seen")
    .option("--no-progress", "no progress bar")
    .action(async (options: ScoreOptions) => {
      const code = await asUserErrors(() => runScore(options));
      if (code !== 0) process.exitCode = code;
    });
}
