/**
 * Dashboard users and their sessions. A user has a role (admin, marketing, sales) and a scrypt
 * hash of its password; a session is known by the SHA-256 of its cookie's token, never the
 * token itself, and ends at `expires_ms`.
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";

export function users(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("username", "text", (c) => c.notNull().unique())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("disabled_ms", "bigint")
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("token_hash", "text", (c) => c.primaryKey())
        .addColumn("user_id", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("expires_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sessions_by_user").on("sessions").column("user_id").execute();
      await db.schema.createIndex("sessions_by_expiry").on("sessions").column("expires_ms").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable("sessions").execute();
      await db.schema.dropTable("users").execute();
    },
  };
}
