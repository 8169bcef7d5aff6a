/**
 * A SQLite scoring slice computes its scores outside the write lock (planScores) and writes
 * them later if nothing they were computed from changed (planStillValid). These tests change
 * each such input between the two and check that the plan is refused, and that a change to
 * another contact does not refuse it. Real databases through the service's own stores.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScoringEvent } from "../src/engine/index.js";
import { readTemplate } from "../src/model/template-files.js";
import { planScores, planStillValid } from "../src/service/scoring/score-contacts.js";
import { ModelQueries } from "../src/store/models.js";
import { scoringStore } from "../src/store/scoring-store.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

describe.each(BACKENDS)("score plans on %s", (backend) => {
  let svc: TestService;
  const now = Date.now();
  const ids = ["plan-a", "plan-b"];

  beforeAll(async () => {
    svc = await startTestService(backend, { scoring: false });
    const source = await readTemplate("b2b");
    expect((await svc.call("POST", "/v1/models/b2b/versions", source)).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
    const companies = await svc.call("POST", "/v1/companies/batch", {
      companies: [
        { id: "acme", properties: { employees: 800, industry: "software" } },
        { id: "globex", properties: { employees: 20, industry: "retail" } },
      ],
    });
    expect(companies.status, companies.text).toBe(200);
    const contacts = await svc.call("POST", "/v1/contacts/batch", {
      contacts: [
        { id: "plan-a", companyId: "acme", properties: { jobTitle: "Head of Marketing", country: "FR" } },
        { id: "plan-b", companyId: "globex", properties: { jobTitle: "Intern", country: "FR" } },
      ],
    });
    expect(contacts.status, contacts.text).toBe(200);
    await svc.server.service.scorer.drain();
  });
  afterAll(async () => svc?.close());

  /** Plans one new event for each contact in a read transaction, as a slice does. */
  const plan = async (tag: string) => {
    const { database, models } = svc.server.service;
    const newEvents = new Map<string, ScoringEvent[]>(
      ids.map((id) => [
        id,
        [{ id: `${tag}-${id}`, type: "page_view", timeMs: now - 60_000, properties: {} }],
      ]),
    );
    return database.db
      .transaction()
      .setAccessMode("read only")
      .execute(async (tx) =>
        planScores(
          scoringStore(database, tx),
          await models.active(new ModelQueries(tx)),
          ids,
          newEvents,
          { cause: "event", eventIds: new Map(ids.map((id) => [id, [`${tag}-${id}`]])) },
          now,
        ),
      );
  };
  const stillValid = async (planned: Awaited<ReturnType<typeof plan>>) => {
    const { database, models } = svc.server.service;
    return database.db
      .transaction()
      .execute(async (tx) =>
        planStillValid(scoringStore(database, tx), planned, await models.active(new ModelQueries(tx))),
      );
  };

  it("plans a score for every contact and stays valid while nothing changes", async () => {
    const planned = await plan("same");
    expect(planned.scoreRows.map((row) => row.contact_id).sort()).toEqual(ids);
    expect(planned.stateRows).toHaveLength(2);
    expect(await stillValid(planned)).toBe(true);
    // Another contact's change does not concern the plan.
    const other = await svc.call("POST", "/v1/contacts", { id: "plan-z", properties: { country: "DE" } });
    expect(other.status, other.text).toBe(200);
    expect(await stillValid(planned)).toBe(true);
  });

  it("is refused once a contact's properties changed", async () => {
    const planned = await plan("contact");
    const changed = await svc.call("POST", "/v1/contacts", { id: "plan-b", properties: { jobTitle: "CEO" } });
    expect(changed.status, changed.text).toBe(200);
    expect(await stillValid(planned)).toBe(false);
  });

  it("is refused once a contact's company changed", async () => {
    const planned = await plan("company");
    const changed = await svc.call("POST", "/v1/companies", { id: "acme", properties: { employees: 5 } });
    expect(changed.status, changed.text).toBe(200);
    expect(await stillValid(planned)).toBe(false);
  });

  it("is refused once another event was applied to a contact", async () => {
    const planned = await plan("state");
    const sent = await svc.call("POST", "/v1/events", {
      id: "state-elsewhere",
      contactId: "plan-a",
      type: "demo_request",
      timestamp: new Date(now - 120_000).toISOString(),
    });
    expect(sent.status, sent.text).toBe(200);
    await svc.server.service.scorer.drain();
    expect(await stillValid(planned)).toBe(false);
  });

  it("is refused once another model version is published", async () => {
    const planned = await plan("model");
    const source = (await readTemplate("b2b")).replace(/^description: .*$/m, "description: version 2");
    expect((await svc.call("POST", "/v1/models/b2b/versions", source)).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/b2b/versions/2/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
    expect(await stillValid(planned)).toBe(false);
  });
});

/**
 * The fast path of a slice: migration 007's triggers bump `scoring_inputs` on every change to
 * what a plan reads, so that a plan made while the counter stayed the same is written without
 * reading its inputs again. Storing events (new contacts included) must not bump it: ingest
 * runs all the time and would send every slice to the slow path.
 */
describe("the scoring_inputs counter on sqlite", () => {
  let svc: TestService;
  const now = Date.now();
  beforeAll(async () => {
    svc = await startTestService("sqlite", { scoring: false });
    const source = await readTemplate("b2b");
    expect((await svc.call("POST", "/v1/models/b2b/versions", source)).status).toBe(201);
  });
  afterAll(async () => svc?.close());

  const inputs = async () =>
    Number(
      (
        await svc.server.service.database.db
          .selectFrom("counters")
          .select("value")
          .where("name", "=", "scoring_inputs")
          .executeTakeFirstOrThrow()
      ).value,
    );
  const changes = async (what: () => Promise<unknown>) => {
    const before = await inputs();
    await what();
    return (await inputs()) - before;
  };
  const ok = async (method: string, path: string, body?: unknown) => {
    const response = await svc.call(method, path, body);
    expect(response.status, response.text).toBeLessThan(300);
  };

  it("moves with every change a plan reads, and not with stored events", async () => {
    expect(
      await changes(async () => {
        await ok("POST", "/v1/models/b2b/versions/1/publish");
        await svc.server.service.publishing.idle();
      }),
    ).toBeGreaterThan(0);
    expect(
      await changes(() => ok("POST", "/v1/companies", { id: "initech", properties: { employees: 50 } })),
    ).toBeGreaterThan(0);
    expect(
      await changes(() => ok("POST", "/v1/contacts", { id: "in-a", companyId: "initech", properties: {} })),
    ).toBeGreaterThan(0);
    expect(
      await changes(() => ok("POST", "/v1/contacts", { id: "in-a", properties: { jobTitle: "CTO" } })),
    ).toBeGreaterThan(0);
    const event = (id: string, contactId: string) => ({
      id,
      contactId,
      type: "page_view",
      timestamp: new Date(now - 60_000).toISOString(),
    });
    // Stored and queued only (scoring is off): an existing contact, then a contact it creates.
    expect(await changes(() => ok("POST", "/v1/events", event("in-e1", "in-a")))).toBe(0);
    expect(await changes(() => ok("POST", "/v1/events", event("in-e2", "in-new")))).toBe(0);
    expect(await changes(() => svc.server.service.scorer.drain())).toBeGreaterThan(0);
    expect(
      await changes(() => ok("POST", "/v1/contacts/merge", { survivorId: "in-a", mergedId: "in-new" })),
    ).toBeGreaterThan(0);
  });
});
