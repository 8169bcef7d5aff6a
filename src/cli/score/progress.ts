/** A progress bar by bytes read over every input file, on stderr, only when stderr is a terminal. */
import cliProgress from "cli-progress";
import type { RecordSource } from "../../io/source.js";

export interface Progress {
  /** Names the current step and which files count as read. */
  phase(label: string): void;
  update(): void;
  stop(): void;
}

const SILENT: Progress = { phase() {}, update() {}, stop() {} };

function megabytes(bytes: number): string {
  return (bytes / 1_048_576).toFixed(1);
}

export function startProgress(sources: readonly RecordSource[], enabled: boolean): Progress {
  if (!enabled || !process.stderr.isTTY || sources.length === 0) return SILENT;
  const totalBytes = sources.reduce((sum, source) => sum + source.totalBytes, 0);
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "{phase} [{bar}] {percentage}% | {read} / {size} MB | {duration_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  const size = megabytes(totalBytes);
  let phase = "reading";
  const read = () => sources.reduce((sum, source) => sum + Math.min(source.bytesRead, source.totalBytes), 0);
  bar.start(Math.max(1, totalBytes), 0, { phase, read: "0.0", size });
  return {
    phase(label) {
      phase = label;
      bar.update({ phase });
    },
    update() {
      const bytes = read();
      bar.update(bytes, { phase, read: megabytes(bytes), size });
    },
    stop() {
      bar.stop();
    },
  };
}
