/**
 * Opening the database: embedded SQLite (better-sqlite3, WAL, every acknowledged write synced to
 * disk) by default, PostgreSQL when a URL is given. Migrations run on open, for both.
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, type Migration, Migrator, PostgresDialect, SqliteDialect, sql } from "kysely";
import pg from "pg";
import Cursor from "pg-cursor";
import { LogSync } from "./log-sync.js";
import { initial } from "./migrations/001-initial.js";
import { scoreQueue } from "./migrations/002-score-queue.js";
import { alerts } from "./migrations/003-alerts.js";
import { predictive } from "./migrations/004-predictive.js";
import { counters } from "./migrations/005-counters.js";
import { contactEvents } from "./migrations/006-contact-events.js";
import { scoringInputs } from "./migrations/007-scoring-inputs.js";
import { implicitQueue } from "./migrations/008-implicit-queue.js";
import { eventIdsInMemory } from "./migrations/009-event-ids-in-memory.js";
import { statesBySeq } from "./migrations/010-states-by-seq.js";
import { ingestFunction } from "./migrations/011-ingest-function.js";
import { statesFillfactor } from "./migrations/012-states-fillfactor.js";
import { scopes } from "./migrations/013-scopes.js";
import { users } from "./migrations/014-users.js";
import { preparingPool } from "./pg-prepared.js";
import { ImmediateSqliteDialect, withStatementCache } from "./sqlite-dialect.js";
import type { Tables } from "./tables.js";
import { type TurnUsage, WriteTurn } from "./write-turn.js";

export type Dialect = "sqlite" | "postgres";

export interface DatabaseOptions {
  /** postgres://... selects PostgreSQL; otherwise SQLite in `dataDir`. */
  databaseUrl?: string | undefined;
  /** PostgreSQL schema to use (created when missing); default "public". */
  databaseSchema?: string | undefined;
  /** Folder of the embedded database file (leadscore.db). */
  dataDir: string;
  /** PostgreSQL pool size. */
  poolSize?: number;
  /**
   * SQLite: the write turn of another connection of this process to the same file (the serving
   * thread's, given to the scoring thread); none: a turn of its own.
   */
  writeTurn?: SharedArrayBuffer | undefined;
  /** Apply the migrations up to this one only (a test of the migration after it). */
  migrateTo?: string;
}

export interface Database {
  readonly db: Kysely<Tables>;
  readonly dialect: Dialect;
  /** The raw SQLite connection (the one Kysely uses), for the cached statements of the hot path. */
  readonly sqlite?: SQLite.Database;
  /** SQLite: makes the log durable after commits made without fsync (log-sync.ts). */
  readonly logSync?: LogSync;
  /** SQLite: the write turn of this connection, to share with another thread's connection. */
  readonly writeTurn?: SharedArrayBuffer;
  /** SQLite: how long each connection sharing the write turn held it and waited for it. */
  writeTurnUsage?(): TurnUsage[];
  /**
   * A read-only view of the database as of one moment, for reads made of many queries that must
   * agree (an export read page by page while scores change). SQLite: a connection of its own,
   * so that the serving connection stays free for writes; PostgreSQL: a repeatable-read
   * transaction on one pooled connection. `end` must be called.
   */
  readSnapshot(): Promise<ReadSnapshot>;
  /** Where the data lives, for logs: the SQLite file or the PostgreSQL host and database (no password). */
  readonly location: string;
  close(): Promise<void>;
}

/** Every migration, in order. Names sort in application order; never rename one that shipped. */
function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    "001-initial": initial(dialect),
    "002-score-queue": scoreQueue(dialect),
    "003-alerts": alerts(dialect),
    "004-predictive": predictive(dialect),
    "005-counters": counters(dialect),
    "006-contact-events": contactEvents(dialect),
    "007-scoring-inputs": scoringInputs(dialect),
    "008-implicit-queue": implicitQueue(dialect),
    "009-event-ids-in-memory": eventIdsInMemory(dialect),
    "010-states-by-seq": statesBySeq(),
    "011-ingest-function": ingestFunction(dialect),
    "012-states-fillfactor": statesFillfactor(dialect),
    "013-scopes": scopes(dialect),
    "014-users": users(dialect),
  };
}

// bigint columns hold milliseconds and sequence numbers, well within 2^53: read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}${parsed.pathname}`;
  } catch {
    return "postgres (unparsable URL)";
  }
}

