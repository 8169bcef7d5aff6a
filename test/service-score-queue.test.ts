/**
 * Ingest answers once events are durable; the scorer applies them next. These tests hold the
 * scorer back (an ingest-only process, `scoring: off`) to look at the gap: a score read counts
 * a queued event at once, history waits for the scorer, and a merge or a new model version
 * while events wait never counts one twice. Real HTTP on 127.0.0.1, SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluate, type ScoringEvent } from "../src/engine/index.js";
import { parseModel } from "../src/model/parse.js";
import { readTemplate } from "../src/model/template-files.js";
import { checkConsistency } from "./helpers/consistency.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(BACKENDS)("score queue on %s", (backend) => {
  let svc: TestService;
  let modelSource: string;
  const now = Date.now();

  beforeAll(async () => {
    svc = await startTestService(backend, { scoring: false, scoredWaitSeconds: 1 });
    modelSource = await readTemplate("b2b");
    expect((await svc.call("POST", "/v1/models/b2b/versions", modelSource)).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => svc?.close());

  const queueDepth = () => svc.server.service.scorer.queueDepth();
  const event = (id: string, contactId: string, type: string, daysAgo: number, properties = {}) => ({
    id,
    contactId,
    type,
    timestamp: iso(now - daysAgo * DAY),
    properties,
  });
  const fromScratch = (contactId: string, properties: Record<string, unknown>, events: ScoringEvent[]) =>
    evaluate(
      parseModel(modelSource, "b2b.yaml"),
      { ...properties, id: contactId },
      undefined,
      events,
      iso(now),
      {
        ledger: false,
      },
    );
  const asEngineEvents = (events: ReturnType<typeof event>[]): ScoringEvent[] =>
    events.map((e) => ({
      id: e.id,
      type: e.type,
      timeMs: Date.parse(e.timestamp),
      properties: e.properties,
    }));
  const scoreOf = async (id: string) =>
    (await svc.call("GET", `/v1/contacts/${id}/score?asOf=${encodeURIComponent(iso(now))}`)).body.scores[0];
  const historyOf = async (id: string) =>
    (await svc.call("GET", `/v1/contacts/${id}/history`)).body.entries as Array<{
      cause: string;
      total: number;
    }>;

  it("acknowledges stored events before scoring; a score read already counts them, history waits", async () => {
    const events = [
      event("q1", "quinn", "page_view", 3, { url: "/pricing" }),
      event("q2", "quinn", "form_submission", 1, { form_id: "demo" }),
    ];
    const answer = await svc.call("POST", "/v1/events/batch", { events });
    expect(answer.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(await queueDepth()).toBe(2);
    const expected = fromScratch("quinn", {}, asEngineEvents(events));
    expect(expected.total).toBeGreaterThan(0);
    expect((await scoreOf("quinn")).total).toBe(expected.total);
    expect((await historyOf("quinn")).filter((entry) => entry.cause === "event")).toEqual([]);

    await svc.server.service.scorer.drain();
    expect(await queueDepth()).toBe(0);
    expect((await scoreOf("quinn")).total).toBe(expected.total);
    const history = await historyOf("quinn");
    expect(history[0]).toMatchObject({ cause: "event", total: expected.total });
    const metrics = await fetch(`${svc.url}/metrics`, {
      headers: { authorization: `Bearer ${svc.readKey}` },
    });
    expect(await metrics.text()).toMatch(/leadscore_score_queue_events 0/);
  });

  it("answers 504 to ?wait=scored when nothing scores, and keeps the events", async () => {
    const answer = await svc.call("POST", "/v1/events?wait=scored", {
      id: "nw1",
      contactId: "nora",
      type: "x",
    });
    expect(answer.status).toBe(504);
    expect(answer.body.error.code).toBe("scoring_timeout");
    expect(answer.body.error.message).toMatch(/stored \(1 accepted\) but were not scored within 1 s/);
    const stored = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("event_id", "=", "nw1")
      .execute();
    expect(stored).toHaveLength(1);
    await svc.server.service.scorer.drain();
  });

  it("counts a queued event once when its contact is merged before the scorer runs", async () => {
    // Page views add up (3 at most): an event counted twice would show in the total.
    const first = event("mq1", "mia", "page_view", 2, { url: "/blog/a" });
    const queued = event("mq2", "mia-old", "page_view", 1, { url: "/blog/b" });
    await svc.call("POST", "/v1/events", first);
    await svc.server.service.scorer.drain();
    await svc.call("POST", "/v1/events", queued);
    expect(await queueDepth()).toBe(1);
    const merged = await svc.call("POST", "/v1/contacts/merge", { survivorId: "mia", mergedId: "mia-old" });
    expect(merged.status, merged.text).toBe(200);
    const expected = fromScratch("mia", {}, asEngineEvents([first, queued]));
    expect((await scoreOf("mia")).total).toBe(expected.total);
    await svc.server.service.scorer.drain();
    expect((await scoreOf("mia")).total).toBe(expected.total);
    const stored = await svc.server.service.db
      .selectFrom("scores")
      .select("total")
      .where("contact_id", "=", "mia")
      .executeTakeFirstOrThrow();
    expect(stored.total).toBe(expected.total);
  });

  it("counts a queued event once when a new model version rebuilds the contact first", async () => {
    const scored = event("rq1", "rex", "page_view", 4, { url: "/blog/a" });
    const queued = event("rq2", "rex", "page_view", 1, { url: "/blog/b" });
    await svc.call("POST", "/v1/events", scored);
    await svc.server.service.scorer.drain();
    await svc.call("POST", "/v1/events", queued);
    const edited = modelSource.replace(/^name: .*$/m, "name: B2B v2");
    expect((await svc.call("POST", "/v1/models/b2b/versions", edited)).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/2/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
    expect(await queueDepth()).toBe(1);
    await svc.server.service.scorer.drain();
    const expected = fromScratch("rex", {}, asEngineEvents([scored, queued]));
    const stored = await svc.server.service.db
      .selectFrom("scores")
      .select(["total", "model_version"])
      .where("contact_id", "=", "rex")
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ total: expected.total, model_version: 2 });
  });

  it("counts every event once when contacts are merged while a long pass scores them", async () => {
    // 40 events for each of 120 contacts: on SQLite the pass runs in many short transactions
    // (slices) with merges free to run between them, moving queued events to their survivor.
    const contact = (i: number) => `slice-${String(i).padStart(3, "0")}`;
    const types = ["page_view", "email_open", "email_click", "content_download"];
    const events = Array.from({ length: 4800 }, (_, i) =>
      event(`sl${i}`, contact(i % 120), types[i % types.length], (i % 20) + 1, {
        url: `/blog/${i % 7}`,
        campaign: "newsletter",
      }),
    );
    for (let i = 0; i < events.length; i += 1200) {
      const answer = await svc.call("POST", "/v1/events/batch", { events: events.slice(i, i + 1200) });
      expect(answer.body.accepted).toBe(1200);
    }
    const service = svc.server.service;
    let passEnded = false;
    const pass = service.scorer.drain().then(() => {
      passEnded = true;
    });
    let mergedDuringPass = 0;
    for (let i = 0; i < 60; i += 2) {
      const merged = await svc.call("POST", "/v1/contacts/merge", {
        // The pass scores contacts in id order: the merged ones (high ids) are still to come.
        survivorId: contact(i),
        mergedId: contact(119 - i),
      });
      expect(merged.status, merged.text).toBe(200);
      if (!passEnded) mergedDuringPass++;
    }
    await pass;
    await service.scorer.drain();
    if (backend === "sqlite") expect(mergedDuringPass).toBeGreaterThan(0);
    const report = await checkConsistency(service.db, { historyChains: false });
    expect(report.problems).toEqual([]);
    expect(report.queued).toBe(0);
    const survivors = await service.db
      .selectFrom("events")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("contact_id", "=", contact(0))
      .executeTakeFirstOrThrow();
    expect(Number(survivors.n)).toBe(80);
  });
});

describe.each(BACKENDS)("?wait=scored on %s", (backend) => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService(backend);
    const upload = await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"));
    expect(upload.status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => svc?.close());

  it("answers once the history and the ranked list include the event", async () => {
    const answer = await svc.call("POST", "/v1/events/batch?wait=scored", {
      events: [{ id: "w1", contactId: "wes", type: "demo_request" }],
    });
    expect(answer.body).toMatchObject({ accepted: 1 });
    expect(await svc.server.service.scorer.queueDepth()).toBe(0);
    const history = await svc.call("GET", "/v1/contacts/wes/history");
    expect(history.body.entries[0]).toMatchObject({ cause: "event", detail: { eventIds: ["w1"] } });
    const ranked = await svc.call("GET", "/v1/scores?limit=10");
    expect(ranked.body.items.map((item: { contactId: string }) => item.contactId)).toContain("wes");
  });

  it("rejects an unknown wait value, naming the field", async () => {
    const answer = await svc.call("POST", "/v1/events?wait=later", { id: "w2", contactId: "wes", type: "x" });
    expect(answer.status).toBe(400);
    expect(answer.body.error.issues[0].field).toBe("query.wait");
  });
});
