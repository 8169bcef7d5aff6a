/**
 * The outbox promise on the real `leadscore serve` process: every alert decided is delivered,
 * exactly once to an idempotent receiver (deduplicating by delivery id), none lost, even when the
 * process is killed with SIGKILL while deliveries are pending or in flight, and while events are
 * acknowledged but not yet scored. SQLite, and PostgreSQL when TEST_DATABASE_URL is set.
 */
import { describe, expect, it } from "vitest";
import { openDatabase } from "../src/store/database.js";
import { ALERT_MODEL, RECEIVER_ALLOWED_ENV, triggerFile } from "./helpers/alerts.js";
import {
  type ChildDatabase,
  childDatabases,
  createKeyWithCli,
  publishModel,
  request,
  spawnServer,
} from "./helpers/process.js";
import { BACKENDS } from "./helpers/service.js";
import { eventually, startReceiver } from "./helpers/webhook-receiver.js";

// The child inherits these: short timeouts and backoff, and no dead letters in this test.
process.env.LEADSCORE_ALERT_TIMEOUT_MS = "400";
process.env.LEADSCORE_ALERT_RETRY_BASE_MS = "50";
process.env.LEADSCORE_ALERT_RETRY_MAX_MS = "400";
process.env.LEADSCORE_ALERT_MAX_ATTEMPTS = "1000";
process.env.LEADSCORE_WEBHOOK_ALLOWED_TARGETS = RECEIVER_ALLOWED_ENV.LEADSCORE_WEBHOOK_ALLOWED_TARGETS;

/** A fresh database for a child process, dropped when the file's tests are done. */
const childDatabase = childDatabases();

/** Three page views per contact: each crosses the trigger's threshold (30) once. */
function crossings(contacts: string[], round: string) {
  return contacts.flatMap((contactId) =>
    [0, 1, 2].map((i) => ({ id: `${round}-${contactId}-${i}`, contactId, type: "page_view" })),
  );
}

async function outboxRows(database: ChildDatabase) {
  const opened = await openDatabase(database);
  try {
    return await opened.db.selectFrom("alert_outbox").select(["id", "contact_id", "status"]).execute();
  } finally {
    await opened.close();
  }
}

describe.each(BACKENDS)("alert delivery through kill -9 on %s", (backend) => {
  it("delivers every alert exactly once to an idempotent receiver across two kills, none lost", async () => {
    const receiver = await startReceiver();
    try {
      const database = childDatabase(backend);
      const key = await createKeyWithCli(database);
      let server = await spawnServer(database);
      await publishModel(server.url, key, "alerts", ALERT_MODEL);
      expect(
        (await request(server.url, key, "POST", "/v1/triggers/versions", triggerFile(receiver.url, false)))
          .status,
      ).toBe(201);
      expect((await request(server.url, key, "POST", "/v1/triggers/versions/1/publish")).status).toBe(200);

      // Round 1: the receiver is down while 40 alerts are decided; it comes back slow, and the
      // service is killed with deliveries pending and in flight.
      receiver.mode = "fail";
      const first = Array.from({ length: 40 }, (_, i) => `a${String(i).padStart(2, "0")}`);
      const scored = await request(server.url, key, "POST", "/v1/events/batch?wait=scored", {
        events: crossings(first, "r1"),
      });
      expect(scored.status).toBe(200);
      expect(await eventually(() => receiver.requests.length >= 8)).toBe(true);
      receiver.delayMs = 60;
      receiver.mode = "ok";
      expect(await eventually(() => receiver.accepted.size >= 6)).toBe(true);
      server.child.kill("SIGKILL");
      expect((await server.exited).signal).toBe("SIGKILL");
      const afterFirstKill = await outboxRows(database);
      expect(afterFirstKill).toHaveLength(first.length);
      const pendingAtKill = afterFirstKill.filter((row) => row.status === "pending").length;
      expect(pendingAtKill, "deliveries pending when the process died").toBeGreaterThan(0);

      // Round 2: restarted; events acknowledged (stored, not waited for scoring), then killed again
      // at once: alerts for them are decided after the next start, when their events are scored.
      server = await spawnServer(database);
      const second = Array.from({ length: 20 }, (_, i) => `b${String(i).padStart(2, "0")}`);
      const stored = await request(server.url, key, "POST", "/v1/events/batch", {
        events: crossings(second, "r2"),
      });
      expect(stored.status).toBe(200);
      server.child.kill("SIGKILL");
      await server.exited;

      // Round 3: restarted for good; everything drains.
      server = await spawnServer(database);
      const all = [...first, ...second];
      const drained = await eventually(async () => {
        const rows = await outboxRows(database);
        return rows.length === all.length && rows.every((row) => row.status === "delivered");
      }, 30_000);
      expect(drained, `outbox: ${JSON.stringify(await outboxRows(database))}`).toBe(true);
      expect((await server.stop("SIGTERM")).code).toBe(0);

      const rows = await outboxRows(database);
      // Decided once: one alert per contact that crossed, never two.
      expect(rows.map((row) => row.contact_id).sort()).toEqual([...all].sort());
      // Delivered: the receiver holds exactly the outbox's delivery ids, none missing, none foreign.
      expect([...receiver.accepted.keys()].sort()).toEqual(rows.map((row) => row.id).sort());
      for (const [id, { body }] of receiver.accepted) expect(JSON.parse(body).id).toBe(id);
      const copies = [...receiver.accepted.values()].reduce((sum, entry) => sum + entry.copies, 0);
      console.log(
        `[alerts-durability ${backend}] ${rows.length} alerts; ${pendingAtKill} pending at the first kill; ${copies} accepted copies (${copies - rows.length} duplicates deduplicated by id); ${receiver.requests.length} requests in all`,
      );
    } finally {
      await receiver.close();
    }
  }, 90_000);
});
