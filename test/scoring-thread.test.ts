/**
 * Scoring in a worker thread on SQLite: the serving thread and the scoring thread each have a
 * connection to the file and take turns to write (store/write-turn.ts) without blocking their
 * event loops. Real SQLite files, and a real `leadscore serve` (built code: the thread needs the
 * compiled worker) fed over HTTP on 127.0.0.1 while contacts are merged under it; and a thread
 * whose worker fails, whose scoring the serving thread takes over.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { ScoringThread } from "../src/service/scoring/scoring-thread.js";
import { openDatabase } from "../src/store/database.js";
import { checkConsistency } from "./helpers/consistency.js";
import { EventLedger, randomGenerator, sendUntil } from "./helpers/event-load.js";
import {
  childDatabases,
  createKeyWithCli,
  publishModel,
  request,
  spawnServer,
  waitForScoring,
} from "./helpers/process.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("write turns between two connections of one process", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadscore-write-turn-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes the second writer wait for the first one's commit with its event loop free", async () => {
    const first = await openDatabase({ dataDir: dir });
    const second = await openDatabase({ dataDir: dir, writeTurn: first.writeTurn });
    try {
      const order: string[] = [];
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 5);
      const firstWrite = first.db.transaction().execute(async (tx) => {
        await tx.insertInto("counters").values({ name: "first", value: 1 }).execute();
        order.push("first wrote");
        // Holds the file's write lock while its own thread goes on.
        await sleep(300);
        order.push("first commits");
      });
      await sleep(30);
      // A read does not wait for the writer (WAL), even in a transaction.
      const read = await second.db
        .transaction()
        .setAccessMode("read only")
        .execute((tx) => tx.selectFrom("counters").select("name").where("name", "=", "first").execute());
      order.push(`second read ${read.length} uncommitted rows`);
      const ticksBefore = ticks;
      // Without a shared turn, this begin would sleep in SQLite's busy handler and block the
      // thread that must commit the first transaction: "database is locked" after 10 s.
      const secondWrite = second.db.transaction().execute(async (tx) => {
        order.push("second begins");
        await tx.insertInto("counters").values({ name: "second", value: 2 }).execute();
      });
      await Promise.all([firstWrite, secondWrite]);
      clearInterval(ticker);
      expect(order).toEqual([
        "first wrote",
        "second read 0 uncommitted rows",
        "first commits",
        "second begins",
      ]);
      // The thread went on ticking while the second writer waited (about 270 ms).
      expect(ticks - ticksBefore).toBeGreaterThan(20);
      // Each connection's time with the lock and waiting for it, as /metrics reports it.
      const [serving, scoring] = first.writeTurnUsage?.() ?? [];
      expect(serving).toMatchObject({ connection: "serving" });
      expect(serving.heldSeconds).toBeGreaterThan(0.25);
      expect(scoring).toMatchObject({ connection: "scoring" });
      expect(scoring.waitedSeconds).toBeGreaterThan(0.2);
      expect(scoring.heldSeconds).toBeLessThan(serving.heldSeconds);
      const names = await first.db
        .selectFrom("counters")
        .select("name")
        .where("name", "in", ["first", "second"])
        .orderBy("name")
        .execute();
      expect(names.map((row) => row.name)).toEqual(["first", "second"]);
    } finally {
      await second.close();
      await first.close();
    }
  });

  it("gives the turn back when a transaction fails", async () => {
    const first = await openDatabase({ dataDir: dir });
    const second = await openDatabase({ dataDir: dir, writeTurn: first.writeTurn });
    try {
      await expect(
        first.db.transaction().execute(async (tx) => {
          await tx.insertInto("counters").values({ name: "rolled back", value: 1 }).execute();
          throw new Error("the caller gives up");
        }),
      ).rejects.toThrow("the caller gives up");
      await second.db.transaction().execute(async (tx) => {
        await tx.insertInto("counters").values({ name: "after", value: 1 }).execute();
      });
      const rows = await second.db
        .selectFrom("counters")
        .select("name")
        .where("name", "in", ["rolled back", "after"])
        .execute();
      expect(rows.map((row) => row.name)).toEqual(["after"]);
    } finally {
      await second.close();
      await first.close();
    }
  });
});

describe.each(BACKENDS)("leadscore serve on %s with its scoring thread", (backend) => {
  const childDatabase = childDatabases();
  const database = childDatabase(backend);

  const metric = async (url: string, key: string, name: string) => {
    const answer = await request(url, key, "GET", "/metrics");
    return Number(new RegExp(`^${name} (\\S+)$`, "m").exec(String((answer as { body: unknown }).body))?.[1]);
  };
  /** The scoring thread reports its progress by message: the gauge may lag its commits a little. */
  const metricReaches = async (url: string, key: string, name: string, value: number) => {
    for (const deadline = Date.now() + 5000; Date.now() < deadline; ) {
      if ((await metric(url, key, name)) === value) return value;
      await sleep(20);
    }
    return metric(url, key, name);
  };

  it("scores every event once while events arrive and contacts are merged", async () => {
    const server = await spawnServer(database, 20_000, { LEADSCORE_SCORING_THREAD: "on" });
    const key = await createKeyWithCli(database);
    await publishModel(server.url, key, "b2b", await readTemplate("b2b"));
    expect(await metric(server.url, key, "leadscore_scoring_thread")).toBe(1);

    const ledger = new EventLedger();
    const contacts = Array.from({ length: 400 }, (_, i) => `thread-${String(i).padStart(3, "0")}`);
    let loadDone = false;
    let mergesDone = false;
    // The load lasts until the merges are done (however fast ingest is), within 400 requests.
    const load = sendUntil({
      url: server.url,
      key,
      ledger,
      contacts,
      random: randomGenerator(11),
      tag: "load",
      workers: 4,
      maxBatch: 200,
      maxRequests: 400,
      stop: () => mergesDone,
    }).finally(() => {
      loadDone = true;
    });
    // Merges while the scoring thread scores: each moves the merged contact's events (queued
    // ones included) to its survivor, on the serving thread's connection.
    let merges = 0;
    for (let i = 0; i < 40 && !loadDone; i++) {
      await sleep(40);
      const merged = await request(server.url, key, "POST", "/v1/contacts/merge", {
        survivorId: contacts[i],
        mergedId: contacts[contacts.length - 1 - i],
      });
      // 404 while the merged contact has no event yet.
      if (merged.status === 200) merges++;
      else expect(merged.status, JSON.stringify(merged)).toBe(404);
    }
    mergesDone = true;
    await load;
    expect(ledger.outcomes(), server.errors()).toEqual({ "200": ledger.requests.length });
    expect(merges).toBeGreaterThan(5);
    await waitForScoring(server.url, key);
    expect(await metricReaches(server.url, key, "leadscore_events_scored_total", ledger.sent.size)).toBe(
      ledger.sent.size,
    );
    if (backend === "sqlite") {
      const held = (connection: string) =>
        metric(
          server.url,
          key,
          `leadscore_sqlite_write_lock_held_seconds_total\\{connection="${connection}"\\}`,
        );
      expect(await held("serving")).toBeGreaterThan(0);
      expect(await held("scoring")).toBeGreaterThan(0);
    }
    expect((await server.stop("SIGTERM")).code).toBe(0);
    expect(server.errors()).toBe("");

    const opened = await openDatabase(database);
    try {
      const events = await opened.db.selectFrom("events").select("event_id").execute();
      expect(events).toHaveLength(ledger.sent.size);
      const report = await checkConsistency(opened.db, { historyChains: false });
      expect(report.problems).toEqual([]);
      expect(report.queued).toBe(0);
    } finally {
      await opened.close();
    }
  });

  it("scores in the thread by default, at nice 10 on Linux; off keeps scoring on the serving thread", async () => {
    const byDefault = await spawnServer(database);
    const key = await createKeyWithCli(database);
    expect(await metric(byDefault.url, key, "leadscore_scoring_thread")).toBe(1);
    if (process.platform === "linux") {
      // Per thread: the scoring thread yields to the rest of the process, which keeps nice 0.
      const niceValues = () =>
        readdirSync(`/proc/${byDefault.child.pid}/task`).flatMap((task) => {
          try {
            const stat = readFileSync(`/proc/${byDefault.child.pid}/task/${task}/stat`, "utf8");
            return [Number(stat.split(") ")[1].split(" ")[16])];
          } catch {
            return []; // a thread that ended meanwhile
          }
        });
      // The thread starts after the server answers, and sets its nice value first thing (on a
      // busy machine CI once read /proc before it had).
      let nice = niceValues();
      for (let waited = 0; !nice.includes(10) && waited < 10_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        nice = niceValues();
      }
      expect(nice.filter((value) => value === 10)).toHaveLength(1);
      expect(nice.filter((value) => value === 0)).toHaveLength(nice.length - 1);
    }
    expect((await byDefault.stop("SIGTERM")).code).toBe(0);
    if (backend === "postgres") {
      // The start log says when PostgreSQL's autovacuum is off (CI's server has it off), and
      // only then.
      const client = new pg.Client({ connectionString: database.databaseUrl });
      await client.connect();
      const autovacuum = (await client.query("show autovacuum")).rows[0].autovacuum;
      await client.end();
      expect(byDefault.output().stdout.includes("autovacuum is off")).toBe(autovacuum === "off");
    }

    const off = await spawnServer(database, 20_000, { LEADSCORE_SCORING_THREAD: "off" });
    expect(await metric(off.url, key, "leadscore_scoring_thread")).toBe(0);
    const event = {
      id: "thread-off-1",
      contactId: "thread-000",
      type: "page_view",
      timestamp: new Date().toISOString(),
    };
    const answer = await request(off.url, key, "POST", "/v1/events?wait=scored", event);
    expect(answer.status, JSON.stringify(answer)).toBe(200);
    expect(await metricReaches(off.url, key, "leadscore_events_scored_total", 1)).toBe(1);
    expect((await off.stop("SIGTERM")).code).toBe(0);
  });
});

