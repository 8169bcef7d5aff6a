/**
 * Kysely's SQLite dialect with transactions that begin IMMEDIATE: a transaction takes the write
 * lock when it starts, not at its first write. With one process nothing changes (Kysely runs one
 * transaction at a time on the connection). With a second process on the same file (SQLite is
 * meant for one, but `import --direct` against a serving process's folder happens), a deferred
 * transaction that read before another process committed cannot write any more and fails at
 * once with "database is locked"; an immediate one waits for the lock (busy_timeout) instead.
 * A transaction set to read only begins deferred: it never takes the write lock, so a long read
 * (a scoring pass reading the queue) does not hold back writers on other connections. Write
 * transactions first take this process's write turn (write-turn.ts), shared with the other
 * threads' connections to the file.
 */

import type BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type TransactionSettings,
} from "kysely";
import type { WriteTurn } from "./write-turn.js";

/** Statements kept prepared per connection, by SQL text (the most recently used). */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The connection as Kysely sees it, with its statements kept prepared: Kysely prepares every
 * query it runs again (under ingest load, `prepare` showed in the scoring thread's profile).
 * A statement still being read by a stream is not shared: another is prepared for the caller.
 */
export function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDialectConfig["database"] {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached?.busy) return sqlite.prepare(sql);
      if (cached) {
        // Moved to the end: the first entry is the least recently used.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = sqlite.prepare(sql);
      cache.set(sql, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

class ImmediateSqliteDriver extends SqliteDriver {
  /** Whether the transaction under way holds the write turn (one connection: one transaction). */
  private holdsTurn = false;

  constructor(
    config: SqliteDialectConfig,
    private readonly turn: WriteTurn,
  ) {
    super(config);
  }

  override async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings = {},
  ): Promise<void> {
    if (settings.accessMode === "read only") {
      await connection.executeQuery(CompiledQuery.raw("begin deferred"));
      return;
    }
    await this.turn.acquire();
    this.holdsTurn = true;
    try {
      await connection.executeQuery(CompiledQuery.raw("begin immediate"));
    } catch (error) {
      this.releaseTurn();
      throw error;
    }
  }

  override async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.commitTransaction(connection);
    } finally {
      this.releaseTurn();
    }
  }

  override async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await super.rollbackTransaction(connection);
    } finally {
      this.releaseTurn();
    }
  }

  private releaseTurn(): void {
    if (!this.holdsTurn) return;
    this.holdsTurn = false;
    this.turn.release();
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(
    config: SqliteDialectConfig,
    private readonly turn: WriteTurn,
  ) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config, this.turn);
  }
}
