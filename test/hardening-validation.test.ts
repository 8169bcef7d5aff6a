/**
 * Issue 19, the validation layer: bounded event times, bounded properties, valid Unicode in ids,
 * whole Segment batches validated first, stored data that can never make a read fail, exports
 * that fail visibly, one bad request that fails only itself, unscored event types. Real HTTP on
 * 127.0.0.1, on SQLite and (when configured) PostgreSQL; bad rows are written straight into the
 * database.
 */
import { execFile } from "node:child_process";
import { get } from "node:http";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { startServer } from "../src/server/start.js";
import { createApiKey } from "../src/service/api-keys/api-keys.js";
import { loadConfig } from "../src/service/config.js";
import { ROOT, Workspace } from "./helpers/cli.js";
import { send } from "./helpers/http.js";
import {
  BACKENDS,
  type Backend,
  freshDatabase,
  publishModel,
  startTestService,
  type TestService,
} from "./helpers/service.js";

const HOUR = 3_600_000;
/** Past the largest time a Date holds (8.64e15), yet a safe integer and a valid bigint. */
const BAD_MS = 9_000_000_000_000_000;

interface ErrorAnswer {
  error: { code: string; message: string; issues: Array<{ field: string; message: string }> };
}

/** POSTs a body given as JSON text (too deep for JSON.stringify to be a fair way to build it). */
async function postText(svc: TestService, path: string, text: string) {
  const response = await fetch(`${svc.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${svc.writeKey}`, "content-type": "application/json" },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as ErrorAnswer };
}

function deepJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

async function publishB2b(svc: TestService): Promise<void> {
  await publishModel(svc, "b2b", await readTemplate("b2b"));
}

