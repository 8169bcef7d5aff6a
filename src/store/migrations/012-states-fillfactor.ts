/**
 * PostgreSQL: contact_states pages keep 30% free. Every scoring pass rewrites the states of the
 * contacts it scores; with room on the page, PostgreSQL writes the new version beside the old
 * one without touching the primary key's index (a heap-only update) and reclaims the old one
 * when it next reads the page, without waiting for a vacuum. Full pages sent each new version
 * to another page, with a new index entry, and left the old one until a vacuum. Pages written
 * from now on keep the room; SQLite rewrites rows in place and has no such setting.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

export function statesFillfactor(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await sql`alter table contact_states set (fillfactor = 70)`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await sql`alter table contact_states reset (fillfactor)`.execute(db);
    },
  };
}
