/** `leadscore diff`: what changed between two versions of a model. */
import type { Command } from "commander";
import { diffModels } from "../../model/diff.js";
import { renderDiff } from "../../model/diff-text.js";
import { loadModelForCommand } from "../model-file.js";

export interface DiffOptions {
  json?: boolean;
  exitCode?: boolean;
}

const EXAMPLES = `
Lines start with + (added), - (removed), ~ (changed) or > (moved to another dimension).

Examples:
  $ leadscore diff model-v1.yaml model-v2.yaml
  ~ rule visit in engagement:
      points: 5 → 8
  + rule pricing-page added to engagement (50 points)
  $ leadscore diff old.yaml new.yaml --json
  $ leadscore diff old.yaml new.yaml --exit-code   # exit 1 when they differ, for CI
`;

export function register(program: Command): void {
  program
    .command("diff")
    .description("Show what changed between two models: dimensions, rules, gates, thresholds.")
    .argument("<before>", "the old model file")
    .argument("<after>", "the new model file")
    .option("--json", "print the changes as JSON")
    .option("--exit-code", "exit with code 1 when the models differ")
    .addHelpText("after", EXAMPLES)
    .action(async (before: string, after: string, options: DiffOptions) => {
      await diff(before, after, options);
    });
}

export async function diff(beforeFile: string, afterFile: string, options: DiffOptions): Promise<void> {
  const [before, after] = await Promise.all([
    loadModelForCommand(beforeFile),
    loadModelForCommand(afterFile),
  ]);
  const changes = diffModels(before, after);
  process.stdout.write(options.json ? `${JSON.stringify(changes, null, 2)}\n` : renderDiff(changes));
  if (options.exitCode && changes.length > 0) process.exitCode = 1;
}
