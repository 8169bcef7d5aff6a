/**
 * Migration 008 on a SQLite database whose queue has holes (events applied after the oldest
 * queued one): the queue, now a view over events, holds the same events; claiming reads events
 * in seq order from the oldest queued; applying one takes it off the queue (once only), and the
 * watermark then skips what is applied without ever going back. New events are queued by being
 * stored. On PostgreSQL the migration leaves the queue table alone.
 */
import { sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { queuedEventsOf } from "../src/service/scoring/score-contacts.js";
import { type Database, openDatabase } from "../src/store/database.js";
import { scoringStore } from "../src/store/scoring-store.js";
import { senderIdsOf } from "./helpers/event-ids.js";
import { BACKENDS, freshDatabaseOptions } from "./helpers/service.js";

async function insertEvent(database: Database, eventId: string, contactId: string, timeMs: number) {
  const row = await database.db
    .insertInto("events")
    .values({
      event_id: eventId,
      contact_id: contactId,
      type: "page_view",
      time_ms: timeMs,
      properties: "{}",
      received_ms: 9000,
    })
    .returning("seq")
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

const queuedSeqs = async (database: Database) =>
  (await database.db.selectFrom("score_queue").select("seq").orderBy("seq").execute()).map((row) =>
    Number(row.seq),
  );

describe.each(BACKENDS)("migration 008 implicit queue on %s", (backend) => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it("keeps exactly the queued events queued, and scoring moves the watermark forward only", async () => {
    const { options, drop } = freshDatabaseOptions(backend);
    drops.push(drop);
    const before = await openDatabase({ ...options, migrateTo: "007-scoring-inputs" });
    await before.db
      .insertInto("contacts")
      .values({ id: "ada", email: null, company_id: null, properties: "{}", created_ms: 1, updated_ms: 1 })
      .execute();
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) seqs.push(await insertEvent(before, `e${i}`, "ada", i * 1000));
    // e2 and e4 wait; e1, e3 and e5 were applied (they are in the contact's index).
    await before.db
      .insertInto("score_queue")
      .values([{ seq: seqs[1] }, { seq: seqs[3] }])
      .execute();
    await before.db
      .insertInto("contact_events")
      .values([0, 2, 4].map((i) => ({ contact_id: "ada", time_ms: (i + 1) * 1000, seq: seqs[i] })))
      .execute();
    await before.close();

    const after = await openDatabase(options);
    try {
      expect(await queuedSeqs(after)).toEqual([seqs[1], seqs[3]]);
      expect((await senderIdsOf(after.db, await queuedEventsOf(after.db, "ada"))).sort()).toEqual([
        "e2",
        "e4",
      ]);
      const kind = await (backend === "sqlite"
        ? sql<{ kind: string }>`select type as kind from sqlite_master where name = 'score_queue'`
        : sql<{
            kind: string;
          }>`select table_type as kind from information_schema.tables where table_name = 'score_queue' and table_schema = ${options.databaseSchema}`
      ).execute(after.db);
      expect(kind.rows.map((row) => row.kind)).toEqual([backend === "sqlite" ? "view" : "BASE TABLE"]);
      if (backend !== "sqlite") return;

      // Stored is queued: no queue row to write.
      const e6 = await insertEvent(after, "e6", "ada", 6000);
      expect(await queuedSeqs(after)).toEqual([seqs[1], seqs[3], e6]);

      const claimed = await after.db.transaction().execute(async (tx) => {
        const store = scoringStore(after, tx);
        const rows = await store.claimQueued(10);
        // From the watermark on, in seq order, including the events applied after the oldest
        // queued one: taking them tells them apart.
        expect(rows.map((row) => row.event_id)).toEqual(["e2", "e3", "e4", "e5", "e6"]);
        // Another connection applied e4 meanwhile: taking it again fails, as for e3 and e5.
        await tx
          .insertInto("contact_events")
          .values({ contact_id: "ada", time_ms: 4000, seq: seqs[3] })
          .execute();
        const taken = await store.takeQueued(rows);
        expect([...taken]).toEqual([seqs[1], e6]);
        await store.scoredThrough(e6);
        // A pass that claimed less, finishing later, does not move the watermark back.
        await store.scoredThrough(seqs[1]);
        return rows;
      });
      expect(claimed).toHaveLength(5);
      expect(await queuedSeqs(after)).toEqual([]);
      const watermark = await after.db
        .selectFrom("counters")
        .select("value")
        .where("name", "=", "scored_through")
        .executeTakeFirstOrThrow();
      expect(Number(watermark.value)).toBe(e6);
      const e7 = await insertEvent(after, "e7", "ada", 7000);
      expect(await queuedSeqs(after)).toEqual([e7]);
    } finally {
      await after.close();
    }
  });
});
