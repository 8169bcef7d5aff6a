/**
 * WAL checkpoints off the request path. With SQLite's automatic checkpoint, the commit that
 * crosses the threshold copies the WAL into the database file and syncs it, and about half of
 * commit time went there. A worker thread with its own connection runs PASSIVE checkpoints
 * (they never block the writer) every interval instead, on the other core; the writer keeps a
 * high automatic threshold only as a backstop should the worker stop.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const SQLite = require(workerData.modulePath);
const db = new SQLite(workerData.file);
db.pragma("busy_timeout = 5000");
const checkpoint = () => {
  try { db.pragma("wal_checkpoint(PASSIVE)"); } catch (error) { parentPort.postMessage(String(error)); }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(
  file: string,
  intervalMs = 1000,
  onError: (message: string) => void = () => {},
): Checkpointer {
  const modulePath = createRequire(import.meta.url).resolve("better-sqlite3");
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, intervalMs, modulePath } });
  worker.on("message", (message: string) => onError(message));
  worker.on("error", (error) => onError(error.message));
  worker.unref();
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once("exit", () => resolve());
        worker.postMessage("stop");
        // A worker stuck in a checkpoint must not hold the shutdown: the WAL is safe either way.
        setTimeout(() => void worker.terminate(), 5000).unref();
      }),
  };
}