describe.each(BACKENDS)("validation hardening on %s", (backend: Backend) => {
  let svc: TestService;
  const now = () => new Date().toISOString();

  beforeAll(async () => {
    svc = await startTestService(backend);
    await publishB2b(svc);
  });
  afterAll(async () => svc?.close());

  it("refuses event times outside minEventTime .. now + maxClockSkewSeconds, naming field and range", async () => {
    const event = (id: string, timestamp: unknown) => ({
      id,
      contactId: "t-1",
      type: "page_view",
      timestamp,
    });
    const answer = await svc.call("POST", "/v1/events/batch", {
      events: [
        event("t-ok", now()),
        event("t-ok2", now()),
        event("t-9999", "9999-01-01T00:00:00Z"),
        event("t-huge", 1e300),
        event("t-seconds", Math.floor(Date.now() / 1000)),
        event("t-micro", Date.now() * 1000),
        event("t-old", "1999-12-31T23:00:00Z"),
        event("t-year50", "0050-06-01T00:00:00Z"),
        event("t-ahead", new Date(Date.now() + 2 * HOUR).toISOString()),
      ],
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe(
      "events[2].timestamp: 9999-01-01T00:00:00.000Z is after the accepted range 2000-01-01 .. now + 1h (and 6 more)",
    );
    const byField = Object.fromEntries(
      answer.body.error.issues.map((issue: { field: string; message: string }) => [
        issue.field,
        issue.message,
      ]),
    );
    expect(Object.keys(byField)).toEqual([2, 3, 4, 5, 6, 7, 8].map((i) => `events[${i}].timestamp`));
    expect(byField["events[3].timestamp"]).toMatch(/^1e\+300 is after the accepted range/);
    expect(byField["events[4].timestamp"]).toMatch(/is before the accepted range .*looks like seconds/);
    expect(byField["events[5].timestamp"]).toMatch(/is after the accepted range .*looks like microseconds/);
    expect(byField["events[6].timestamp"]).toMatch(/^1999-12-31T23:00:00.000Z is before/);
    expect(byField["events[7].timestamp"]).toMatch(/^0050-06-01T00:00:00.000Z is before/);
    expect(byField["events[8].timestamp"]).toMatch(/is after the accepted range 2000-01-01 \.\. now \+ 1h$/);
    // Nothing of the batch was written.
    expect((await svc.call("GET", "/v1/contacts/t-1", undefined, svc.readKey)).status).toBe(404);
    // A sender's clock a little ahead is fine.
    const ahead = await svc.call(
      "POST",
      "/v1/events",
      event("t-skew", new Date(Date.now() + 10 * 60_000).toISOString()),
    );
    expect(ahead.status).toBe(200);
  });

  it("never answers 500 for stored times no date can hold: score, history, contact, scores page, export", async () => {
    const contact = await svc.call("POST", "/v1/contacts", {
      id: "bad-time",
      properties: { jobTitle: "CMO" },
    });
    expect(contact.status).toBe(200);
    const event = { id: "bad-time-1", contactId: "bad-time", type: "page_view", timestamp: now() };
    expect((await svc.call("POST", "/v1/events?wait=scored", event)).status).toBe(200);
    const db = svc.server.service.db;
    await db.updateTable("events").set({ time_ms: BAD_MS }).where("event_id", "=", "bad-time-1").execute();
    await db.deleteFrom("contact_states").where("contact_id", "=", "bad-time").execute();
    await db.updateTable("contacts").set({ created_ms: BAD_MS }).where("id", "=", "bad-time").execute();
    await db
      .updateTable("score_history")
      .set({ at_ms: BAD_MS, as_of_ms: BAD_MS })
      .where("contact_id", "=", "bad-time")
      .execute();
    await db.updateTable("scores").set({ as_of_ms: BAD_MS }).where("contact_id", "=", "bad-time").execute();
    const shown = `invalid time: ${BAD_MS}`;
    const read = (path: string) => svc.call("GET", path, undefined, svc.readKey);

    const got = await read("/v1/contacts/bad-time");
    expect(got.status).toBe(200);
    expect(got.body.createdAt).toBe(shown);
    const score = await read("/v1/contacts/bad-time/score");
    expect(score.status).toBe(200);
    expect(score.body.scores[0].asOf).toBe(shown);
    const history = await read("/v1/contacts/bad-time/history");
    expect(history.status).toBe(200);
    expect(history.body.entries[0].at).toBe(shown);
    const page = await read("/v1/scores?limit=1000");
    expect(page.status).toBe(200);
    expect(
      page.body.items.find((item: { contactId: string }) => item.contactId === "bad-time").scoredAt,
    ).toBe(shown);
    const csv = await read("/v1/scores/export");
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(shown);
    const jsonl = await read("/v1/scores/export?format=jsonl");
    expect(jsonl.text).toContain(shown);
  });

  it("refuses a 20,000-deep property with a 400 naming the field, on every write route", async () => {
    const deep = deepJson(20_000);
    const cases: Array<[string, string, string]> = [
      [
        "/v1/events",
        `{"id":"deep-1","contactId":"deep","type":"page_view","properties":${deep}}`,
        "properties.a",
      ],
      [
        "/v1/events/batch",
        `{"events":[{"id":"deep-2","contactId":"deep","type":"x","properties":${deep}}]}`,
        "events[0].properties.a",
      ],
      ["/v1/contacts", `{"id":"deep","properties":${deep}}`, "properties.a"],
      [
        "/v1/contacts/batch",
        `{"contacts":[{"id":"deep","properties":{"p":${deep}}}]}`,
        "contacts[0].properties.p",
      ],
      ["/v1/companies", `{"id":"deep-co","properties":${deep}}`, "properties.a"],
      [
        "/v1/track",
        `{"userId":"deep","event":"X","messageId":"deep-3","properties":${deep}}`,
        "properties.a",
      ],
      ["/v1/identify", `{"userId":"deep","traits":${deep}}`, "traits.a"],
      ["/v1/group", `{"userId":"deep","groupId":"g","traits":${deep}}`, "traits.a"],
      [
        "/v1/batch",
        `{"batch":[{"type":"page","anonymousId":"d","messageId":"deep-4","context":${deep}}]}`,
        "batch[0].context.a",
      ],
    ];
    for (const [path, body, field] of cases) {
      const answer = await postText(svc, path, body);
      expect(answer.status, path).toBe(400);
      const issue = answer.body.error.issues[0];
      expect(issue.field.startsWith(field), `${path}: ${issue.field}`).toBe(true);
      expect(issue.message).toBe("nested deeper than 32 levels");
    }
    expect((await svc.call("GET", "/v1/contacts/deep", undefined, svc.readKey)).status).toBe(404);
  });

  it("refuses too many keys, too long a string and too large an item", async () => {
    const manyKeys = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`k${i}`, i]));
    const keys = await svc.call("POST", "/v1/contacts", { id: "big", properties: manyKeys });
    expect(keys.status).toBe(400);
    expect(keys.body.error.message).toBe("properties: more than 1000 keys (counted across every level)");
    const long = await svc.call("POST", "/v1/events", {
      id: "long-1",
      contactId: "big",
      type: "page_view",
      properties: { nested: { url: "x".repeat(16_385) } },
    });
    expect(long.body.error.message).toBe("properties.nested.url: too long: 16385 characters, at most 16384");
    const large = await svc.call("POST", "/v1/companies", {
      id: "big-co",
      properties: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, "y".repeat(8000)])),
    });
    expect(large.body.error.message).toBe("properties: larger than 65536 characters as JSON");
  });

  it("refuses invalid Unicode in every id, email and event type", async () => {
    const lone = "id-\ud800";
    const cases: Array<[string, unknown, string]> = [
      ["/v1/events", { id: lone, contactId: "u", type: "page_view" }, "id"],
      ["/v1/events", { id: "u-1", contactId: lone, type: "page_view" }, "contactId"],
      ["/v1/events", { id: "u-1", contactId: "u", type: "page_\udc00view" }, "type"],
      ["/v1/events", { id: "u-1", contactId: "u\u0000", type: "page_view" }, "contactId"],
      ["/v1/contacts", { id: lone }, "id"],
      ["/v1/contacts", { id: "u", companyId: lone }, "companyId"],
      ["/v1/contacts", { email: "a\ud800@acme.com" }, "email"],
      ["/v1/companies", { id: lone, properties: {} }, "id"],
      ["/v1/contacts/merge", { survivorId: "u", mergedId: lone }, "mergedId"],
      ["/v1/track", { userId: lone, event: "X", messageId: "m-u" }, "userId"],
      ["/v1/track", { anonymousId: lone, event: "X", messageId: "m-u" }, "anonymousId"],
      ["/v1/track", { userId: "u", event: "X", messageId: lone }, "messageId"],
      ["/v1/group", { userId: "u", groupId: lone }, "groupId"],
    ];
    for (const [path, body, field] of cases) {
      const answer = await svc.call("POST", path, body);
      expect(answer.status, `${path} ${field}`).toBe(400);
      expect(answer.body.error.issues.map((issue: { field: string }) => issue.field)).toContain(field);
    }
    expect((await svc.call("GET", "/v1/contacts/u", undefined, svc.readKey)).status).toBe(404);
  });

  it("validates a whole Segment batch, contact and company updates included, before applying any of it", async () => {
    const batch = [
      { type: "track", userId: "seg-a", event: "Demo Requested", messageId: "seg-all-1" },
      { type: "identify", userId: "seg-a", traits: { email: "a@seg.example", jobTitle: "CMO" } },
      { type: "track", userId: "seg-b", event: "Form Submitted", messageId: "seg-all-2" },
      { type: "identify", userId: "seg-b", traits: { companyId: "c".repeat(300) } },
      { type: "identify", anonymousId: "v".repeat(256), traits: { plan: "pro" } },
    ];
    const answer = await svc.call("POST", "/v1/batch", { batch });
    expect(answer.status).toBe(400);
    expect(answer.body.error.issues).toEqual([
      { field: "batch[3].traits.companyId", message: "Too big: expected string to have <=256 characters" },
      { field: "batch[4].anonymousId", message: "Too big: expected string to have <=256 characters" },
    ]);
    const db = svc.server.service.db;
    const events = await db
      .selectFrom("events")
      .select("event_id")
      .where("event_id", "like", "seg-all-%")
      .execute();
    expect(events).toEqual([]);
    const contacts = await db
      .selectFrom("contacts")
      .select("id")
      .where("id", "in", ["seg-a", "seg-b"])
      .execute();
    expect(contacts).toEqual([]);
  });

  it("answers createdAt as stored for a new contact, and keeps it on updates", async () => {
    const before = Date.now();
    const created = await svc.call("POST", "/v1/contacts", { id: "created-1", properties: { plan: "a" } });
    expect(created.status).toBe(200);
    const createdMs = Date.parse(created.body.createdAt);
    expect(createdMs).toBeGreaterThanOrEqual(before - 1000);
    expect(createdMs).toBeLessThanOrEqual(Date.now() + 1000);
    const updated = await svc.call("POST", "/v1/contacts", { id: "created-1", properties: { plan: "b" } });
    expect(updated.body.createdAt).toBe(created.body.createdAt);
    const batch = await svc.call("POST", "/v1/contacts/batch", {
      contacts: [{ id: "created-2" }, { id: "created-1" }],
    });
    expect(Date.parse(batch.body.contacts[0].createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(batch.body.contacts[1].createdAt).toBe(created.body.createdAt);
  });

  it("names event types no published model scores, counts them, and lists every type seen", async () => {
    const typo = await svc.call("POST", "/v1/events/batch", {
      events: [
        { id: "typo-1", contactId: "typo", type: "pgae_veiw", timestamp: now() },
        { id: "typo-2", contactId: "typo", type: "page_view", timestamp: now() },
        { id: "typo-3", contactId: "typo", type: "pgae_veiw", timestamp: now() },
      ],
    });
    expect(typo.status).toBe(200);
    expect(typo.body.unscoredTypes).toEqual(["pgae_veiw"]);
    const segment = await svc.call("POST", "/v1/track", {
      userId: "typo",
      event: "Pgae Veiw",
      messageId: "typo-4",
    });
    expect(segment.body.unscoredTypes).toEqual(["pgae_veiw"]);
    const metrics = (await svc.call("GET", "/metrics", undefined, svc.readKey)).text;
    expect(metrics).toMatch(/^leadscore_events_unscored_total 3$/m);
    const types = await svc.call("GET", "/v1/event-types", undefined, svc.readKey);
    expect(types.status).toBe(200);
    const byType = new Map(types.body.types.map((entry: { type: string }) => [entry.type, entry]));
    expect(byType.get("pgae_veiw")).toEqual({ type: "pgae_veiw", events: 3, scoredBy: [] });
    expect(byType.get("page_view")).toMatchObject({ scoredBy: [{ key: "b2b", version: 1 }] });
  });

  it("fails only the request at fault when it shares a commit with good ones", async () => {
    const ingestor = svc.server.service.ingestor;
    const retriesBefore = ingestor.stats.groupRetries;
    const good = Array.from({ length: 300 }, (_, i) =>
      svc.call("POST", "/v1/events", { id: `share-${i}`, contactId: `share-${i % 20}`, type: "page_view" }),
    );
    // Bypasses validation, as something it missed would: a value JSON.stringify throws on fails
    // the commit of the whole group it joins. Joined once requests wait behind a commit.
    while (ingestor.pending === 0) await new Promise((resolve) => setImmediate(resolve));
    const bad = ingestor.ingest([
      { id: "share-bad", contactId: "share-0", type: "page_view", timeMs: Date.now(), properties: { n: 1n } },
    ]);
    await expect(bad).rejects.toThrow(/BigInt/);
    const answers = await Promise.all(good);
    expect(answers.filter((answer) => answer.status !== 200)).toEqual([]);
    expect(ingestor.stats.groupRetries).toBeGreaterThan(retriesBefore);
    const stored = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("event_id", "like", "share-%")
      .execute();
    expect(stored.length).toBe(300);
  });
});

