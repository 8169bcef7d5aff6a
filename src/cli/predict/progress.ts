/**
 * Progress bars of the predictive commands, on stderr when it is a terminal (or always with
 * --progress, as a line a second in logs; never with --no-progress): bytes while reading the
 * file, boosting iterations while training.
 */
import { progressBar } from "../progress-bar.js";

export interface Bar {
  update(value: number, total?: number): void;
  stop(): void;
}

const SILENT: Bar = { update() {}, stop() {} };

export function startBar(label: string, total: number, unit: string, setting: boolean | undefined): Bar {
  const bar = progressBar(
    `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`,
    setting,
  );
  if (!bar) return SILENT;
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
