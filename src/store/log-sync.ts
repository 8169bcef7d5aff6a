/**
 * Makes SQLite's write-ahead log durable off the thread that commits. A commit with
 * `synchronous = FULL` writes the log and waits for fsync while it holds the file's write lock
 * and blocks its thread (on the ingest bench, a large part of the serving thread's time, all of
 * it with the scoring thread kept waiting). Ingest instead commits with NORMAL (written to the OS,
 * not yet to disk), gives the lock back, and answers once an fsync of the log started after its
 * commit has finished. Durable the same: an event is acknowledged only once it is on disk. The
 * fsync runs in libuv's thread pool, and every commit made while one runs shares the next one.
 *
 * The log's frames cannot be overwritten before they are on disk: SQLite syncs the log before
 * each checkpoint, and only a checkpointed log is reused.
 */
import { closeSync, fsync, openSync } from "node:fs";
import { type Kysely, sql } from "kysely";
import type { Tables } from "./tables.js";

export class LogSync {
  private fd: number | undefined;
  /** The last fsync started. */
  private running: Promise<void> = Promise.resolve();
  /** The fsync that starts when the running one ends, shared by everyone who asked meanwhile. */
  private next: Promise<void> | undefined;

  /** `logFile`: the -wal file of a database in WAL mode (it exists once the database is open). */
  constructor(private readonly logFile: string) {}

  /** Resolves once everything written to the log before this call is on disk. */
  sync(): Promise<void> {
    // The fsync under way may have started before the caller's commit: the caller needs the next.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        this.running = this.fsyncOnce();
        return this.running;
      });
    return this.next;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private fsyncOnce(): Promise<void> {
    // Opened on first use: the log exists once a first transaction wrote to it.
    this.fd ??= openSync(this.logFile, "r+");
    const fd = this.fd;
    return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
  }
}

/**
 * Runs `work` on the SQLite connection with commits that write the log without waiting for
 * fsync (`synchronous = NORMAL`), then puts FULL back. The caller makes what it committed
 * durable itself (`LogSync.sync`) or does not need it to be (what it wrote can be derived again).
 */
export function withUnsyncedCommits<T>(
  db: Kysely<Tables>,
  work: (db: Kysely<Tables>) => Promise<T>,
): Promise<T> {
  return db.connection().execute(async (connection) => {
    await sql`pragma synchronous = NORMAL`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql`pragma synchronous = FULL`.execute(connection);
    }
  });
}
