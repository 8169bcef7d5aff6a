/**
 * Scopes: `write` used to allow everything; it now means what a CRM sync needs, and `admin`
 * allows the rest (models, triggers, merges...). Existing write keys become admin keys, so
 * every key keeps exactly what it could do. Merge candidates: an identify (or alias) sent with
 * an ingest key never merges a known contact; the pair it would have merged is kept here for an
 * admin to merge or leave.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

export function scopes(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`update api_keys set scope = 'admin' where scope = 'write'`.execute(db);
      await db.schema
        .createTable("merge_candidates")
        .addColumn("survivor_id", "text", (c) => c.notNull())
        .addColumn("merged_id", "text", (c) => c.notNull())
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("merge_candidates_pk", ["survivor_id", "merged_id"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("merge_candidates").execute();
      await sql`update api_keys set scope = 'write' where scope = 'admin'`.execute(db);
    },
  };
}
