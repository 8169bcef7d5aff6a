/** The `leadscore` command line: each command lives in its own module under commands/. */
import { Command } from "commander";
import { UserError } from "./errors.js";
import { nearestName } from "./nearest.js";

type Register = (program: Command) => void;

// Each module exports `register(program)` for the command of its name; add a command by adding
// its module here.
const commandModules: Record<string, () => Promise<{ register: Register }>> = {
  init: () => import("./commands/init.js"),
  validate: () => import("./commands/validate.js"),
  diff: () => import("./commands/diff.js"),
  schema: () => import("./commands/schema.js"),
  demo: () => import("./commands/demo.js"),
  quickstart: () => import("./commands/quickstart.js"),
  score: () => import("./commands/score.js"),
  explain: () => import("./commands/explain.js"),
  calibrate: () => import("./commands/calibrate.js"),
  analyze: () => import("./commands/analyze.js"),
  compare: () => import("./commands/compare.js"),
  serve: () => import("./commands/serve.js"),
  keys: () => import("./commands/keys.js"),
  import: () => import("./commands/import.js"),
  train: () => import("./commands/train.js"),
  predict: () => import("./commands/predict.js"),
  evaluate: () => import("./commands/evaluate.js"),
  alerts: () => import("./commands/alerts.js"),
};

/**
 * The modules to load: only the named command's when there is one (loading all of them, with
 * the service's HTTP and database libraries, is slow enough to notice), every one for the general
 * help or the version. An unknown command never gets here (unknownCommand).
 */
function commandNameOf(argv: string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith("-"));
}

function modulesFor(argv: string[]): Array<() => Promise<{ register: Register }>> {
  const name = commandNameOf(argv);
  const only = name !== undefined && Object.hasOwn(commandModules, name) ? commandModules[name] : undefined;
  return only ? [only] : Object.values(commandModules);
}

/**
 * An unknown command is an error whatever follows it: `leadscore analyse --help` must not print
 * the general help and succeed, as if the command existed.
 */
function unknownCommand(argv: string[]): UserError | undefined {
  const name = commandNameOf(argv);
  if (name === undefined || name === "help" || Object.hasOwn(commandModules, name)) return undefined;
  const nearest = nearestName(name, Object.keys(commandModules));
  return new UserError(
    `unknown command '${name}'${nearest ? `; did you mean '${nearest}'?` : ""} (leadscore --help lists the commands)`,
  );
}

export async function main(argv: string[]): Promise<void> {
  const unknown = unknownCommand(argv);
  if (unknown) {
    process.stderr.write(`leadscore: ${unknown.message}\n`);
    process.exitCode = unknown.exitCode;
    return;
  }
  const program = new Command()
    .name("leadscore")
    .description(
      "Explainable lead scoring: models as code, batch scoring, ledgers, and a real-time scoring service.",
    )
    .version("0.1.0")
    .showHelpAfterError();
  for (const load of modulesFor(argv)) (await load()).register(program);
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
