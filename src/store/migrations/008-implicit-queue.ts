/**
 * SQLite: the score queue becomes implicit. An event waits to be scored while it is past the
 * `scored_through` watermark (a counter) and has no entry in contact_events, which the scorer
 * adds in the transaction that applies it. Ingest then writes only the event, and the scorer
 * reads the events table in seq order and adds the index entry, where it used to insert, read
 * and delete a queue row per event as well (three statements per event, each as costly as
 * storing it, in the in-process bench). `score_queue` stays, as a view,
 * for whatever reads the queue (its depth, waiting for events, a contact's queued events).
 * SQLite only: events commit in seq order there (one writer), so the watermark can move past
 * events already applied without skipping one committed later. PostgreSQL keeps its table,
 * whose rows passes on several processes lock and skip.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

/** Events waiting to be scored, on SQLite: past the watermark and not applied. */
export const IMPLICIT_QUEUE_VIEW = `create view score_queue as
  select e.seq as seq from events e
  where e.seq > (select value from counters where name = 'scored_through')
    and not exists (select 1 from contact_events c
      where c.contact_id = e.contact_id and c.time_ms = e.time_ms and c.seq = e.seq)`;

export function implicitQueue(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "sqlite") return;
      // Everything before the oldest queued event is applied (or everything, if none waits).
      await sql`insert into counters (name, value)
        select 'scored_through', coalesce((select min(seq) - 1 from score_queue), (select max(seq) from events), 0)`.execute(
        db,
      );
      await sql`drop table score_queue`.execute(db);
      await sql.raw(IMPLICIT_QUEUE_VIEW).execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== "sqlite") return;
      await sql`create table score_queue_rows (seq integer primary key)`.execute(db);
      await sql`insert into score_queue_rows (seq) select seq from score_queue`.execute(db);
      await sql`drop view score_queue`.execute(db);
      await sql`alter table score_queue_rows rename to score_queue`.execute(db);
      await sql`delete from counters where name = 'scored_through'`.execute(db);
    },
  };
}
