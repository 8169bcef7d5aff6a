/** `leadscore evaluate`: a trained model's metrics on labelled rows, beside a rule model's. */
import type { Command } from "commander";
import { type EvaluateOptions, runEvaluate } from "../predict/evaluate.js";

export function register(program: Command): void {
  program
    .command("evaluate")
    .description(
      "Evaluate a trained model on a labelled CSV (ROC AUC, PR AUC, Brier, log loss, lift, calibration); with --rules, the rule score side by side.",
    )
    .requiredOption("--model <file>", "model artifact written by leadscore train")
    .requiredOption("--data <file>", "labelled rows (CSV with the training columns)")
    .option("--label <column>", "the outcome column (default: the training label's name)")
    .option("--rules <file>", "a Leadscore rule model (YAML or JSON) to score the same rows with")
    .option("--as-of <date>", "date the rules score as of (default: now)")
    .option("--report <file>", "also write a standalone HTML report with charts")
    .action(async (options: EvaluateOptions) => {
      await runEvaluate(options);
    });
}
