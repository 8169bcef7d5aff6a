/** `leadscore compare`: two models on the same files and outcomes. */
import type { Command } from "commander";
import { withOutcomeOptions } from "../analyze/options.js";
import { type CompareOptions, runCompare } from "../compare/run.js";
import { withFileReading } from "../score/options.js";
import { asUserErrors } from "./score.js";

const EXAMPLES = `
Both models score every contact as of --as-of; contacts who converted at or before it are left
out, and a conversion counts within --horizon after it (the conversion forms are analyze's).
Printed: each model's ROC AUC and top-decile lift, how much they agree on the order (Spearman's
rank correlation) and, where they disagree (the top tenth of one is the bottom half of the
other), how often those contacts convert: the model they convert for is the one to trust there.

Example:
  $ leadscore compare --model b2b.yaml --other bant.yaml --contacts data/contacts.csv \\
      --events data/events.csv --companies data/companies.csv --conversion date:convertedAt \\
      --as-of 2026-08-01
`;

export function register(program: Command): void {
  const command = program
    .command("compare")
    .description(
      "Compare two models on the same contacts and outcomes: AUC, lift, rank agreement, disagreements.",
    )
    .requiredOption("--model <file>", "the first model file (YAML or JSON)")
    .requiredOption("--other <file>", "the second model file")
    .requiredOption("--contacts <file>", "contacts (.csv, .jsonl or .ndjson)")
    .option("--events <file>", "events: id, contactId, type, timestamp, then any property columns")
    .option("--companies <file>", "companies, joined to contacts by companyId")
    .option("--as-of <date>", "score as of this ISO date or date-time (required)");
  withOutcomeOptions(command).option("--json", "print the comparison as JSON");
  withFileReading(command)
    .addHelpText("after", EXAMPLES)
    .action((options: CompareOptions) => asUserErrors(() => runCompare(options)));
}
