/**
 * Named counters shared by every connection to the database. `event_moves` counts the
 * transactions that moved events to another contact (merges): a SQLite scoring pass, which reads
 * the queue before it scores it slice by slice, compares it with the value it read with the
 * queue to know whether the contacts it read may have changed since. A row rather than memory,
 * because the pass may run on another connection (the scoring thread, another process).
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

export function counters(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("counters")
        .addColumn("name", "text", (c) => c.primaryKey())
        .addColumn("value", "bigint", (c) => c.notNull())
        .execute();
      await sql`insert into counters (name, value) values ('event_moves', 0)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("counters").execute();
    },
  };
}
