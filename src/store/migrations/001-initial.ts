/** The first schema: every table of tables.ts. */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";

export function initial(dialect: Dialect): Migration {
  // A sequence column: SQLite's rowid alias versus PostgreSQL's identity.
  const sequence = dialect === "sqlite" ? ("integer" as const) : ("bigint" as const);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("contacts")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("email", "text")
        .addColumn("company_id", "text")
        .addColumn("properties", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("updated_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("contacts_email").on("contacts").column("email").unique().execute();
      await db.schema.createIndex("contacts_company").on("contacts").column("company_id").execute();

      await db.schema
        .createTable("contact_aliases")
        .addColumn("alias_id", "text", (c) => c.primaryKey())
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("merged_ms", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("companies")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("properties", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("updated_ms", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("events")
        .addColumn("seq", sequence, (c) =>
          dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn("event_id", "text", (c) => c.notNull().unique())
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("type", "text", (c) => c.notNull())
        .addColumn("time_ms", "bigint", (c) => c.notNull())
        .addColumn("properties", "text", (c) => c.notNull())
        .addColumn("received_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("events_contact_time")
        .on("events")
        .columns(["contact_id", "time_ms"])
        .execute();

      await db.schema
        .createTable("models")
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("models_pk", ["key", "version"])
        .execute();

      await db.schema
        .createTable("model_heads")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("published_ms", "bigint", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("contact_states")
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("model_version", "integer", (c) => c.notNull())
        .addColumn("state", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("contact_states_pk", ["contact_id", "model_key"])
        .execute();

      await db.schema
        .createTable("scores")
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("model_version", "integer", (c) => c.notNull())
        .addColumn("total", "double precision", (c) => c.notNull())
        .addColumn("dimensions", "text", (c) => c.notNull())
        .addColumn("band", "text", (c) => c.notNull())
        .addColumn("temperature", "text")
        .addColumn("fit_grade", "text")
        .addColumn("engagement_grade", "text")
        .addColumn("matrix", "text")
        .addColumn("mql", "integer", (c) => c.notNull())
        .addColumn("disqualified", "integer", (c) => c.notNull())
        .addColumn("as_of_ms", "bigint", (c) => c.notNull())
        .addColumn("updated_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("scores_pk", ["contact_id", "model_key"])
        .execute();
      await db.schema
        .createIndex("scores_ranked")
        .on("scores")
        .columns(["model_key", "total", "contact_id"])
        .execute();

      await db.schema
        .createTable("score_history")
        .addColumn("seq", sequence, (c) =>
          dialect === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey().generatedAlwaysAsIdentity(),
        )
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("model_version", "integer", (c) => c.notNull())
        .addColumn("at_ms", "bigint", (c) => c.notNull())
        .addColumn("as_of_ms", "bigint", (c) => c.notNull())
        .addColumn("cause", "text", (c) => c.notNull())
        .addColumn("detail", "text", (c) => c.notNull())
        .addColumn("total", "double precision", (c) => c.notNull())
        .addColumn("previous_total", "double precision")
        .addColumn("dimensions", "text", (c) => c.notNull())
        .addColumn("band", "text", (c) => c.notNull())
        .addColumn("temperature", "text")
        .addColumn("matrix", "text")
        .addColumn("mql", "integer", (c) => c.notNull())
        .addColumn("disqualified", "integer", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("score_history_contact")
        .on("score_history")
        .columns(["contact_id", "model_key", "seq"])
        .execute();

      await db.schema
        .createTable("api_keys")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("scope", "text", (c) => c.notNull())
        .addColumn("hash", "text", (c) => c.notNull().unique())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("revoked_ms", "bigint")
        .execute();

      await db.schema
        .createTable("jobs")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("model_key", "text")
        .addColumn("model_version", "integer")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("total", "integer", (c) => c.notNull())
        .addColumn("done", "integer", (c) => c.notNull())
        .addColumn("error", "text")
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("finished_ms", "bigint")
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        "jobs",
        "api_keys",
        "score_history",
        "scores",
        "contact_states",
        "model_heads",
        "models",
        "events",
        "companies",
        "contact_aliases",
        "contacts",
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
