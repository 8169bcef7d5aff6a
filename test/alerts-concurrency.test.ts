/**
 * Two service processes on one PostgreSQL schema, both scoring and delivering: each alert is
 * decided once and delivered once (leases with SKIP LOCKED: no row is sent by both).
 */
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../src/server/start.js";
import { ALERT_MODEL, RECEIVER_ALLOWED, triggerFile } from "./helpers/alerts.js";
import { POSTGRES_URL, startTestService, type TestService } from "./helpers/service.js";
import { eventually, startReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

describe.skipIf(!POSTGRES_URL)("alerts with two processes on one PostgreSQL", () => {
  let a: TestService;
  let b: RunningServer;
  let receiver: WebhookReceiver;
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await receiver?.close();
  });

  it("decides each alert once and delivers it once, both processes sharing the work", async () => {
    receiver = await startReceiver();
    receiver.delayMs = 40;
    a = await startTestService("postgres", RECEIVER_ALLOWED);
    b = await startServer(a.config, { logger: pino({ level: "silent" }) });
    expect((await a.call("POST", "/v1/models/alerts/versions", ALERT_MODEL)).status).toBe(201);
    expect((await a.call("POST", "/v1/models/alerts/versions/1/publish")).status).toBe(202);
    await a.server.service.publishing.idle();
    expect((await a.call("POST", "/v1/triggers/versions", triggerFile(receiver.url))).status).toBe(201);
    expect((await a.call("POST", "/v1/triggers/versions/1/publish")).status).toBe(200);

    // The same 60 contacts get their three views through both processes at once.
    const contacts = Array.from({ length: 60 }, (_, i) => `k${i}`);
    const send = (url: string, part: number) =>
      fetch(`${url}/v1/events/batch?wait=scored`, {
        method: "POST",
        headers: { authorization: `Bearer ${a.writeKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          events: contacts.map((contactId) => ({ id: `${contactId}-${part}`, contactId, type: "page_view" })),
        }),
      }).then((response) => response.status);
    expect(await Promise.all([send(a.url, 0), send(b.url, 1), send(a.url, 2)])).toEqual([200, 200, 200]);

    const all = async () => (await a.call("GET", "/v1/alerts/deliveries?limit=1000")).body.deliveries;
    expect(
      await eventually(async () => (await all()).every((d: { status: string }) => d.status === "delivered")),
    ).toBe(true);
    const deliveries = await all();
    expect(deliveries.map((d: { contactId: string }) => d.contactId).sort()).toEqual([...contacts].sort());
    expect(receiver.accepted.size).toBe(contacts.length);
    expect([...receiver.accepted.values()].every((entry) => entry.copies === 1)).toBe(true);
    expect(receiver.requests).toHaveLength(contacts.length);
    const byA = a.server.service.delivery.stats.delivered;
    const byB = b.service.delivery.stats.delivered;
    expect(byA + byB).toBe(contacts.length);
    // Rounds of 8 taking 40 ms each outlast a 250 ms poll: the other process joins in.
    expect(Math.min(byA, byB)).toBeGreaterThan(0);
    console.log(`[alerts-concurrency] delivered by process A: ${byA}, by process B: ${byB}`);
    // Round robin across processes: one atomic counter, so owners alternate exactly.
    const owners = await Promise.all(
      contacts.map(async (id) => (await a.call("GET", `/v1/contacts/${id}/lifecycle`)).body.owner as string),
    );
    const counts = owners.reduce(
      (map, owner) => map.set(owner, (map.get(owner) ?? 0) + 1),
      new Map<string, number>(),
    );
    expect(Object.fromEntries(counts)).toEqual({ ana: 30, ben: 30 });
  }, 60_000);
});
