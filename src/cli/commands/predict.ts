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
    .requiredOption("--data <file>", "rows to score (CSV with the training columns)")
    .requiredOption("--out <file>", 'scored CSV ("-" for stdout)')
    .option("--factors <n>", "factors up and down per row", "3")
    .option("--progress", "progress bars even when stderr is not a terminal")
    .option("--no-progress", "no progress bars")
    .action(async (options: PredictOptions) => {
      await runPredict(options);
    });
}
