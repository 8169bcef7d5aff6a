/**
 * PostgreSQL aborts a transaction caught in a deadlock (40P01) or a serialization failure
 * (40001); run again, it succeeds. Locks on contacts are taken in id order, but not always in
 * one go: ingest holds the contacts its events name, then, when a merge committed meanwhile,
 * the survivors, which may sort before them; a merge under way on those survivors can then wait
 * for ingest while ingest waits for it. Such a rare abort must not fail a whole group commit
 * (every request that shared it), so the transactions that lock contacts retry it.
 */
import type { Transaction } from "kysely";
import type { Database, Dialect } from "./database.js";
import type { Tables } from "./tables.js";

const RETRIED_CODES = new Set(["40P01", "40001"]);

export function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRIED_CODES.has(code);
}

/**
 * Runs `work` (a whole transaction: it must leave nothing behind when it throws) and runs it
 * again, up to `attempts` times in all, when PostgreSQL aborted it for a deadlock or a
 * serialization failure, after a short random pause (the other transaction finishes first).
 * `onRetry` hears of each retry (logs, metrics).
 */
export async function retryConflicts<T>(
  dialect: Dialect,
  work: () => Promise<T>,
  options: { attempts?: number; onRetry?: (error: unknown, attempt: number) => void } = {},
): Promise<T> {
  const attempts = dialect === "postgres" ? (options.attempts ?? 4) : 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isTransientConflict(error)) throw error;
      options.onRetry?.(error, attempt);
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}

/** A transaction of `database`, run again after a PostgreSQL deadlock or serialization failure. */
export function retriedTransaction<T>(
  database: Database,
  work: (tx: Transaction<Tables>) => Promise<T>,
): Promise<T> {
  return retryConflicts(database.dialect, () => database.db.transaction().execute(work));
}
