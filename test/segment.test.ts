/**
 * Segment-compatible ingestion, driven by the real @segment/analytics-node SDK over HTTP on
 * 127.0.0.1, on SQLite and (when configured) PostgreSQL; results read back through the API.
 */
import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import {
  eventTimeMs,
  eventTypeOf,
  pageProperties,
  planIdentify,
  type SegmentMessage,
} from "../src/service/segment/segment.js";
import { BACKENDS, publishModel, startTestService, type TestService } from "./helpers/service.js";

const DAY = 86_400_000;

interface LedgerLine {
  dimension: string;
  ruleId: string;
  points: number;
  eventIds?: string[];
  occurrences?: number;
  countedOccurrences?: number;
}

describe("Segment mapping (pure)", () => {
  it("turns event names into snake_case, and spec names into built-in types", () => {
    expect(eventTypeOf("Form Submitted")).toBe("form_submission");
    expect(eventTypeOf("Email Link Clicked")).toBe("email_click");
    expect(eventTypeOf("Email Marked as Spam")).toBe("spam_complaint");
    expect(eventTypeOf("Order Completed")).toBe("order");
    expect(eventTypeOf("demo_request")).toBe("demo_request");
    expect(eventTypeOf("  Pricing Calculator -- Used! ")).toBe("pricing_calculator_used");
    expect(eventTypeOf("Formulaire envoyé")).toBe("formulaire_envoyé");
    expect(eventTypeOf("!!!")).toBe("");
  });

  it("maps Segment traits to canonical contact fields and keeps the others", () => {
    const plan = planIdentify({
      type: "identify",
      userId: "u1",
      anonymousId: "a1",
      traits: {
        email: "x@acme.com",
        title: "CTO",
        first_name: "Ada",
        lastName: "L",
        phone_number: "+1",
        address: { country: "GB", city: "London" },
        lead_source: "referral",
        company: { id: 42, name: "Acme", employee_count: 300, website: "https://www.acme.com/" },
        plan: "pro",
      },
    });
    expect(plan.contact).toEqual({
      contactId: "u1",
      email: "x@acme.com",
      companyId: "42",
      properties: {
        jobTitle: "CTO",
        firstName: "Ada",
        lastName: "L",
        phone: "+1",
        address: { country: "GB", city: "London" },
        country: "GB",
        leadSource: "referral",
        plan: "pro",
      },
    });
    expect(plan.company).toEqual({
      id: "42",
      properties: { name: "Acme", employees: 300, website: "https://www.acme.com/", domain: "acme.com" },
    });
    expect(plan.mergeCandidates).toEqual(["anon:a1"]);
    // A canonical spelling wins over an alias of the same field, in either order.
    const both = planIdentify({ type: "identify", anonymousId: "a2", traits: { jobTitle: "A", title: "B" } });
    expect(both.contact).toEqual({ contactId: "anon:a2", properties: { jobTitle: "A" } });
    expect(both.mergeCandidates).toEqual([]);
  });

  it("reads page paths from properties or context, and corrects originalTimestamp for clock skew", () => {
    const page: SegmentMessage = {
      type: "page",
      name: "Pricing",
      properties: { url: "https://acme.com/pricing?plan=pro" },
    };
    expect(
      pageProperties(page, { page: { title: "Pricing | Acme", referrer: "https://google.com/" } }),
    ).toEqual({
      url: "/pricing",
      full_url: "https://acme.com/pricing?plan=pro",
      name: "Pricing",
      title: "Pricing | Acme",
      referrer: "https://google.com/",
    });
    expect(
      pageProperties({ type: "page" }, { page: { path: "/jobs", url: "https://acme.com/jobs" } }),
    ).toEqual({
      url: "/jobs",
      full_url: "https://acme.com/jobs",
    });
    // The sender's clock is 10 minutes ahead: its originalTimestamp is moved back by as much.
    const receivedMs = Date.UTC(2026, 0, 1, 12);
    const skewed: SegmentMessage = {
      type: "track",
      originalTimestamp: receivedMs + 10 * 60_000 - 5_000,
      sentAt: receivedMs + 10 * 60_000,
    };
    expect(eventTimeMs(skewed, { receivedMs })).toBe(receivedMs - 5_000);
    expect(eventTimeMs({ ...skewed, timestamp: 123 }, { receivedMs })).toBe(123);
    expect(eventTimeMs({ type: "track" }, { receivedMs })).toBe(receivedMs);
  });
});

