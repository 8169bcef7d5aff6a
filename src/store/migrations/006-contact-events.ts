/**
 * The events of each contact, in time order, for the events already applied to its scores:
 * (contact_id, time_ms, seq). It replaces the index events(contact_id, time_ms), which ingest
 * had to update for every event at a random place of the index (contacts are spread over it):
 * about one page written per event at each commit, most of what storing an event cost on
 * SQLite. The scorer adds an event here in the transaction that takes it off the score queue,
 * a slice of contacts in id order at a time, so neighbouring entries share their pages. Events
 * still queued are found through the queue (score_queue joined to events).
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

export function contactEvents(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("contact_events")
        .addColumn("contact_id", "text", (c) => c.notNull())
        .addColumn("time_ms", "bigint", (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("contact_events_pk", ["contact_id", "time_ms", "seq"])
        // SQLite: the table is the index (no rowid B-tree beside it).
        .$call((table) => (dialect === "sqlite" ? table.modifyEnd(sql`without rowid`) : table))
        .execute();
      await sql`insert into contact_events (contact_id, time_ms, seq)
        select contact_id, time_ms, seq from events e
        where not exists (select 1 from score_queue q where q.seq = e.seq)`.execute(db);
      await db.schema.dropIndex("events_contact_time").execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema
        .createIndex("events_contact_time")
        .on("events")
        .columns(["contact_id", "time_ms"])
        .execute();
      await db.schema.dropTable("contact_events").execute();
    },
  };
}
