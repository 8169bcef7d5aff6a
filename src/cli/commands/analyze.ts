/**
 * `leadscore analyze`: which bands convert, where to put the MQL threshold, which rules earn
 * their points, on files: the `score` inputs plus how conversions are known.
 */
import type { Command } from "commander";
import { withOutcomeOptions } from "../analyze/options.js";
import { type AnalyzeOptions, runAnalyze } from "../analyze/run.js";
import { withFileReading } from "../score/options.js";
import { asUserErrors } from "./score.js";

const EXAMPLES = `
Every contact is scored as of --as-of, with its ledger; contacts who converted at or before that
date are left out (already customers), and a conversion counts when it falls within --horizon
after it. One pass over the data, constant memory besides the events of the indexed mode.

How conversions are known (one of):
  --conversion event:deal_won           the contact's first deal_won event (from --events)
  --conversion date:convertedAt         a date column of the contacts file; empty: not converted
  --conversion stage:customer           lifecycleStage at customer or a later stage (no date)
  --conversion stage:status=won         the same on another column
  --conversion flag:Converted           a yes/no column: 1, true, yes (no date)
  --outcomes outcomes.csv               contactId (or id), convertedAt and/or converted columns
A conversion without a date counts as within the horizon, whenever it happened.

The report: per band of the total and of each dimension, per temperature, grade-matrix cell and
MQL status: contacts, conversions, rate with its Wilson 95% interval, lift over the base rate,
median days from the as-of date to the conversion, and in words whether conversion rises band by
band. Then the trade-off of every threshold (MQLs a week over --period, their conversion,
customers caught), the threshold for a goal, health warnings, and each rule's lift (when it gives
points against when it does not, Katz 95% interval) with suggested points, for the model's rules
and for candidate columns and event types the model does not read.

Examples:
  $ leadscore demo --out data --contacts 5000
  $ leadscore init --template b2b --out model.yaml
  $ leadscore analyze --model model.yaml --contacts data/contacts.csv --events data/events.csv \\
      --companies data/companies.csv --conversion date:convertedAt --as-of 2026-08-01 \\
      --capacity 40/week --html report.html
  $ leadscore analyze --model examples/x-education/model.yaml --contacts Leads.csv \\
      --id-column "Prospect ID" --conversion flag:Converted --as-of 2026-01-01 --min-conversion 0.6
`;

export function register(program: Command): void {
  const command = program
    .command("analyze")
    .description(
      "Which score bands convert, where to put the MQL threshold, what each rule is worth, on outcomes.",
    )
    .requiredOption("--model <file>", "model file (YAML or JSON)")
    .requiredOption("--contacts <file>", "contacts (.csv, .jsonl or .ndjson)")
    .option("--events <file>", "events: id, contactId, type, timestamp, then any property columns")
    .option("--companies <file>", "companies, joined to contacts by companyId")
    .option("--as-of <date>", "score as of this ISO date or date-time (required)");
  withOutcomeOptions(command)
    .option(
      "--period <days>",
      "the period the contacts came in over, for MQLs a week (default: first event to --as-of)",
    )
    .option("--capacity <n/week>", "goal: the lowest threshold giving at most this many MQLs a week")
    .option(
      "--min-conversion <share>",
      "goal: the lowest threshold whose MQLs convert at least this much (0.3 or 30%)",
    )
    .option(
      "--catch <share>",
      "goal: the highest threshold whose MQLs hold this share of the customers (0.8)",
    )
    .option(
      "--candidates <columns>",
      "contact columns to measure as candidate rules (default: those the model does not read)",
    )
    .option("--no-candidates", "measure the model's rules only")
    .option("--json", "print the analysis as JSON instead of tables")
    .option("--html <file>", "write a standalone HTML report with charts");
  withFileReading(command)
    .addHelpText("after", EXAMPLES)
    .action((options: AnalyzeOptions) => asUserErrors(() => runAnalyze(options)));
}
