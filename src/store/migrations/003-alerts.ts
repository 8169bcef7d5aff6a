/**
 * Alerts: versions of the trigger file, each contact's trigger state (armed or fired, for
 * hysteresis), the outbox of deliveries decided in the scoring transaction, and the lifecycle
 * stage and owner that triggers set.
 */
import type { Kysely, Migration } from "kysely";
import type { Dialect } from "../database.js";

export function alerts(_dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("trigger_versions")
        .addColumn("version", "integer", (c) => c.primaryKey())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("published_ms", "bigint")
        .execute();
      await db.schema
        .createTable("trigger_states")
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("trigger_id", "text", (c) => c.notNull())
        .addColumn("armed", "integer", (c) => c.notNull())
        .addColumn("last_fired_ms", "bigint")
        .addPrimaryKeyConstraint("trigger_states_pk", ["contact_id", "model_key", "trigger_id"])
        .execute();
      await db.schema
        .createTable("alert_outbox")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("trigger_id", "text", (c) => c.notNull())
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("model_key", "text", (c) => c.notNull())
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("target", "text", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("attempts", "integer", (c) => c.notNull())
        .addColumn("next_attempt_ms", "bigint", (c) => c.notNull())
        .addColumn("last_error", "text")
        .addColumn("created_ms", "bigint", (c) => c.notNull())
        .addColumn("finished_ms", "bigint")
        .execute();
      await db.schema
        .createIndex("alert_outbox_due")
        .on("alert_outbox")
        .columns(["status", "next_attempt_ms"])
        .execute();
      await db.schema
        .createTable("contact_lifecycle")
        .addColumn("contact_id", "text", (c) => c.primaryKey())
        .addColumn("stage", "text")
        .addColumn("owner", "text")
        .addColumn("updated_ms", "bigint", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("owner_rotation")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("next", "integer", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of [
        "owner_rotation",
        "contact_lifecycle",
        "alert_outbox",
        "trigger_states",
        "trigger_versions",
      ])
        await db.schema.dropTable(table).execute();
    },
  };
}
