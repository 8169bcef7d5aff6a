/** `leadscore predict`: probabilities, tiers and top factors for every row of a CSV. */
import type { Command } from "commander";
import { type PredictOptions, runPredict } from "../predict/predict.js";

export function register(program: Command): void {
  program
    .command("predict")
    .description(
      "Score every row of a CSV with a trained model: probability, tier and the top factors up and down, in input order.",
    )
    .requiredOption("--model <file>", "model artifact written by leadscore train")
    .option("--data <file>", "rows to score (CSV with the training columns)")
    .option("--contacts <file>", "for a model trained on contacts: the contacts to score")
    .option("--events <file>", "with --contacts: their events")
    .option("--companies <file>", "with --contacts: their companies")
    .option("--as-of <date>", "with --contacts: compute the features as of this date (default: now)")
    .option(
      "--rules <file>",
      "with --contacts: the rule model the model was trained with (its scores are features)",
    )
    .requiredOption("--out <file>", 'scored CSV ("-" for stdout)')
    .option("--factors <n>", "factors up and down per row", "3")
    .option("--progress", "progress bars even when stderr is not a terminal")
    .option("--no-progress", "no progress bars")
    .action(async (options: PredictOptions) => {
      await runPredict(options);
    });
}
