/**
 * Predictive models in the service (issue 6): every uploaded artifact version, the published
 * version of each key, and each contact's latest stored prediction (what the periodic refresh
 * computed, and what prediction triggers compare against).
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";

export function predictive(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("predictive_models")
        .addColumn("key", "text", (c) => c.notNull())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("artifact", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("predictive_models_pk", ["key", "version"])
        .execute();
      await db.schema
        .createTable("predictive_heads")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("version", "integer", (c) => c.notNull())
        .addColumn("published_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("predictions")
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("model_version", "integer", (c) => c.notNull())
        .addColumn("probability", "double precision", (c) => c.notNull())
        .addColumn("tier", "text", (c) => c.notNull())
        .addColumn("as_of_ms", "bigint", (c) => c.notNull())
        .addColumn("updated_ms", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("predictions_pk", ["contact_id", "model_key"])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ["predictions", "predictive_heads", "predictive_models"])
        await db.schema.dropTable(table).execute();
    },
  };
}
