/** The service over real HTTP on 127.0.0.1, on SQLite and (when configured) PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate } from "../src/engine/index.js";
import { parseModel } from "../src/model/parse.js";
import { readTemplate } from "../src/model/template-files.js";
import { contactScoreSchema } from "../src/server/schemas.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(BACKENDS)("service on %s", (backend) => {
  let svc: TestService;
  let modelSource: string;

  beforeAll(async () => {
    svc = await startTestService(backend);
    modelSource = await readTemplate("b2b");
    const upload = await svc.call("POST", "/v1/models/b2b/versions", modelSource);
    expect(upload.status).toBe(201);
    const publish = await svc.call("POST", "/v1/models/b2b/versions/1/publish");
    expect(publish.status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => svc?.close());

  it("answers /health without a key and refuses /v1 without one", async () => {
    const health = await fetch(`${svc.url}/health`);
    expect(await health.json()).toMatchObject({ status: "ok", database: backend });
    const anonymous = await fetch(`${svc.url}/v1/models`);
    expect(anonymous.status).toBe(401);
    const wrong = await svc.call("GET", "/v1/models", undefined, "lsk_nope_nope");
    expect(wrong.status).toBe(401);
  });

  it("refuses writes with a read key, allows reads", async () => {
    const write = await svc.call(
      "POST",
      "/v1/events",
      { id: "r1", contactId: "k1", type: "page_view" },
      svc.readKey,
    );
    expect(write.status).toBe(403);
    expect((await svc.call("GET", "/v1/models", undefined, svc.readKey)).status).toBe(200);
  });

  it("scores a contact from events incrementally, exactly as the engine does from scratch", async () => {
    const now = Date.now();
    const contact = {
      id: "alice",
      email: "alice@acme-industrial.com",
      companyId: "acme",
      properties: { jobTitle: "VP Marketing", country: "FR" },
    };
    expect(
      (
        await svc.call("POST", "/v1/companies", {
          id: "acme",
          properties: { employees: 800, industry: "manufacturing", country: "FR" },
        })
      ).status,
    ).toBe(200);
    expect((await svc.call("POST", "/v1/contacts", contact)).status).toBe(200);
    const events = [
      {
        id: "a1",
        contactId: "alice",
        type: "page_view",
        timestamp: iso(now - 3 * DAY),
        properties: { url: "/pricing" },
      },
      {
        id: "a2",
        contactId: "alice",
        type: "content_download",
        timestamp: iso(now - 2 * DAY),
        properties: { content_id: "buyers-guide" },
      },
      {
        id: "a3",
        contactId: "alice",
        type: "form_submission",
        timestamp: iso(now - DAY),
        properties: { form_id: "demo" },
      },
    ];
    for (const event of events)
      expect((await svc.call("POST", "/v1/events?wait=scored", event)).body).toMatchObject({ accepted: 1 });
    // The stored state names the events by seq (short numbers); the ledger read below by the sender's ids.
    const stored = await svc.server.service.db
      .selectFrom("contact_states")
      .select("state")
      .where("contact_id", "=", "alice")
      .executeTakeFirstOrThrow();
    expect(JSON.parse(stored.state)).toMatchObject({ sq: expect.any(Array) });
    expect(stored.state).not.toContain('"a1"');
    const asOf = iso(now + 1000);
    const read = await svc.call("GET", `/v1/contacts/alice/score?asOf=${encodeURIComponent(asOf)}`);
    expect(read.status).toBe(200);
    const score = read.body.scores[0];
    const expected = evaluate(
      parseModel(modelSource, "b2b.yaml"),
      { ...contact.properties, id: "alice", email: contact.email, companyId: "acme" },
      { id: "acme", employees: 800, industry: "manufacturing", country: "FR" },
      events.map((e) => ({
        id: e.id,
        type: e.type,
        timeMs: Date.parse(e.timestamp),
        properties: e.properties,
      })),
      asOf,
      { ledger: true },
    );
    expect(score.ledger).toEqual(expected.ledger);
    // Each line carries its rule's label from the model (the b2b template labels every rule).
    const labels = new Map(expected.ledger!.map((line) => [line.ruleId, line.label]));
    expect(labels.get("visit")).toBe("Visited the website");
    expect(score.total).toBe(expected.total);
    expect(score.dimensions).toEqual(expected.dimensions);
    expect(score.ledger).toEqual(expected.ledger);
    const sum = score.ledger
      .filter((l: { dimension: string }) => l.dimension === "engagement")
      .reduce((s: number, l: { points: number }) => s + l.points, 0);
    expect(Math.round(sum * 100) / 100).toBeCloseTo(score.dimensions.engagement, 1);
  });

  it("never counts an event twice: same id in one batch, across batches and across requests", async () => {
    const event = { id: "dup-1", contactId: "bob", type: "page_view", properties: { url: "/pricing" } };
    const first = await svc.call("POST", "/v1/events/batch", { events: [event, event] });
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const again = await svc.call("POST", "/v1/events/batch", { events: [event, { ...event, id: "dup-2" }] });
    expect(again.body).toMatchObject({ accepted: 1, duplicates: 1 });
    const history = await svc.call("GET", "/v1/contacts/bob/history");
    expect(history.body.entries.every((entry: { cause: string }) => entry.cause === "event")).toBe(true);
    const ids = history.body.entries.flatMap(
      (entry: { detail: { eventIds: string[] } }) => entry.detail.eventIds,
    );
    expect(ids.sort()).toEqual(["dup-1", "dup-2"].filter((id) => ids.includes(id)).sort());
    const rows = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("contact_id", "=", "bob")
      .execute();
    expect(rows.map((r) => r.event_id).sort()).toEqual(["dup-1", "dup-2"]);
  });

  it("rejects a batch with a bad item, names the item and field, and writes nothing", async () => {
    const response = await svc.call("POST", "/v1/events/batch", {
      events: [
        { id: "ok-1", contactId: "carol", type: "page_view" },
        { id: "bad-1", contactId: "carol", type: "page_view", timestamp: "last tuesday" },
        { id: "bad-2", type: "page_view" },
      ],
    });
    expect(response.status).toBe(400);
    const fields = response.body.error.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual(["events[1].timestamp", "events[2].contactId"]);
    const stored = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("event_id", "=", "ok-1")
      .execute();
    expect(stored).toEqual([]);
    const contact = await svc.call("GET", "/v1/contacts/carol");
    expect(contact.status).toBe(404);
  });

  it("answers malformed JSON, unknown routes and bad query values with 4xx JSON errors", async () => {
    const response = await fetch(`${svc.url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${svc.writeKey}`, "content-type": "application/json" },
      body: '{"id": ',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/JSON/);
    expect((await svc.call("GET", "/v1/nothing")).status).toBe(404);
    const bad = await svc.call("GET", "/v1/contacts/alice/history?limit=0");
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues[0].field).toBe("query.limit");
  });

  it("identifies contacts by email and merges two contacts", async () => {
    // Scored before the merge (wait=scored): the merge then moves scored events, which changes
    // the survivor's score and writes a "merge" history entry. Events still queued at a merge are
    // applied to the survivor afterwards, as "event" entries (test/service-score-queue.test.ts).
    await svc.call("POST", "/v1/events?wait=scored", {
      id: "m1",
      email: "Dana@Example.org",
      type: "page_view",
      properties: { url: "/pricing" },
    });
    const byEmail = await svc.call("GET", `/v1/contacts?email=${encodeURIComponent("dana@example.org")}`);
    expect(byEmail.status).toBe(200);
    const anonymousId = byEmail.body.id as string;
    await svc.call("POST", "/v1/contacts", { id: "dana", properties: { jobTitle: "CMO" } });
    await svc.call("POST", "/v1/events?wait=scored", {
      id: "m2",
      contactId: "dana",
      type: "form_submission",
      properties: { form_id: "demo" },
    });
    const merged = await svc.call("POST", "/v1/contacts/merge", {
      survivorId: "dana",
      mergedId: anonymousId,
    });
    expect(merged.status).toBe(200);
    expect(merged.body.email).toBe("dana@example.org");
    const events = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("contact_id", "=", "dana")
      .execute();
    expect(events.map((e) => e.event_id).sort()).toEqual(["m1", "m2"]);
    // The merged id still finds the survivor, and later events sent to it land there.
    expect((await svc.call("GET", `/v1/contacts/${anonymousId}`)).body.id).toBe("dana");
    expect(
      (await svc.call("POST", "/v1/events", { id: "m3", contactId: anonymousId, type: "page_view" })).body
        .contactIds,
    ).toEqual(["dana"]);
    const history = await svc.call("GET", "/v1/contacts/dana/history");
    expect(history.body.entries.some((entry: { cause: string }) => entry.cause === "merge")).toBe(true);
  });

  it("publishes a new model version: every contact rescored in the background, the change in each history", async () => {
    const edited = modelSource.replace(/^name: .*$/m, "name: B2B v2");
    const upload = await svc.call("POST", "/v1/models/b2b/versions", edited.replace(/hot: \d+/, "hot: 60"));
    expect(upload.status).toBe(201);
    expect(upload.body.version).toBe(2);
    const job = await svc.call("POST", "/v1/models/b2b/versions/2/publish");
    expect(job.status).toBe(202);
    await svc.server.service.publishing.idle();
    const done = await svc.call("GET", `/v1/jobs/${job.body.id}`);
    expect(done.body).toMatchObject({ status: "done" });
    expect(done.body.done).toBe(done.body.total);
    const history = await svc.call("GET", "/v1/contacts/alice/history?limit=1");
    expect(history.body.entries[0]).toMatchObject({ cause: "model", model: { key: "b2b", version: 2 } });
    const score = await svc.call("GET", "/v1/contacts/alice/score");
    expect(score.body.scores[0].model.version).toBe(2);
  });

  it("rejects an invalid model with its path and line, and stores nothing", async () => {
    const bad = modelSource.replace(
      "temperature: { warm: 40, hot: 70 }",
      "temperature: { warm: 40, hot: boiling }",
    );
    expect(bad).not.toBe(modelSource);
    const response = await svc.call("POST", "/v1/models/broken/versions", bad);
    expect(response.status).toBe(422);
    expect(response.body.error.issues[0].message).toMatch(/line \d+/);
    expect(
      (await svc.call("GET", "/v1/models")).body.models.some((m: { key: string }) => m.key === "broken"),
    ).toBe(false);
  });

  it("scores every contact under several published models at once", async () => {
    const upload = await svc.call("POST", "/v1/models/appetence/versions", await readTemplate("appetence"));
    expect(upload.status).toBe(201);
    await svc.call("POST", "/v1/models/appetence/versions/1/publish");
    await svc.server.service.publishing.idle();
    const read = await svc.call("GET", "/v1/contacts/alice/score");
    expect(read.body.scores.map((s: { model: { key: string } }) => s.model.key)).toEqual([
      "appetence",
      "b2b",
    ]);
    for (const score of read.body.scores) expect(contactScoreSchema.safeParse(score).success).toBe(true);
    const only = await svc.call("GET", "/v1/contacts/alice/score?model=appetence");
    expect(only.body.scores).toHaveLength(1);
    expect((await svc.call("DELETE", "/v1/models/appetence/published")).status).toBe(204);
    expect((await svc.call("GET", "/v1/contacts/alice/score")).body.scores).toHaveLength(1);
  });

  it("exposes Prometheus metrics that count what it did", async () => {
    const before = await svc.call("GET", "/metrics", undefined, svc.readKey);
    const counter = (text: string, name: string) =>
      Number(new RegExp(`^${name} (\\d+)`, "m").exec(text)?.[1]);
    const stored = counter(before.text, "leadscore_events_ingested_total");
    await svc.call("POST", "/v1/events/batch", {
      events: [
        { id: "metric-1", contactId: "frank", type: "page_view" },
        { id: "metric-2", contactId: "frank", type: "page_view" },
      ],
    });
    await svc.call("POST", "/v1/events", { id: "metric-1", contactId: "frank", type: "page_view" });
    const after = await svc.call("GET", "/metrics", undefined, svc.readKey);
    expect(counter(after.text, "leadscore_events_ingested_total")).toBe(stored + 2);
    expect(after.text).toMatch(
      /leadscore_http_requests_total\{method="POST",route="\/v1\/events\/batch",status="200"\} \d+/,
    );
    expect(after.text).toContain("leadscore_events_duplicate_total");
  });

  it("serves an OpenAPI document listing exactly the routes it serves", async () => {
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    const served = svc.server.servedRoutes.map(
      (r) => `${r.method} ${r.url.replace(/:([A-Za-z_]+)/g, "{$1}")}`,
    );
    expect(documented.sort()).toEqual(served.sort());
    // Ledger lines are documented with their label.
    expect(JSON.stringify(doc)).toContain("the rule's label in the model");
  });
});
