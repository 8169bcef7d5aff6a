/**
 * The score queue: events stored and acknowledged but not yet applied to their contact's
 * scores. Ingest appends here in the transaction that stores the events; whoever applies an
 * event to a state deletes its row in the same transaction, so each event counts exactly once
 * even across a crash (rows left behind are applied after restart).
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";

export function scoreQueue(dialect: Dialect): Migration {
  // On SQLite an integer primary key is the rowid: appends and deletes at the head stay cheap.
  const sequence = dialect === "sqlite" ? ("integer" as const) : ("bigint" as const);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("score_queue")
        .addColumn("seq", sequence, (c) => c.primaryKey())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("score_queue").execute();
    },
  };
}
