/**
 * The import's progress bar, by bytes read over all its files, on stderr: shown when stderr is
 * a terminal, or always with --progress (then as a line every second in logs), never with
 * --no-progress.
 */
import type { RecordSource } from "../../io/source.js";
import { progressBar } from "../progress-bar.js";

export interface Progress {
  /** The file now read ("events"). */
  phase(label: string): void;
  update(rows: number): void;
  stop(): void;
}

const SILENT: Progress = { phase() {}, update() {}, stop() {} };

export function startProgress(sources: readonly RecordSource[], setting: boolean | undefined): Progress {
  if (sources.length === 0) return SILENT;
  const bar = progressBar(
    "import {phase} [{bar}] {percentage}% | {rows} rows | {rate} rows/s | {duration_formatted}",
    setting,
  );
  if (!bar) return SILENT;
  const totalBytes = sources.reduce((sum, source) => sum + source.totalBytes, 0);
  const startMs = performance.now();
  let phase = "";
  const payload = (rows: number) => {
    const seconds = (performance.now() - startMs) / 1000;
    return {
      phase,
      rows: rows.toLocaleString("en-US"),
      rate: (seconds > 0 ? Math.round(rows / seconds) : 0).toLocaleString("en-US"),
    };
  };
  const bytesRead = () =>
    sources.reduce((sum, source) => sum + Math.min(source.bytesRead, source.totalBytes), 0);
  bar.start(Math.max(1, totalBytes), 0, payload(0));
  return {
    phase(label) {
      phase = label;
    },
    update(rows) {
      bar.update(bytesRead(), payload(rows));
    },
    stop() {
      bar.stop();
    },
  };
}
