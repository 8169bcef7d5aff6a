/**
 * Progress bars of the predictive commands, on stderr when it is a terminal (or always with
 * --progress, as a line a second in logs; never with --no-progress): bytes while reading the
 * file, boosting iterations while training.
 */
import cliProgress from "cli-progress";

export interface Bar {
  update(value: number, total?: number): void;
  stop(): void;
}

const SILENT: Bar = { update() {}, stop() {} };

export function startBar(label: string, total: number, unit: string, setting: boolean | undefined): Bar {
  const enabled = setting ?? process.stderr.isTTY === true;
  if (!enabled) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`,
      hideCursor: true,
      clearOnComplete: process.stderr.isTTY === true,
      noTTYOutput: true,
      notTTYSchedule: 1000,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, total), 0);
  return {
    update(value, newTotal) {
      if (newTotal !== undefined) bar.setTotal(Math.max(1, newTotal));
      bar.update(value);
    },
    stop() {
      bar.stop();
    },
  };
}
