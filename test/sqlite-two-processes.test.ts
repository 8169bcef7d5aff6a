/**
 * SQLite is meant for one serving process, but a second one on the same file happens (a second
 * `leadscore serve` started by mistake, `leadscore import --direct` while the service runs). Then
 * both scorers see the same queued events; each slice of a pass must notice what the other
 * process scored (it takes its events off the queue first, and applies only those still there)
 * or moved (the event_moves counter), and never count an event twice. Real
 * processes, real HTTP on 127.0.0.1, one SQLite folder.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { openDatabase } from "../src/store/database.js";
import { checkConsistency } from "./helpers/consistency.js";
import { EventLedger, randomGenerator, sendUntil } from "./helpers/event-load.js";
import {
  type ChildDatabase,
  createKeyWithCli,
  killLeftoverServers,
  publishModel,
  spawnServer,
  waitForScoring,
} from "./helpers/process.js";
import { freshDatabase } from "./helpers/service.js";

describe("two serve processes on one SQLite file", () => {
  const fresh = freshDatabase("sqlite");
  const database: ChildDatabase = { dataDir: fresh.settings.dataDir as string };
  afterAll(async () => {
    await killLeftoverServers();
    await fresh.drop();
  });

  it("scores every event once when both score the same backlog at once", async () => {
    // An ingest-only process stores a backlog; then two scoring processes start together, claim
    // the same queued events and score them in the same contact order, slice against slice.
    const ingest = await spawnServer(database, 20_000, { LEADSCORE_SCORING: "off" });
    const key = await createKeyWithCli(database);
    await publishModel(ingest.url, key, "b2b", await readTemplate("b2b"));
    const ledger = new EventLedger();
    const contacts = Array.from({ length: 2000 }, (_, i) => `two-${String(i).padStart(4, "0")}`);
    await sendUntil({
      url: ingest.url,
      key,
      ledger,
      contacts,
      random: randomGenerator(7),
      tag: "backlog",
      workers: 4,
      maxBatch: 1000,
      maxRequests: 16,
      stop: () => false,
    });
    expect(ledger.outcomes(), ingest.errors()).toEqual({ "200": ledger.requests.length });
    expect((await ingest.stop("SIGTERM")).code).toBe(0);

    const [a, b] = await Promise.all([spawnServer(database), spawnServer(database)]);
    await waitForScoring(a.url, key);
    const [exitA, exitB] = await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    expect([exitA.code, exitB.code], `the servers said:\n${a.errors()}\n${b.errors()}`).toEqual([0, 0]);
    expect(`${a.errors()}${b.errors()}`).toBe("");

    const opened = await openDatabase(database);
    try {
      const events = await opened.db.selectFrom("events").select("event_id").execute();
      expect(events).toHaveLength(ledger.sent.size);
      const report = await checkConsistency(opened.db);
      expect(report.problems).toEqual([]);
      expect(report.queued).toBe(0);
      expect(report.contactsWithEvents).toBe(contacts.length);
    } finally {
      await opened.close();
    }
  });
});
