/**
 * SQLite: `events` without the unique index on `event_id` and without AUTOINCREMENT. Idempotent
 * ingest checks ids in memory instead (store/event-id-memory.ts explains why: a random id
 * rewrote a page of the index at every commit). AUTOINCREMENT only kept a deleted seq from
 * being given again, and no event is ever deleted: a seq is still the row after the largest,
 * so events keep committing in seq order (the implicit queue of migration 008 relies on it).
 * It cost an update of sqlite_sequence per row, a good part of an insert's time.
 *
 * SQLite cannot drop a column's constraint: the table is copied, once, in one transaction (a
 * matter of seconds for a million events). Run again after a crash, it does the same. The
 * view on the queue names the table, so it is made again after it. PostgreSQL keeps its
 * unique index (its log records rows, not pages; and several processes insert at once).
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";
import { IMPLICIT_QUEUE_VIEW } from "./008-implicit-queue.js";

/** The counter that says which writer last added events (store/sqlite-scoring-store.ts). */
export const EVENT_IDS_WRITER = "event_ids_writer";

async function rebuildEvents(db: Kysely<unknown>, eventId: string, seq: string): Promise<void> {
  await sql`begin immediate`.execute(db);
  try {
    await sql`drop table if exists events_copy`.execute(db);
    await sql
      .raw(`create table events_copy (
        seq integer ${seq},
        event_id text ${eventId},
        contact_id text not null,
        type text not null,
        time_ms bigint not null,
        properties text not null,
        received_ms bigint not null)`)
      .execute(db);
    await sql`insert into events_copy (seq, event_id, contact_id, type, time_ms, properties, received_ms)
      select seq, event_id, contact_id, type, time_ms, properties, received_ms from events order by seq`.execute(
      db,
    );
    await sql`drop view if exists score_queue`.execute(db);
    await sql`drop table events`.execute(db);
    await sql`alter table events_copy rename to events`.execute(db);
    await sql.raw(IMPLICIT_QUEUE_VIEW).execute(db);
    await sql`commit`.execute(db);
  } catch (error) {
    await sql`rollback`.execute(db);
    throw error;
  }
}

export function eventIdsInMemory(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "sqlite") return;
      await rebuildEvents(db, "not null", "primary key");
      await sql`delete from sqlite_sequence where name = 'events'`.execute(db);
      await sql`insert into counters (name, value) values (${EVENT_IDS_WRITER}, 0) on conflict do nothing`.execute(
        db,
      );
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== "sqlite") return;
      // Fails (a UNIQUE constraint error, nothing changed) if two stored events share an id.
      await rebuildEvents(db, "not null unique", "primary key autoincrement");
      await sql`delete from counters where name = ${EVENT_IDS_WRITER}`.execute(db);
    },
  };
}
