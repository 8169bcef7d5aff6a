/**
 * `scoringPassEvents` bounds what one scoring pass takes: a backlog larger than it is scored in
 * several passes, every event once, and the stored scores equal the engine's from scratch.
 * Real HTTP ingest on 127.0.0.1; SQLite, and PostgreSQL when a URL is given.
 */
import { afterAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { checkConsistency } from "./helpers/consistency.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

describe.each(BACKENDS)("scoring passes bounded by scoringPassEvents (%s)", (backend) => {
  let svc: TestService | undefined;
  afterAll(async () => svc?.close());

  it("scores a backlog of 40 events in passes of at most 7", async () => {
    // Ingest-only until the backlog is there, so that every pass finds a full one.
    svc = await startTestService(backend, { scoring: false, scoringPassEvents: 7 });
    expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
    const events = Array.from({ length: 40 }, (_, i) => ({
      id: `pass-${i}`,
      contactId: `p-${i % 5}`,
      type: i % 4 === 0 ? "pricing_page_view" : "page_view",
      timestamp: new Date(Date.now() - (40 - i) * 60_000).toISOString(),
    }));
    expect((await svc.call("POST", "/v1/events/batch", { events })).body.accepted).toBe(40);

    const scorer = svc.server.service.scorer;
    const before = { ...scorer.stats };
    await scorer.drain();
    expect(scorer.stats.events - before.events).toBe(40);
    // 40 events in passes of 7: at least six passes (a last, empty look may add one).
    expect(scorer.stats.passes - before.passes).toBeGreaterThanOrEqual(6);
    expect(await scorer.queueDepth()).toBe(0);
    const report = await checkConsistency(svc.server.service.db);
    expect(report.problems).toEqual([]);
    expect(report.contactsWithEvents).toBe(5);
  });
});