describe("a scoring thread that fails", () => {
  let svc: TestService;
  const dir = mkdtempSync(join(tmpdir(), "leadscore-failing-worker-"));
  const failing = join(dir, "failing-worker.mjs");
  writeFileSync(failing, 'throw new Error("the worker cannot start");\n');

  beforeAll(async () => {
    svc = await startTestService("sqlite", { scoring: false });
    expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => {
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("hands scoring to the serving thread and says so in the log", async () => {
    const events = Array.from({ length: 30 }, (_, i) => ({
      id: `fallback-${i}`,
      contactId: `fallback-${i % 3}`,
      type: "page_view",
      timestamp: new Date(Date.now() - i * 60_000).toISOString(),
    }));
    expect((await svc.call("POST", "/v1/events/batch", { events })).body.accepted).toBe(30);
    const service = svc.server.service;
    expect(await service.scorer.queueDepth()).toBe(30);
    const lines: string[] = [];
    const log = pino({ level: "info" }, { write: (line: string) => lines.push(line) });
    const thread = new ScoringThread(
      service.database,
      {
        database: { dataDir: svc.config.dataDir },
        scorer: { enabled: true, batch: 1000, pollMs: 0, minPassIntervalMs: 0 },
        logLevel: "silent",
        clock: "wall",
      },
      service.models,
      log,
      Date.now,
      pathToFileURL(failing),
    );
    expect(thread.inThread).toBe(true);
    await thread.drain();
    expect(thread.inThread).toBe(false);
    expect(await service.scorer.queueDepth()).toBe(0);
    expect(thread.stats.events).toBe(30);
    expect(lines.join("")).toContain("the scoring thread failed");
    expect(lines.join("")).toContain("the worker cannot start");
    await thread.stop();
    const report = await checkConsistency(service.db);
    expect(report.problems).toEqual([]);
  });
});

describe("a scoring thread on the service's clock", () => {
  let svc: TestService;
  /** The built worker (npm run build, which npm test runs first): the thread production runs. */
  const builtWorker = new URL("../dist/service/scoring/scoring-worker.js", import.meta.url);
  const testNowMs = Date.UTC(2025, 5, 1, 12);

  beforeAll(async () => {
    svc = await startTestService("sqlite", { scoring: false });
    expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => {
    await svc?.close();
  });

  it("scores as of the time the serving thread gives it, not the wall clock", async () => {
    const events = Array.from({ length: 6 }, (_, i) => ({
      id: `clock-${i}`,
      contactId: `clock-${i % 2}`,
      type: "page_view",
      timestamp: new Date(testNowMs - (i + 1) * 86_400_000).toISOString(),
    }));
    expect((await svc.call("POST", "/v1/events/batch", { events })).body.accepted).toBe(6);
    const service = svc.server.service;
    const thread = new ScoringThread(
      service.database,
      {
        database: { dataDir: svc.config.dataDir, writeTurn: service.database.writeTurn },
        scorer: { enabled: true, batch: 1000, pollMs: 0, minPassIntervalMs: 0 },
        logLevel: "silent",
        clock: "given",
      },
      service.models,
      pino({ level: "silent" }),
      () => testNowMs,
      builtWorker,
    );
    thread.start();
    await thread.drain();
    expect(thread.inThread).toBe(true);
    expect(thread.stats.events).toBe(6);
    await thread.stop();
    const scores = await service.db.selectFrom("scores").select(["contact_id", "updated_ms"]).execute();
    expect(scores.map((row) => row.updated_ms)).toEqual([testNowMs, testNowMs]);
    expect((await checkConsistency(service.db)).problems).toEqual([]);
  });
});
