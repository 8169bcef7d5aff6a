/**
 * SQLite's implicit queue after a crash that lost the watermark's last move (the events were
 * applied, the watermark stayed behind): the next scorer reads those events again, finds each
 * one applied already, applies none of them twice, and goes on past them to the events that do
 * wait, even when they are several passes further (drain must not stop at a pass that applied
 * nothing). Real HTTP ingest on 127.0.0.1, scores checked against the engine from scratch.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { Scorer } from "../src/service/scoring/scorer.js";
import { checkConsistency } from "./helpers/consistency.js";
import { startTestService, type TestService } from "./helpers/service.js";

describe("implicit score queue on sqlite, after the watermark fell behind", () => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService("sqlite", { scoring: false });
    expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
  });
  afterAll(async () => svc?.close());

  const events = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => ({
      id: `${prefix}-${i}`,
      contactId: `r-${i % 4}`,
      type: i % 3 === 0 ? "pricing_page_view" : "page_view",
      timestamp: new Date(Date.now() - (n - i) * 60_000).toISOString(),
    }));

  const scorer = () =>
    new Scorer(svc.server.service.database, svc.server.service.models, pino({ level: "silent" }), Date.now, {
      enabled: true,
      batch: 10,
      pollMs: 0,
      minPassIntervalMs: 0,
    });

  const waiting = async () =>
    Number(
      (
        await svc.server.service.db
          .selectFrom("score_queue")
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it("applies only the events that wait, each once", async () => {
    const service = svc.server.service;
    expect((await svc.call("POST", "/v1/events/batch", { events: events("first", 30) })).body.accepted).toBe(
      30,
    );
    const first = scorer();
    await first.drain();
    expect(first.stats.events).toBe(30);
    expect(await service.scorer.queueDepth()).toBe(0);

    // The crash: every event applied, the watermark back at the start.
    await service.db.updateTable("counters").set({ value: 0 }).where("name", "=", "scored_through").execute();
    // Nothing waits (the queue view), though 30 events are past the watermark (the gauge).
    expect(await waiting()).toBe(0);
    expect(await service.scorer.queueDepth()).toBe(30);
    expect((await svc.call("POST", "/v1/events/batch", { events: events("second", 10) })).body.accepted).toBe(
      10,
    );
    expect(await waiting()).toBe(10);

    // Passes of 10: three find only applied events, the fourth the new ones.
    const second = scorer();
    await second.drain();
    expect(second.stats.events).toBe(10);
    expect(await waiting()).toBe(0);
    expect(await service.scorer.queueDepth()).toBe(0);
    const watermark = await service.db
      .selectFrom("counters")
      .select("value")
      .where("name", "=", "scored_through")
      .executeTakeFirstOrThrow();
    const last = await service.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("seq").as("seq"))
      .executeTakeFirstOrThrow();
    expect(Number(watermark.value)).toBe(Number(last.seq));
    const report = await checkConsistency(service.db);
    expect(report.problems).toEqual([]);
    expect(report.contactsWithEvents).toBe(4);
  });
});
