/**
 * The real analytics SDKs, with their default options (only the host and the write key set),
 * against a real service on 127.0.0.1, on SQLite and (when configured) PostgreSQL: identify,
 * track, page, group and alias, then a flush of 500 track events. RudderStack's SDK gzips its
 * batches and labels them application/x-www-form-urlencoded; Segment's sends JSON with the
 * key both in Basic auth and in the body. Each event must be stored once and scored.
 */
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
import { Analytics as SegmentAnalytics } from "@segment/analytics-node";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { checkConsistency } from "./helpers/consistency.js";
import { BACKENDS, publishModel, startTestService, type TestService } from "./helpers/service.js";

/** What both SDKs offer, so one scenario drives either. */
interface SdkClient {
  identify(message: Record<string, unknown>): void;
  track(message: Record<string, unknown>): void;
  page(message: Record<string, unknown>): void;
  group(message: Record<string, unknown>): void;
  alias(message: Record<string, unknown>): void;
  /** Sends everything queued; resolves once answered. */
  flush(): Promise<void>;
  errors: unknown[];
}

function segmentClient(host: string, writeKey: string): SdkClient {
  const analytics = new SegmentAnalytics({ writeKey, host });
  const errors: unknown[] = [];
  analytics.on("error", (error) => errors.push(error));
  return {
    identify: (message) => analytics.identify(message as never),
    track: (message) => analytics.track(message as never),
    page: (message) => analytics.page(message as never),
    group: (message) => analytics.group(message as never),
    alias: (message) => analytics.alias(message as never),
    flush: () => analytics.flush(),
    errors,
  };
}

function rudderClient(host: string, writeKey: string): SdkClient {
  const analytics = new RudderAnalytics(writeKey, { dataPlaneUrl: host });
  const errors: unknown[] = [];
  const onDone = (error?: unknown) => {
    if (error) errors.push(error);
  };
  return {
    identify: (message) => analytics.identify(message as never, onDone),
    track: (message) => analytics.track(message as never, onDone),
    page: (message) => analytics.page(message as never, onDone),
    group: (message) => analytics.group(message as never, onDone),
    alias: (message) => analytics.alias(message as never, onDone),
    flush: async () => {
      await analytics.flush();
    },
    errors,
  };
}

const SDKS = { segment: segmentClient, rudderstack: rudderClient } as const;

describe.each(BACKENDS)("analytics SDKs with their default options on %s", (backend) => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService(backend);
    await publishModel(svc, "b2b", await readTemplate("b2b"));
  });
  afterAll(async () => svc?.close());

  /** How many times each id is stored. */
  async function storedCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const rows = await svc.server.service.db
      .selectFrom("events")
      .select(["event_id", sql<number>`count(*)`.as("n")])
      .where("event_id", "in", ids)
      .groupBy("event_id")
      .execute();
    return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
  }

  /** Polls the API until the contact's history has an entry with the event counted. */
  async function scoredTotal(contactId: string, deadlineMs = 20_000): Promise<number> {
    const until = Date.now() + deadlineMs;
    for (;;) {
      const history = await svc.call("GET", `/v1/contacts/${encodeURIComponent(contactId)}/history`);
      const entries = (history.body?.entries ?? []) as { total: number }[];
      if (history.status === 200 && entries.length > 0 && entries[0].total > 0) return entries[0].total;
      if (Date.now() > until) throw new Error(`${contactId} not scored within ${deadlineMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it.each(Object.keys(SDKS) as (keyof typeof SDKS)[])(
    "%s: identify, track, page, group and alias are applied, and 500 tracks are stored once and scored",
    async (sdk) => {
      const client = SDKS[sdk](svc.url, svc.writeKey);
      const user = `${sdk}-user`;
      client.track({ userId: `${sdk}-old`, event: "Content Downloaded", messageId: `${sdk}-old-1` });
      client.identify({
        userId: user,
        traits: { email: `ada@${sdk}.example.com`, title: "VP Marketing", company: { id: `${sdk}-co` } },
      });
      client.track({ userId: user, event: "Demo Requested", messageId: `${sdk}-demo-1` });
      client.page({ userId: user, name: "Pricing", properties: { url: "https://www.example.com/pricing" } });
      client.group({ userId: user, groupId: `${sdk}-co`, traits: { name: "Acme", employee_count: 800 } });
      client.alias({ previousId: `${sdk}-old`, userId: user });
      await client.flush();
      expect(client.errors).toEqual([]);

      const contact = await svc.call("GET", `/v1/contacts/${user}`);
      expect(contact.body).toMatchObject({
        id: user,
        email: `ada@${sdk}.example.com`,
        companyId: `${sdk}-co`,
        properties: { jobTitle: "VP Marketing" },
      });
      expect((await svc.call("GET", `/v1/companies/${sdk}-co`)).body).toMatchObject({
        properties: { name: "Acme", employees: 800 },
      });
      // The alias merged the earlier contact: its id now leads to the user.
      expect((await svc.call("GET", `/v1/contacts/${sdk}-old`)).body).toMatchObject({ id: user });
      expect(await storedCounts([`${sdk}-old-1`, `${sdk}-demo-1`])).toEqual(
        new Map([
          [`${sdk}-old-1`, 1],
          [`${sdk}-demo-1`, 1],
        ]),
      );

      const ids: string[] = [];
      const contacts = Array.from({ length: 25 }, (_, i) => `${sdk}-lead-${i}`);
      for (let i = 0; i < 500; i++) {
        const messageId = `${sdk}-bulk-${i}`;
        ids.push(messageId);
        client.track({
          userId: contacts[i % contacts.length],
          event: i % 2 === 0 ? "Demo Requested" : "Form Submitted",
          messageId,
          properties: { form_id: "demo", i },
        });
      }
      await client.flush();
      expect(client.errors).toEqual([]);
      const counts = await storedCounts(ids);
      expect(counts.size).toBe(500);
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
      for (const contactId of [user, ...contacts]) expect(await scoredTotal(contactId)).toBeGreaterThan(0);
      // Every stored score equals the engine's from scratch, with nothing left in the queue.
      const until = Date.now() + 20_000;
      let report = await checkConsistency(svc.server.service.db, { historyChains: false });
      while (report.queued > 0 && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        report = await checkConsistency(svc.server.service.db, { historyChains: false });
      }
      expect(report.queued).toBe(0);
      expect(report.problems).toEqual([]);
    },
    60_000,
  );
});
