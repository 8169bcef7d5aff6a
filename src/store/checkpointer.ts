/**
 * A worker thread that checkpoints the SQLite log (checkpoint-worker.ts), started by a serving
 * process only: a checkpoint on the main thread holds up the requests behind it, which showed
 * in the p99 of single events in the ingest bench (bench/README.md).
 */
import { Worker } from "node:worker_threads";

export interface Checkpointer {
  stop(): void;
}

export function startCheckpointer(
  file: string,
  onError: (error: Error) => void,
  intervalMs = 250,
): Checkpointer {
  const worker = new Worker(new URL("./checkpoint-worker.js", import.meta.url), {
    workerData: { file, intervalMs },
  });
  // Never keeps the process alive, and is never awaited: the service does not depend on it.
  worker.unref();
  worker.on("error", onError);
  return {
    stop() {
      worker.postMessage("stop");
    },
  };
}
