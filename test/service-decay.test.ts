/** Scores move with time alone: the decay pass updates stored scores; reads at asOf are exact. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const DAY = 86_400_000;
const START = Date.parse("2026-06-01T09:00:00Z");

describe.each(BACKENDS)("decay on %s", (backend) => {
  let svc: TestService;
  let now = START;

  beforeAll(async () => {
    svc = await startTestService(backend, {}, { clock: () => now });
    await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"));
    await svc.call("POST", "/v1/models/b2b/versions/1/publish");
    await svc.server.service.publishing.idle();
    await svc.call("POST", "/v1/contacts", {
      id: "eve",
      email: "eve@bigcorp-analytics.com",
      properties: { jobTitle: "Head of Marketing" },
    });
    const events = [
      {
        id: "e1",
        contactId: "eve",
        type: "page_view",
        timestamp: new Date(START - 2 * DAY).toISOString(),
        properties: { url: "/pricing" },
      },
      {
        id: "e2",
        contactId: "eve",
        type: "form_submission",
        timestamp: new Date(START - DAY).toISOString(),
        properties: { form_id: "demo" },
      },
    ];
    expect((await svc.call("POST", "/v1/events/batch?wait=scored", { events })).body.accepted).toBe(2);
  });
  afterAll(async () => svc?.close());

  const stored = async () =>
    svc.server.service.db
      .selectFrom("scores")
      .selectAll()
      .where("contact_id", "=", "eve")
      .executeTakeFirstOrThrow();

  it("keeps the stored score until the decay pass, which moves it and records why", async () => {
    const before = await stored();
    const live = await svc.call("GET", "/v1/contacts/eve/score");
    expect(live.body.scores[0].total).toBe(before.total);
    expect(live.body.scores[0].dimensions.engagement).toBeGreaterThan(0);

    now = START + 90 * DAY;
    const later = await svc.call("GET", "/v1/contacts/eve/score");
    expect(later.body.scores[0].dimensions.engagement).toBeLessThan(
      live.body.scores[0].dimensions.engagement,
    );
    expect((await stored()).total).toBe(before.total); // nothing ran yet

    const pass = await svc.call("POST", "/v1/decay");
    expect(pass.status).toBe(200);
    expect(pass.body.changed).toBeGreaterThanOrEqual(1);
    const after = await stored();
    expect(after.total).toBe(later.body.scores[0].total);
    expect(after.as_of_ms).toBe(now);
    const history = await svc.call("GET", "/v1/contacts/eve/history?limit=1");
    expect(history.body.entries[0]).toMatchObject({
      cause: "decay",
      total: after.total,
      previousTotal: before.total,
    });

    // A second pass at the same time changes nothing and records nothing.
    const again = await svc.call("POST", "/v1/decay");
    expect(again.body.changed).toBe(0);
    const unchanged = await svc.call("GET", "/v1/contacts/eve/history?limit=1");
    expect(unchanged.body.entries[0].seq).toBe(history.body.entries[0].seq);
  });

  it("reads a score as of any date from the latest event on, and refuses earlier ones by name", async () => {
    const asOf = new Date(START + 7 * DAY).toISOString();
    const week = await svc.call("GET", `/v1/contacts/eve/score?asOf=${encodeURIComponent(asOf)}`);
    expect(week.body.scores[0].asOf).toBe(asOf);
    const early = await svc.call(
      "GET",
      `/v1/contacts/eve/score?asOf=${encodeURIComponent(new Date(START - 10 * DAY).toISOString())}`,
    );
    expect(early.status).toBe(400);
    expect(early.body.error.issues[0].field).toBe("asOf");
  });
});
