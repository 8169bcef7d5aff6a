/**
 * Migration 006 on a database that already holds events: the applied-events index is filled
 * with every event no longer queued (under its contact, at its time), queued events stay out of
 * it, the old index on events by contact is gone, and a contact's events read through the new
 * index and the queue are all of them. On SQLite and (when a URL is given) PostgreSQL.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { eventsOf, queuedEventsOf } from "../src/service/scoring/score-contacts.js";
import { openDatabase } from "../src/store/database.js";
import { senderIdsOf } from "./helpers/event-ids.js";
import { BACKENDS, freshDatabaseOptions } from "./helpers/service.js";

describe.each(BACKENDS)("migration 006 contact_events on %s", (backend) => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it("indexes the events already scored, leaves the queued ones to the queue, and drops the old index", async () => {
    const { options, drop } = freshDatabaseOptions(backend);
    drops.push(drop);
    const before = await openDatabase({ ...options, migrateTo: "005-counters" });
    for (const id of ["ada", "bob"])
      await before.db
        .insertInto("contacts")
        .values({ id, email: null, company_id: null, properties: "{}", created_ms: 1, updated_ms: 1 })
        .execute();
    const events = [
      ["e1", "ada", 3000],
      ["e2", "ada", 1000],
      ["e3", "bob", 2000],
      ["e4", "bob", 4000],
    ] as const;
    const seqs = new Map<string, number>();
    for (const [eventId, contactId, timeMs] of events) {
      const row = await before.db
        .insertInto("events")
        .values({
          event_id: eventId,
          contact_id: contactId,
          type: "page_view",
          time_ms: timeMs,
          properties: "{}",
          received_ms: 5000,
        })
        .returning("seq")
        .executeTakeFirstOrThrow();
      seqs.set(eventId, Number(row.seq));
    }
    // e4 was stored but not scored yet.
    await before.db
      .insertInto("score_queue")
      .values({ seq: seqs.get("e4") as number })
      .execute();
    await before.close();

    const after = await openDatabase(options);
    try {
      const indexed = await after.db
        .selectFrom("contact_events")
        .selectAll()
        .orderBy("contact_id")
        .orderBy("time_ms")
        .execute();
      expect(indexed.map((row) => [row.contact_id, Number(row.time_ms), Number(row.seq)])).toEqual([
        ["ada", 1000, seqs.get("e2")],
        ["ada", 3000, seqs.get("e1")],
        ["bob", 2000, seqs.get("e3")],
      ]);
      const oldIndex =
        backend === "sqlite"
          ? await sql<{
              name: string;
            }>`select name from sqlite_master where type = 'index' and name = 'events_contact_time'`.execute(
              after.db,
            )
          : await sql<{
              name: string;
            }>`select indexname as name from pg_indexes where indexname = 'events_contact_time' and schemaname = ${options.databaseSchema}`.execute(
              after.db,
            );
      expect(oldIndex.rows).toEqual([]);
      expect(await senderIdsOf(after.db, await eventsOf(after.db, "bob"))).toEqual(["e3", "e4"]);
      expect(await senderIdsOf(after.db, await eventsOf(after.db, "ada"))).toEqual(["e2", "e1"]);
      expect(await senderIdsOf(after.db, await queuedEventsOf(after.db, "bob"))).toEqual(["e4"]);
      expect(await queuedEventsOf(after.db, "ada")).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
