/** The `leadscore` command line: each command lives in its own module under commands/. */
import { Command } from "commander";
import { UserError } from "./errors.js";

type Register = (program: Command) => void;

// Each module exports `register(program)`; add a command by adding its module here.
const commandModules: Array<() => Promise<{ register: Register }>> = [
  () => import("./commands/init.js"),
  () => import("./commands/validate.js"),
  () => import("./commands/diff.js"),
  () => import("./commands/schema.js"),
  () => import("./commands/demo.js"),
  () => import("./commands/quickstart.js"),
  () => import("./commands/score.js"),
  () => import("./commands/explain.js"),
  () => import("./commands/calibrate.js"),
  () => import("./commands/serve.js"),
  () => import("./commands/keys.js"),
  () => import("./commands/import.js"),
  () => import("./commands/train.js"),
  () => import("./commands/predict.js"),
  () => import("./commands/evaluate.js"),
  () => import("./commands/alerts.js"),
];

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("leadscore")
    .description(
      "Explainable lead scoring: models as code, batch scoring, ledgers, and a real-time scoring service.",
    )
    .version("0.1.0")
    .showHelpAfterError();
  for (const load of commandModules) (await load()).register(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof UserError) {
      process.stderr.write(`leadscore: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    throw error;
  }
}
