/**
 * Outbox retention: the delivery worker deletes delivered alerts older than the retention,
 * in chunks, and leaves everything else: recent deliveries, pending ones, dead letters (which
 * wait for someone to replay them). A retention of 0 keeps everything. SQLite and PostgreSQL.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { DeliveryWorker } from "../src/service/alerts/delivery.js";
import { type Database, openDatabase } from "../src/store/database.js";
import { BACKENDS, freshDatabaseOptions } from "./helpers/service.js";

const DAY_MS = 86_400_000;
const NOW_MS = Date.parse("2026-11-30T12:00:00Z");

function outboxRow(id: string, status: string, finishedDaysAgo: number | null) {
  return {
    id,
    trigger_id: "hot",
    contact_id: "ada",
    model_key: "b2b",
    kind: "webhook",
    target: JSON.stringify({ url: "http://127.0.0.1:9/hook" }),
    payload: "{}",
    status,
    attempts: 1,
    next_attempt_ms: NOW_MS + DAY_MS,
    last_error: null,
    created_ms: NOW_MS - 90 * DAY_MS,
    finished_ms: finishedDaysAgo === null ? null : NOW_MS - finishedDaysAgo * DAY_MS,
  };
}

function worker(database: Database, retentionDays: number) {
  return new DeliveryWorker(database, pino({ level: "silent" }), () => NOW_MS, {
    enabled: true,
    pollMs: 60_000,
    batch: 8,
    concurrency: 8,
    timeoutMs: 1000,
    maxAttempts: 3,
    retryBaseMs: 1000,
    retryMaxMs: 60_000,
    retentionMs: retentionDays * DAY_MS,
    purgeEveryMs: 3_600_000,
  });
}

describe.each(BACKENDS)("alert outbox retention on %s", (backend) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function databaseWithOutbox(): Promise<Database> {
    const { options, drop } = freshDatabaseOptions(backend);
    cleanups.push(drop);
    const database = await openDatabase(options);
    cleanups.push(() => database.close());
    // 2,500 old deliveries: more than one chunk of the purge.
    const old = Array.from({ length: 2500 }, (_, i) => outboxRow(`old-${i}`, "delivered", 31 + (i % 5)));
    for (let i = 0; i < old.length; i += 200)
      await database.db
        .insertInto("alert_outbox")
        .values(old.slice(i, i + 200))
        .execute();
    await database.db
      .insertInto("alert_outbox")
      .values([
        outboxRow("recent", "delivered", 29),
        outboxRow("dead-old", "dead", 200),
        outboxRow("pending", "pending", null),
      ])
      .execute();
    return database;
  }

  const remaining = async (database: Database) =>
    (await database.db.selectFrom("alert_outbox").select("id").orderBy("id").execute()).map((row) => row.id);

  it("deletes delivered alerts past the retention once started, and nothing else", async () => {
    const database = await databaseWithOutbox();
    const delivery = worker(database, 30);
    delivery.start();
    try {
      for (let i = 0; i < 200 && delivery.stats.purged < 2500; i++)
        await new Promise((r) => setTimeout(r, 25));
    } finally {
      await delivery.stop();
    }
    expect(delivery.stats.purged).toBe(2500);
    expect(await remaining(database)).toEqual(["dead-old", "pending", "recent"]);
    // Nothing left to delete: a second purge finds nothing.
    expect(await worker(database, 30).purgeDelivered()).toBe(0);
  });

  it("keeps every delivery with a retention of 0", async () => {
    const database = await databaseWithOutbox();
    const delivery = worker(database, 0);
    delivery.start();
    await new Promise((r) => setTimeout(r, 300));
    await delivery.stop();
    expect(delivery.stats.purged).toBe(0);
    expect((await remaining(database)).length).toBe(2503);
  });
});
