/**
 * Idempotent ingest on SQLite without a unique index (migration 009): the ids of stored events
 * are checked in memory, on a real database. An id stored by this connection, by another one
 * (as by another process), before a restart or earlier in the same transaction is refused; an
 * id whose transaction rolled back is free again, even when another connection stored other
 * events under the seqs it had taken.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/store/database.js";
import type { EventRow } from "../src/store/scoring-store.js";
import { scoringStore, sqliteStoreOf } from "../src/store/scoring-store.js";
import { freshDatabaseOptions } from "./helpers/service.js";

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

  it("reads the stored ids again after a restart", async () => {
    const { first, reopen } = await open();
    await insert(first, ["x", "y"]);
    await first.close();
    const again = await reopen();
    expect(sqliteStoreOf(again.sqlite!).rememberStoredEvents().events).toBe(2);
    expect(await insert(again, ["y", "z", "x"])).toEqual(["z"]);
  });
});
