/**
 * Runs in a worker thread: checkpoints the SQLite log of the service's database on its own
 * connection, so the copy of log pages into the database file never blocks the thread that
 * answers requests. PASSIVE never waits for the writer and never blocks it.
 */
import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";

const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new SQLite(file);
db.pragma("busy_timeout = 50");
const timer = setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch {
    // Busy or closing: the next tick tries again, and the service's own auto-checkpoint is the backstop.
  }
}, intervalMs);
parentPort?.on("message", (message) => {
  if (message !== "stop") return;
  clearInterval(timer);
  db.close();
  parentPort?.close();
});