export interface ReadSnapshot {
  readonly db: Kysely<Tables>;
  end(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const url = options.databaseUrl;
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  if (url)
    throw new Error(`DATABASE_URL must start with postgres:// or postgresql://, got ${describeUrl(url)}`);
  return openSqlite(options.dataDir, new WriteTurn(options.writeTurn), options.migrateTo);
}

/**
 * The database holds emails: a new folder is the owner's only (0700) and a new database file is
 * created 0600 before SQLite opens it (SQLite gives its -wal and -shm files the database file's
 * mode). Existing files keep the mode their owner gave them.
 */
function createPrivately(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  closeSync(openSync(file, "a", 0o600));
}

async function openSqlite(dataDir: string, turn: WriteTurn, migrateTo?: string): Promise<Database> {
  const file = join(dataDir, "leadscore.db");
  createPrivately(dataDir, file);
  const sqlite = new SQLite(file);
  sqlite.pragma("journal_mode = WAL");
  // FULL: a commit is on disk before it returns, so what is acknowledged survives kill -9 and
  // power loss. Ingest and scoring commit with NORMAL instead and sync the log themselves
  // (log-sync.ts), or need not (scores are derived from stored events).
  sqlite.pragma("synchronous = FULL");
  // Checkpoint after 10,000 log pages (40 MB) instead of 1,000: scoring passes rewrite the same
  // state and score pages again and again, and a later checkpoint copies each page once for
  // several passes, which cost less CPU per event scored in the in-process bench.
  sqlite.pragma("wal_autocheckpoint = 10000");
  sqlite.pragma("busy_timeout = 10000");
  // 64 MB of page cache: scoring reads and rewrites scattered pages (states, scores, indexes).
  sqlite.pragma("cache_size = -65536");
  sqlite.pragma("foreign_keys = ON");
  const db = new Kysely<Tables>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(sqlite) }, turn),
  });
  await migrate(db, "sqlite", undefined, migrateTo);
  const logSync = new LogSync(`${file}-wal`);
  return {
    db,
    dialect: "sqlite",
    sqlite,
    logSync,
    writeTurn: turn.buffer,
    writeTurnUsage: () => turn.usage(),
    readSnapshot: () => sqliteSnapshot(file),
    location: file,
    close: async () => {
      await db.destroy();
      logSync.close();
    },
  };
}

async function openPostgres(url: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.databaseSchema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`DATABASE_SCHEMA must be a lower-case identifier, got "${schema}"`);
  }
  if (schema) {
    const setup = new pg.Client({ connectionString: url });
    await setup.connect();
    try {
      await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    } catch (error) {
      // IF NOT EXISTS is not atomic: a process starting at the same moment may create it first.
      const code = (error as { code?: string }).code;
      if (code !== "23505" && code !== "42P06") throw error;
    } finally {
      await setup.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Custom plans, as unnamed statements had: prepared ones (pg-prepared.ts) would otherwise
    // switch to generic plans, which cannot see a key array's length and scanned whole tables.
    options: `-c plan_cache_mode=force_custom_plan${schema ? ` -c search_path=${schema}` : ""}`,
  });
  // The cursor class lets a query stream its rows (an export reads one sorted query).
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: preparingPool(pool), cursor: Cursor }),
  });
  await migrate(db, "postgres", schema ?? "public", options.migrateTo);
  return {
    db,
    dialect: "postgres",
    location: `${describeUrl(url)}${schema ? ` (schema ${schema})` : ""}`,
    readSnapshot: async () => {
      const transaction = await db
        .startTransaction()
        .setIsolationLevel("repeatable read")
        .setAccessMode("read only")
        .execute();
      return { db: transaction, end: () => transaction.commit().execute() };
    },
    close: () => db.destroy(),
  };
}

/**
 * After a bulk write (a publish's rescoring fills `contact_states` and `scores`): PostgreSQL's
 * planner statistics of the tables, gathered now rather than at autovacuum's next look (up to a
 * minute later). A table never analyzed is planned with default selectivities: a pass's read of
 * 500 contacts' states was estimated to match every row, and scanned the whole table each time.
 * SQLite's planner relies on the keys and needs nothing.
 */
export async function refreshStatistics(
  database: Database,
  tables: readonly (keyof Tables & string)[],
): Promise<void> {
  if (database.dialect !== "postgres" || tables.length === 0) return;
  await sql`analyze ${sql.join(tables.map((table) => sql.table(table)))}`.execute(database.db);
}

/**
 * A read transaction on a new read-only connection to the file: in WAL mode it sees the
 * database as of its first read until it ends, while the other connections go on writing.
 */
async function sqliteSnapshot(file: string): Promise<ReadSnapshot> {
  const connection = new SQLite(file, { readonly: true, fileMustExist: true });
  connection.pragma("busy_timeout = 10000");
  // The snapshot starts at the first read: take it now, not at the caller's first query.
  connection.exec("begin");
  connection.prepare("select count(*) from leadscore_migrations").get();
  const db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: connection }) });
  return {
    db,
    end: async () => {
      connection.exec("commit");
      await db.destroy();
    },
  };
}

async function migrate(
  db: Kysely<Tables>,
  dialect: Dialect,
  schema?: string,
  target?: string,
): Promise<void> {
  const all = migrations(dialect);
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => all },
    // Two processes starting at once on one PostgreSQL: Kysely takes a lock, the second waits.
    migrationTableName: "leadscore_migrations",
    migrationLockTableName: "leadscore_migrations_lock",
    // Named, because Kysely looks for its tables in every schema: another schema's would fool it.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await (target ? migrator.migrateTo(target) : migrator.migrateToLatest());
  const failed = results?.find((result) => result.status === "Error");
  if (error || failed) {
    const reason = error instanceof Error ? error.message : String(error ?? "unknown error");
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${reason}`);
  }
}