describe.each(BACKENDS)("Segment ingestion on %s", (backend) => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService(backend);
    await publishModel(svc, "b2b", await readTemplate("b2b"));
  });
  afterAll(async () => svc?.close());

  /** The real SDK, sending to this service; records each answer's status and each error. */
  function segmentClient(writeKey: string) {
    const analytics = new Analytics({
      writeKey,
      host: svc.url,
      path: "/v1/batch",
      flushAt: 100,
      flushInterval: 60_000,
      maxRetries: 0,
    });
    const statuses: number[] = [];
    const errors: unknown[] = [];
    analytics.on("http_response", (response) => statuses.push(response.status));
    analytics.on("error", (error) => errors.push(error));
    return { analytics, statuses, errors };
  }

  /** Basic auth with the key as user name and no password, as the SDKs send it. */
  async function post(path: string, body: unknown, key = svc.writeKey) {
    const response = await fetch(`${svc.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the assertions check the answer's shape
    return { status: response.status, body: (await response.json()) as any };
  }

  async function storedEvents(ids: string[]) {
    const rows = await svc.server.service.db
      .selectFrom("events")
      .select(["event_id", "contact_id", "type", "time_ms", "properties"])
      .where("event_id", "in", ids)
      .orderBy("event_id")
      .execute();
    return rows.map((row) => ({ ...row, properties: JSON.parse(row.properties) }));
  }

  async function ledgerOf(contactId: string): Promise<{ total: number; ledger: LedgerLine[] }> {
    const read = await svc.call("GET", `/v1/contacts/${encodeURIComponent(contactId)}/score`);
    expect(read.status).toBe(200);
    return read.body.scores[0];
  }

  it("takes an anonymous visitor's page and track, then identify merges them into the user", async () => {
    const now = Date.now();
    const pageMessage = {
      anonymousId: "visitor-1",
      name: "Pricing",
      properties: { url: "https://www.example.com/pricing?plan=pro", title: "Pricing" },
      messageId: "seg-page-1",
      timestamp: new Date(now - 2 * DAY),
    };
    const first = segmentClient(svc.writeKey);
    first.analytics.page(pageMessage);
    first.analytics.track({
      anonymousId: "visitor-1",
      event: "Content Downloaded",
      properties: { content_id: "whitepaper-lead-scoring" },
      messageId: "seg-download-1",
      timestamp: new Date(now - DAY),
    });
    await first.analytics.closeAndFlush();
    expect(first.errors).toEqual([]);
    expect(first.statuses).toEqual([200]);

    const anonymousEvents = await storedEvents(["seg-download-1", "seg-page-1"]);
    expect(anonymousEvents).toEqual([
      {
        event_id: "seg-download-1",
        contact_id: "anon:visitor-1",
        type: "content_download",
        time_ms: now - DAY,
        properties: { content_id: "whitepaper-lead-scoring" },
      },
      {
        event_id: "seg-page-1",
        contact_id: "anon:visitor-1",
        type: "page_view",
        time_ms: now - 2 * DAY,
        properties: {
          url: "/pricing",
          full_url: "https://www.example.com/pricing?plan=pro",
          title: "Pricing",
          name: "Pricing",
        },
      },
    ]);
    const anonymousScore = await ledgerOf("anon:visitor-1");
    expect(anonymousScore.ledger.find((line) => line.ruleId === "services-page")?.eventIds).toEqual([
      "seg-page-1",
    ]);

    const second = segmentClient(svc.writeKey);
    second.analytics.identify({
      userId: "user-1",
      anonymousId: "visitor-1",
      messageId: "seg-identify-1",
      traits: {
        email: "Jane.Doe@Acme-Industrial.com",
        firstName: "Jane",
        last_name: "Doe",
        title: "VP Marketing",
        phone: "+33 1 23 45 67 89",
        address: { country: "FR" },
        company: { id: "acme", name: "Acme", industry: "software", employee_count: 800 },
        plan: "enterprise",
      },
    });
    second.analytics.track({
      userId: "user-1",
      anonymousId: "visitor-1",
      event: "Demo Requested",
      properties: { form_id: "demo" },
      messageId: "seg-demo-1",
    });
    second.analytics.page(pageMessage); // sent again: must not count twice
    await second.analytics.closeAndFlush();
    expect(second.errors).toEqual([]);
    expect(second.statuses).toEqual([200]);

    const contact = await svc.call("GET", "/v1/contacts/user-1");
    expect(contact.body).toMatchObject({
      id: "user-1",
      email: "jane.doe@acme-industrial.com",
      companyId: "acme",
      properties: {
        firstName: "Jane",
        lastName: "Doe",
        jobTitle: "VP Marketing",
        phone: "+33 1 23 45 67 89",
        country: "FR",
        plan: "enterprise",
      },
    });
    expect(contact.body.properties).not.toHaveProperty("title");
    expect(contact.body.properties).not.toHaveProperty("company");
    expect((await svc.call("GET", "/v1/companies/acme")).body).toEqual({
      id: "acme",
      properties: { name: "Acme", industry: "software", employees: 800 },
    });
    // The anonymous id now finds the user, and its events moved there.
    expect((await svc.call("GET", `/v1/contacts/${encodeURIComponent("anon:visitor-1")}`)).body.id).toBe(
      "user-1",
    );
    const events = await storedEvents(["seg-demo-1", "seg-download-1", "seg-page-1"]);
    expect(events.map((event) => [event.event_id, event.contact_id, event.type])).toEqual([
      ["seg-demo-1", "user-1", "demo_request"],
      ["seg-download-1", "user-1", "content_download"],
      ["seg-page-1", "user-1", "page_view"],
    ]);

    const score = await ledgerOf("user-1");
    const line = (ruleId: string) => score.ledger.find((entry) => entry.ruleId === ruleId);
    expect(line("job-title")?.points).toBe(20);
    expect(line("company-size")?.points).toBe(10);
    expect(line("software-industry")?.points).toBe(10);
    expect(line("services-page")?.eventIds).toEqual(["seg-page-1"]);
    expect(line("premium-download")?.eventIds).toEqual(["seg-download-1"]);
    expect(line("demo-request")?.eventIds).toEqual(["seg-demo-1"]);
    expect(line("visit")?.occurrences).toBe(1);
    expect(score.total).toBeGreaterThan(anonymousScore.total);

    // History follows the scorer (Segment's routes answer once the events are stored).
    await svc.server.service.scorer.drain();
    const history = await svc.call("GET", "/v1/contacts/user-1/history");
    const causes = history.body.entries.map((entry: { cause: string; detail: Record<string, unknown> }) => [
      entry.cause,
      entry.detail,
    ]);
    expect(causes).toContainEqual(["merge", { mergedContactId: "anon:visitor-1" }]);
    // Which events share a history entry depends on when the scorer ran; each one is in one.
    const scoredIds = causes
      .filter(([cause]: [string]) => cause === "event")
      .flatMap(([, detail]: [string, { eventIds: string[] }]) => detail.eventIds);
    expect(scoredIds.sort()).toEqual(["seg-demo-1", "seg-download-1", "seg-page-1"]);
    expect(causes.some(([cause]: [string]) => cause === "properties")).toBe(true);

    // The same batch sent again by hand: Segment's answer, and nothing counted twice.
    const again = await post("/v1/batch", {
      batch: [
        { type: "track", userId: "user-1", event: "Demo Requested", messageId: "seg-demo-1" },
        { type: "page", anonymousId: "visitor-1", messageId: "seg-page-1", properties: { path: "/pricing" } },
      ],
    });
    expect(again).toEqual({
      status: 200,
      body: {
        success: true,
        received: 2,
        accepted: 0,
        duplicates: 2,
        contacts: 0,
        merged: 0,
        unscoredTypes: [],
        mergeCandidates: 0,
      },
    });
    expect((await ledgerOf("user-1")).ledger.find((entry) => entry.ruleId === "visit")?.occurrences).toBe(1);
  });

  it("rejects a batch with a bad message, names it, and writes nothing", async () => {
    const response = await post("/v1/batch", {
      batch: [
        { type: "track", userId: "val-1", event: "Form Submitted", messageId: "val-ok-1" },
        { type: "identify", userId: "val-1", traits: { email: "not-an-email" } },
        { type: "track", userId: "val-1", event: "Form Submitted" },
        { type: "purchase", userId: "val-1", messageId: "val-4" },
        { type: "page", messageId: "val-5" },
        { type: "track", userId: "val-1", event: "???", messageId: "val-6" },
      ],
    });
    expect(response.status).toBe(400);
    const fields = response.body.error.issues.map((issue: { field: string }) => issue.field);
    expect(fields).toEqual([
      "batch[1].traits.email",
      "batch[2].messageId",
      "batch[3].type",
      "batch[4].userId",
      "batch[5].event",
    ]);
    expect(response.body.error.message).toMatch(/^batch\[1\]\.traits\.email/);
    expect(await storedEvents(["val-ok-1"])).toEqual([]);
    expect((await svc.call("GET", "/v1/contacts/val-1")).status).toBe(404);
  });

  it("answers the single-message routes: track, page, screen, identify, group, alias", async () => {
    const track = await post("/v1/track", {
      userId: "solo-1",
      event: "Form Submitted",
      properties: { form_id: "newsletter" },
      messageId: "solo-track-1",
      originalTimestamp: "2026-01-10T10:00:00Z",
    });
    expect(track).toEqual({
      status: 200,
      body: {
        success: true,
        received: 1,
        accepted: 1,
        duplicates: 0,
        contacts: 0,
        merged: 0,
        unscoredTypes: [],
        mergeCandidates: 0,
      },
    });
    expect(
      (
        await post("/v1/track", {
          userId: "solo-1",
          event: "Pricing Calculator Used!",
          messageId: "solo-track-2",
        })
      ).status,
    ).toBe(200);
    expect(
      (await post("/v1/screen", { userId: "solo-1", name: "Settings", messageId: "solo-screen-1" })).status,
    ).toBe(200);
    expect(
      (
        await post("/v1/page", {
          userId: "solo-1",
          messageId: "solo-page-1",
          context: { page: { path: "/careers", url: "https://acme.com/careers", title: "Jobs" } },
        })
      ).status,
    ).toBe(200);
    const events = await storedEvents(["solo-page-1", "solo-screen-1", "solo-track-1", "solo-track-2"]);
    expect(events.map((event) => [event.event_id, event.type, event.properties])).toEqual([
      ["solo-page-1", "page_view", { url: "/careers", full_url: "https://acme.com/careers", title: "Jobs" }],
      ["solo-screen-1", "page_view", { name: "Settings" }],
      ["solo-track-1", "form_submission", { form_id: "newsletter" }],
      ["solo-track-2", "pricing_calculator_used", {}],
    ]);
    expect(events[2].time_ms).toBe(Date.parse("2026-01-10T10:00:00Z"));
    // The wrong type on a single route is refused.
    const wrongType = await post("/v1/track", { type: "page", userId: "solo-1", messageId: "solo-x" });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.error.issues.map((issue: { field: string }) => issue.field)).toContain("type");

    const group = await post("/v1/group", {
      userId: "solo-1",
      groupId: "globex",
      messageId: "solo-group-1",
      traits: { name: "Globex", website: "https://www.globex.com/about", employees: 30, plan: "trial" },
    });
    expect(group.body).toMatchObject({ success: true, contacts: 1 });
    expect((await svc.call("GET", "/v1/companies/globex")).body.properties).toEqual({
      name: "Globex",
      website: "https://www.globex.com/about",
      domain: "globex.com",
      employees: 30,
      plan: "trial",
    });
    expect((await svc.call("GET", "/v1/contacts/solo-1")).body.companyId).toBe("globex");

    // alias: the old id's contact (and its events) merges into the new user id.
    await post("/v1/track", { userId: "old-2", event: "Email Opened", messageId: "alias-open-1" });
    const alias = await post("/v1/alias", { userId: "new-2", previousId: "old-2", messageId: "alias-1" });
    expect(alias.body).toMatchObject({ success: true, merged: 1 });
    expect((await svc.call("GET", "/v1/contacts/old-2")).body.id).toBe("new-2");
    expect((await storedEvents(["alias-open-1"]))[0]).toMatchObject({
      contact_id: "new-2",
      type: "email_open",
    });
  });

  it("identify with an email another contact has joins the two contacts", async () => {
    const crm = await svc.call("POST", "/v1/contacts", {
      id: "crm-7",
      email: "sam@globex.com",
      properties: { leadSource: "trade_show", jobTitle: "Buyer" },
    });
    expect(crm.status).toBe(200);
    const identify = await post("/v1/identify", {
      userId: "user-7",
      messageId: "id-7",
      traits: { email: "sam@globex.com", title: "Head of Purchasing" },
    });
    expect(identify.body).toMatchObject({ success: true, contacts: 1, merged: 1 });
    const contact = await svc.call("GET", "/v1/contacts/crm-7");
    expect(contact.body).toMatchObject({
      id: "user-7",
      email: "sam@globex.com",
      properties: { jobTitle: "Head of Purchasing", leadSource: "trade_show" },
    });
    // Without a userId the known contact keeps its id and takes the anonymous visitor in.
    await svc.call("POST", "/v1/contacts", { id: "crm-8", email: "lee@globex.com" });
    await post("/v1/page", { anonymousId: "visitor-8", messageId: "page-8", properties: { path: "/" } });
    const anonymous = await post("/v1/identify", {
      anonymousId: "visitor-8",
      traits: { email: "lee@globex.com", firstName: "Lee" },
    });
    expect(anonymous.body).toMatchObject({ success: true, contacts: 1, merged: 1 });
    const lee = await svc.call("GET", `/v1/contacts/${encodeURIComponent("anon:visitor-8")}`);
    expect(lee.body).toMatchObject({
      id: "crm-8",
      email: "lee@globex.com",
      properties: { firstName: "Lee" },
    });
    expect((await storedEvents(["page-8"]))[0].contact_id).toBe("crm-8");
  });

  it("refuses a bad key with 401 and a read key with 403, writing nothing", async () => {
    const client = segmentClient("lsk_not_a_real_key");
    client.analytics.identify({ userId: "intruder", traits: { email: "intruder@example.com" } });
    client.analytics.track({ userId: "intruder", event: "Demo Requested", messageId: "intruder-1" });
    await client.analytics.closeAndFlush();
    expect(client.statuses).toEqual([401]);
    // The SDK reports each undelivered message.
    expect(
      client.errors.map((error) => [
        (error as { code: string }).code,
        String((error as { reason: unknown }).reason),
      ]),
    ).toEqual([
      ["delivery_failure", "Error: [401] Unauthorized"],
      ["delivery_failure", "Error: [401] Unauthorized"],
    ]);
    const readOnly = await post(
      "/v1/batch",
      { batch: [{ type: "track", userId: "intruder", event: "Demo Requested", messageId: "intruder-2" }] },
      svc.readKey,
    );
    expect(readOnly.status).toBe(403);
    const noKey = await fetch(`${svc.url}/v1/track`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "intruder", event: "x", messageId: "intruder-3" }),
    });
    expect(noKey.status).toBe(401);
    expect(await storedEvents(["intruder-1", "intruder-2", "intruder-3"])).toEqual([]);
    expect((await svc.call("GET", "/v1/contacts/intruder")).status).toBe(404);
  });
});
