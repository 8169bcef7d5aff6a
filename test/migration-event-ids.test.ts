/**
 * Migration 009 on SQLite: `events` is copied without the unique index on event_id and without
 * AUTOINCREMENT. Every event keeps its seq and its place in the implicit queue, new events
 * follow the largest seq, and ids stored before the migration are still refused (now through
 * the memory of ids). Migrating back restores the index.
 */
import { type Selectable, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/store/database.js";
import { scoringStore } from "../src/store/scoring-store.js";
import type { Tables } from "../src/store/tables.js";
import { freshDatabaseOptions } from "./helpers/service.js";

const eventsTableSql = async (database: Database) =>
  (
    await sql<{
      sql: string;
    }>`select sql from sqlite_master where type = 'table' and name = 'events'`.execute(database.db)
  ).rows[0].sql;
const eventIndexes = async (database: Database) =>
  (await sql<{ name: string; unique: number }>`pragma index_list(events)`.execute(database.db)).rows.map(
    (row) => `${row.name}:${row.unique}`,
  );
const queued = async (database: Database) =>
  (await database.db.selectFrom("score_queue").select("seq").orderBy("seq").execute()).map((row) =>
    Number(row.seq),
  );

describe("migration 009 on SQLite", () => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it("keeps every event, its seq and the queue; drops the unique index; migrates back", async () => {
    const { options, drop } = freshDatabaseOptions("sqlite");
    drops.push(drop);
    const before = await openDatabase({ ...options, migrateTo: "008-implicit-queue" });
    const stored: Selectable<Tables["events"]>[] = [];
    for (let i = 1; i <= 6; i++)
      stored.push(
        await before.db
          .insertInto("events")
          .values({
            event_id: `e${i}`,
            contact_id: "ada",
            type: "page_view",
            time_ms: i * 1000,
            properties: `{"n":${i}}`,
            received_ms: 9000 + i,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
    // e1..e4 scored (e2 out of order, a hole the watermark has not passed); e5 and e6 wait.
    await before.db.updateTable("counters").set({ value: 1 }).where("name", "=", "scored_through").execute();
    await before.db
      .insertInto("contact_events")
      .values(
        [2, 3, 4].map((i) => ({ contact_id: "ada", time_ms: i * 1000, seq: Number(stored[i - 1].seq) })),
      )
      .execute();
    expect(await eventIndexes(before)).toEqual(["sqlite_autoindex_events_1:1"]);
    const queueBefore = await queued(before);
    await before.close();

    const after = await openDatabase(options);
    try {
      expect(await eventsTableSql(after)).not.toMatch(/autoincrement/i);
      expect(await eventIndexes(after)).toEqual([]);
      const rows = await after.db.selectFrom("events").selectAll().orderBy("seq").execute();
      expect(rows.map((row) => ({ ...row, seq: Number(row.seq) }))).toEqual(
        stored.map((row) => ({ ...row, seq: Number(row.seq) })),
      );
      expect(await queued(after)).toEqual(queueBefore);
      expect(queueBefore).toEqual([5, 6]);
      const inserted = await after.db.transaction().execute(async (tx) =>
        scoringStore(after, tx).insertQueuedEvents(
          ["e3", "e7"].map((id) => ({
            event_id: id,
            contact_id: "ada",
            type: "page_view",
            time_ms: 7000,
            properties: "{}",
            received_ms: 9100,
          })),
        ),
      );
      // e3 was stored before the migration; e7 follows the largest seq.
      expect([...inserted]).toEqual([["e7", 7]]);
      expect(await queued(after)).toEqual([5, 6, 7]);
    } finally {
      await after.close();
    }

    const back = await openDatabase({ ...options, migrateTo: "008-implicit-queue" });
    try {
      expect(await eventsTableSql(back)).toMatch(/autoincrement/i);
      expect(await eventIndexes(back)).toEqual(["sqlite_autoindex_events_1:1"]);
      expect(await back.db.selectFrom("events").select("seq").execute()).toHaveLength(7);
      expect(await queued(back)).toEqual([5, 6, 7]);
    } finally {
      await back.close();
    }
  });
});
