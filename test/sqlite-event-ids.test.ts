/**
 * Idempotent ingest on SQLite without a unique index (migration 009): the ids of stored events
 * are checked in memory, on a real database. An id stored by this connection, by another one
 * (as by another process), before a restart or earlier in the same transaction is refused; an
 * id whose transaction rolled back is free again, even when another connection stored other
 * events under the seqs it had taken.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/store/database.js";
import type { EventRow } from "../src/store/scoring-store.js";
import { scoringStore, sqliteStoreOf } from "../src/store/scoring-store.js";
import { freshDatabaseOptions, startTestService } from "./helpers/service.js";

const event = (id: string): EventRow => ({
  event_id: id,
  contact_id: "ada",
  type: "page_view",
  time_ms: 1000,
  properties: "{}",
  received_ms: 2000,
});

/** Inserts in one transaction; returns the ids stored. `fail` rolls it back after the insert. */
async function insert(database: Database, ids: string[], fail = false): Promise<string[]> {
  let stored: string[] = [];
  const run = database.db.transaction().execute(async (tx) => {
    const inserted = await scoringStore(database, tx).insertQueuedEvents(ids.map(event));
    stored = [...inserted.keys()];
    if (fail) throw new Error("rolled back on purpose");
  });
  if (fail) await expect(run).rejects.toThrow("rolled back on purpose");
  else await run;
  return stored;
}

const storedIds = async (database: Database) =>
  (await database.db.selectFrom("events").select("event_id").orderBy("seq").execute()).map(
    (row) => row.event_id,
  );

