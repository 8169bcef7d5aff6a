/** `leadscore train`: a predictive model from a flat CSV with a label column. */
import type { Command } from "commander";
import { runTrain, type TrainOptions } from "../predict/train.js";
import { collect } from "../score/options.js";

export function register(program: Command): void {
  program
    .command("train")
    .description(
      "Train a predictive model (probability of converting) on a CSV with a label column, or on contacts and events as of snapshot dates; evaluate it on a holdout.",
    )
    .option("--data <file>", "training table: CSV (comma, semicolon or tab; UTF-8, BOM or not)")
    .option("--label <column>", "with --data: the outcome column, 0/1, yes/no or true/false")
    .option("--contacts <file>", "instead of --data: contacts CSV (id, companyId, convertedAt, properties)")
    .option("--events <file>", "with --contacts: events CSV (id, contactId, type, timestamp, properties)")
    .option("--companies <file>", "with --contacts: companies CSV, joined by companyId")
    .option(
      "--snapshots <dates>",
      "with --contacts: comma-separated ISO dates the features are computed as of",
    )
    .option("--horizon <days>", "with --contacts: the label is converting within this many days", "90")
    .requiredOption("--out <file>", "the model artifact to write (JSON)")
    .option("--model <kind>", "gbdt (boosted trees) or scorecard (0-100 points)", "gbdt")
    .option("--holdout <share>", "share of the rows held out for evaluation", "0.25")
    .option("--seed <n>", "seed of the splits and the model", "1")
    .option(
      "--time-column <column>",
      "hold out the latest rows by this date column instead of a stratified sample",
    )
    .option(
      "--drop <columns>",
      "columns never used, e.g. outcome-derived ones; comma-separated, * matches any text (repeatable)",
      collect,
      [],
    )
    .option("--min-positives <n>", "converted rows needed to train", "500")
    .option("--min-negatives <n>", "not-converted rows needed to train", "1000")
    .option(
      "--rules <file>",
      "a Leadscore rule model: its score on the same holdout, side by side (with --contacts its scores are also features)",
    )
    .option("--as-of <date>", "date the rules score as of (default: now)")
    .option("--report <file>", "also write a standalone HTML report with charts")
    .option(
      "--scorecard-out <file>",
      "with --model scorecard: also write it as a Leadscore model file (YAML)",
    )
    .option("--progress", "progress bars even when stderr is not a terminal")
    .option("--no-progress", "no progress bars")
    .action(async (options: TrainOptions) => {
      await runTrain(options);
    });
}