/** Reads a streamed answer to the end or to its failure. */
function download(url: string, key: string): Promise<{ status: number; text: string; failed: boolean }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { authorization: `Bearer ${key}` } }, (response) => {
      let text = "";
      let failed = false;
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("aborted", () => {
        failed = true;
      });
      response.on("error", () => {
        failed = true;
      });
      response.on("close", () =>
        resolve({ status: response.statusCode ?? 0, text, failed: failed || !response.complete }),
      );
    }).on("error", reject);
  });
}

describe.each(BACKENDS)("a score export failing part way on %s", (backend: Backend) => {
  it("aborts the download (no clean end of a 200) and logs why", async () => {
    const database = freshDatabase(backend);
    const lines: string[] = [];
    const logStream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({
      env: {},
      overrides: { port: 0, host: "127.0.0.1", decayIntervalSeconds: 0, ...database.settings },
    });
    const server = await startServer(config, { logger: pino({ level: "error" }, logStream) });
    try {
      const key = (await createApiKey(server.service.store.apiKeys, "exporter", "read", Date.now())).key;
      const adminKey = (await createApiKey(server.service.store.apiKeys, "admin", "admin", Date.now())).key;
      const svc = { url: server.url, adminKey, readKey: key, server } as unknown as TestService;
      svc.call = async (method, path, body) => {
        const { status, text, json } = await send(server.url, adminKey, method, path, body);
        return { status, text, body: json };
      };
      await publishB2b(svc);
      const contacts = Array.from({ length: 1100 }, (_, i) => ({ id: `x${String(i).padStart(4, "0")}` }));
      expect((await svc.call("POST", "/v1/contacts/batch", { contacts })).status).toBe(200);
      // Rows that the export reaches only after its first page of 1,000 (same totals: ranked by
      // id, descending like the totals).
      await server.service.db
        .updateTable("scores")
        .set({ dimensions: "not json" })
        .where("contact_id", "<", "x0050")
        .execute();
      for (const format of ["csv", "jsonl"]) {
        const got = await download(`${server.url}/v1/scores/export?format=${format}`, key);
        expect(got.status).toBe(200);
        expect(got.failed, format).toBe(true);
        expect(got.text.split("\n").length).toBeGreaterThan(1000);
      }
      expect(lines.join("")).toMatch(/score export failed part way: connection aborted/);
    } finally {
      await server.close();
      await database.drop();
    }
  });
});

describe("leadscore import", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.create("leadscore-hardening-");
  });
  afterAll(async () => ws?.remove());

  it("refuses an event time outside the accepted range, with file and line", async () => {
    await ws.write(
      "events.csv",
      [
        "id,contactId,type,timestamp",
        `ok-1,c1,page_view,${new Date().toISOString()}`,
        "far-1,c1,page_view,9999-01-01T00:00:00Z",
        "sec-1,c1,page_view,1700000000",
      ].join("\n"),
    );
    const run = await promisify(execFile)(
      "node",
      [
        join(ROOT, "bin", "leadscore.js"),
        "import",
        "--direct",
        "--data-dir",
        join(ws.dir, "data"),
        "--events",
        "events.csv",
      ],
      { cwd: ws.dir, env: { ...process.env, DATABASE_URL: "", NO_COLOR: "1" } },
    ).then(
      () => ({ code: 0, stderr: "" }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "events.csv:3: timestamp: 9999-01-01T00:00:00.000Z is after the accepted range 2000-01-01 .. now + 1h",
    );
    expect(run.stderr).toMatch(
      /events\.csv:4: timestamp: 1700000000 \(.*\) is before the accepted range .*looks like seconds/,
    );
  });
});