describe("event ids in memory on SQLite", () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function open(): Promise<{ first: Database; reopen: () => Promise<Database> }> {
    const { options, drop } = freshDatabaseOptions("sqlite");
    cleanups.push(drop);
    const reopen = async () => {
      const database = await openDatabase(options);
      cleanups.push(async () => {
        if (database.sqlite?.open) await database.close();
      });
      return database;
    };
    return { first: await reopen(), reopen };
  }

  it("refuses an id stored before, in the same request or the same transaction", async () => {
    const { first: db } = await open();
    expect(await insert(db, ["a", "b", "a"])).toEqual(["a", "b"]);
    expect(await insert(db, ["b", "c"])).toEqual(["c"]);
    await db.db.transaction().execute(async (tx) => {
      const store = scoringStore(db, tx);
      expect([...(await store.insertQueuedEvents([event("d")])).keys()]).toEqual(["d"]);
      expect([...(await store.insertQueuedEvents([event("d"), event("e")])).keys()]).toEqual(["e"]);
    });
    expect(await insert(db, ["a", "b", "c", "d", "e", "f"])).toEqual(["f"]);
    expect(await storedIds(db)).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(sqliteStoreOf(db.sqlite!).eventIdMemory.events).toBe(6);
  });

  it("frees the ids of a transaction that rolled back, even inserted twice in it", async () => {
    const { first: db } = await open();
    await insert(db, ["kept"]);
    await expect(
      db.db.transaction().execute(async (tx) => {
        const store = scoringStore(db, tx);
        await store.insertQueuedEvents([event("lost-1")]);
        await store.insertQueuedEvents([event("lost-1"), event("lost-2")]);
        throw new Error("rolled back on purpose");
      }),
    ).rejects.toThrow("rolled back on purpose");
    expect(await insert(db, ["kept", "lost-1", "lost-2"])).toEqual(["lost-1", "lost-2"]);
    expect(await storedIds(db)).toEqual(["kept", "lost-1", "lost-2"]);
  });

  it("sees what another connection stored, before or after its own last insert", async () => {
    const { first: one, reopen } = await open();
    const other = await reopen();
    await insert(one, ["one-1"]);
    await insert(other, ["other-1", "one-1"]);
    // `one` has not read the other's insert yet: it does, under the write lock, before checking.
    expect(await insert(one, ["other-1", "one-1", "one-2"])).toEqual(["one-2"]);
    expect(await insert(other, ["one-2", "other-2"])).toEqual(["other-2"]);
    expect(await storedIds(one)).toEqual(["one-1", "other-1", "one-2", "other-2"]);
  });

  it("after a rollback, finds the events another connection then stored under the same seqs", async () => {
    const { first: one, reopen } = await open();
    const other = await reopen();
    await insert(one, ["base"]);
    // `one` takes seqs 2-4, rolls back; `other` then stores three events that get seqs 2-4.
    await insert(one, ["r1", "r2", "r3"], true);
    expect(await insert(other, ["o1", "o2", "o3"])).toEqual(["o1", "o2", "o3"]);
    const seqs = await one.db.selectFrom("events").select(["seq", "event_id"]).orderBy("seq").execute();
    expect(seqs.map((row) => [Number(row.seq), row.event_id])).toEqual([
      [1, "base"],
      [2, "o1"],
      [3, "o2"],
      [4, "o3"],
    ]);
    expect(await insert(one, ["o1", "o2", "o3", "r1"])).toEqual(["r1"]);
  });

  it("starts from the ids saved at the last stop, then reads only the events stored since", async () => {
    const { first, reopen } = await open();
    const file = join(dirname(first.sqlite!.name), "event-ids.bin");
    await insert(first, ["s1", "s2", "s3"]);
    expect(sqliteStoreOf(first.sqlite!).saveEventIds(file)).toBe(true);
    // Stored after the save (by this connection: the file holds only what it had confirmed).
    await insert(first, ["s4"]);
    await first.close();

    const again = await reopen();
    const started = sqliteStoreOf(again.sqlite!).rememberStoredEvents(file);
    expect(started.from).toMatch(/event-ids\.bin \(through seq 3\), then the events after it/);
    expect(started.events).toBe(4);
    expect(await insert(again, ["s4", "s5", "s1", "s3"])).toEqual(["s5"]);
  });

  it("ignores a saved file that is not true of the database, and says why", async () => {
    const { first, reopen } = await open();
    const file = join(dirname(first.sqlite!.name), "event-ids.bin");
    await insert(first, ["a1", "a2"]);
    sqliteStoreOf(first.sqlite!).saveEventIds(file);
    await first.close();
    // Another database in the same folder: the event at seq 2 is not a2.
    const { options, drop } = freshDatabaseOptions("sqlite");
    cleanups.push(drop);
    const filled = await openDatabase(options);
    await insert(filled, ["b1", "b2", "b3"]);
    await filled.close();
    const otherFile = join(options.dataDir, "event-ids.bin");
    copyFileSync(file, otherFile);
    const other = await openDatabase(options);
    cleanups.push(() => other.close());
    const started = sqliteStoreOf(other.sqlite!).rememberStoredEvents(otherFile);
    expect(started.from).toMatch(/^the events table \(saved ids: of another database/);
    expect(started.events).toBe(3);
    expect(await insert(other, ["a1", "b2"])).toEqual(["a1"]);

    // A damaged file: named as such, and the table read instead.
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    const again = await reopen();
    const restarted = sqliteStoreOf(again.sqlite!).rememberStoredEvents(file);
    expect(restarted.from).toMatch(
      /^the events table \(saved ids: \d+ bytes of slots, the header says \d+\)/,
    );
    expect(await insert(again, ["a2", "a3"])).toEqual(["a3"]);

    // The right size, but slots lost (zeros): the count in the header tells.
    expect(sqliteStoreOf(again.sqlite!).saveEventIds(file)).toBe(true);
    const emptied = readFileSync(file);
    emptied.fill(0, 12 + emptied.readUInt32LE(8));
    writeFileSync(file, emptied);
    await again.close();
    const third = await reopen();
    expect(sqliteStoreOf(third.sqlite!).rememberStoredEvents(file).from).toMatch(
      /^the events table \(saved ids: 0 events in its slots, the header says 3\)/,
    );
    expect(await insert(third, ["a1", "a3", "a4"])).toEqual(["a4"]);
  });

  it("reads the stored ids again after a restart", async () => {
    const { first, reopen } = await open();
    await insert(first, ["x", "y"]);
    await first.close();
    const again = await reopen();
    expect(sqliteStoreOf(again.sqlite!).rememberStoredEvents().events).toBe(2);
    expect(await insert(again, ["y", "z", "x"])).toEqual(["z"]);
  });

  it("a service saves its ids when it stops, and the next one refuses them after reading the file", async () => {
    const { options, drop } = freshDatabaseOptions("sqlite");
    cleanups.push(drop);
    const events = (ids: string[]) => ({
      events: ids.map((id) => ({
        id,
        contactId: "ada",
        type: "page_view",
        timestamp: "2026-11-30T10:00:00Z",
      })),
    });
    const first = await startTestService("sqlite", { dataDir: options.dataDir });
    expect((await first.call("POST", "/v1/events/batch", events(["p1", "p2"]))).body.accepted).toBe(2);
    await first.server.close();
    const file = join(options.dataDir, "event-ids.bin");
    expect(existsSync(file)).toBe(true);

    const second = await startTestService("sqlite", { dataDir: options.dataDir });
    cleanups.push(() => second.server.close());
    const again = await second.call("POST", "/v1/events/batch", events(["p2", "p3", "p1"]));
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 2 });
    const metrics = await second.call("GET", "/metrics");
    expect(metrics.text).toMatch(/^leadscore_event_id_memory_bytes 524288$/m);
  });
});
