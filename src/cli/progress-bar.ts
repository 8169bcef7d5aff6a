/**
 * One look for every progress bar of the CLI: on stderr, shown when stderr is a terminal or
 * always with --progress (then as a line a second in logs), never with --no-progress.
 */
import cliProgress from "cli-progress";

/** A started-later bar in the house format, or undefined when progress is off. */
export function progressBar(format: string, setting: boolean | undefined): cliProgress.SingleBar | undefined {
  if (!(setting ?? process.stderr.isTTY === true)) return undefined;
  return new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format,
      hideCursor: true,
      clearOnComplete: process.stderr.isTTY === true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
}
