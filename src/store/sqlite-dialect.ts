/**
 * Kysely's SQLite dialect with transactions that begin IMMEDIATE: a transaction takes the write
 * lock when it starts, not at its first write. With one process nothing changes (Kysely runs one
 * transaction at a time on the connection). With a second process on the same file (SQLite is
 * meant for one, but `import --direct` against a serving process's folder happens), a deferred
 * transaction that read before another process committed cannot write any more and fails at
 * once with "database is locked"; an immediate one waits for the lock (busy_timeout) instead.
 */
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
