/**
 * Alerts end to end over real HTTP on 127.0.0.1: triggers uploaded and published through the
 * API, events scored, alerts decided with hysteresis, delivered to a real receiver that fails,
 * hangs past the timeout, redirects and recovers; dead letters replayed; signatures checked with
 * the receiver example of docs/alerts.md; lifecycle stage and owner set. SQLite, and PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_MODEL, RECEIVER_ALLOWED, SECRET, triggerFile } from "./helpers/alerts.js";
import { ROOT } from "./helpers/cli.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";
import { eventually, startReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

interface Delivery {
  id: string;
  contactId: string;
  status: string;
  attempts: number;
  lastError: string | null;
}

type Verify = (
  rawBody: string,
  header: string,
  secret: string,
  toleranceSeconds?: number,
  nowSeconds?: number,
) => boolean;
const EXAMPLE = join(ROOT, "examples", "webhooks", "verify-signature.mjs");

describe.each(BACKENDS)("alerts on %s", (backend) => {
  let svc: TestService;
  let receiver: WebhookReceiver;
  let verify: Verify;
  let seq = 0;

  /** Sends events to a contact, one request, and waits until they are scored. */
  async function send(contactId: string, types: string[]): Promise<string[]> {
    const events = types.map((type) => ({ id: `${contactId}-${seq++}`, contactId, type }));
    const answer = await svc.call("POST", "/v1/events/batch?wait=scored", { events });
    expect(answer.status).toBe(200);
    return events.map((e) => e.id);
  }
  const deliveriesOf = async (contactId: string) =>
    ((await svc.call("GET", "/v1/alerts/deliveries?limit=1000")).body.deliveries as Delivery[]).filter(
      (d) => d.contactId === contactId,
    );

  beforeAll(async () => {
    receiver = await startReceiver();
    verify = (await import(pathToFileURL(EXAMPLE).href)).verifyLeadscoreSignature as Verify;
    svc = await startTestService(backend, {
      ...RECEIVER_ALLOWED,
      alertTimeoutMs: 300,
      alertMaxAttempts: 6,
      alertRetryBaseMs: 40,
      alertRetryMaxMs: 200,
    });
    expect((await svc.call("POST", "/v1/models/alerts/versions", ALERT_MODEL)).status).toBe(201);
    expect((await svc.call("POST", "/v1/models/alerts/versions/1/publish")).status).toBe(202);
    await svc.server.service.publishing.idle();
    const upload = await svc.call("POST", "/v1/triggers/versions", triggerFile(receiver.url));
    expect(upload.status, upload.text).toBe(201);
    expect(upload.body).toMatchObject({ version: 1, triggers: ["engaged"], published: false });
    expect((await svc.call("POST", "/v1/triggers/versions/1/publish")).body.published).toBe(true);
  });
  afterAll(async () => {
    await svc?.close();
    await receiver?.close();
  });

  it("refuses an invalid trigger file with the path and line of each problem", async () => {
    const bad =
      "triggers:\n  - id: x\n    when: { score: total, above: 5 }\n    actions:\n      - webhook: { url: 'file:///etc/passwd', secret: '0123456789abcdef' }\n";
    const answer = await svc.call("POST", "/v1/triggers/versions", bad);
    expect(answer.status).toBe(422);
    expect(answer.body.error.issues).toEqual([
      {
        field: "triggers.0.actions.0.webhook.url",
        message: expect.stringMatching(/^line 5:.*only http and https/),
      },
    ]);
    expect((await svc.call("GET", "/v1/triggers/versions")).body.versions).toHaveLength(1);
  });

  it("fires once per crossing: no refire while flapping inside the band, again after re-arming", async () => {
    const ids: string[] = [];
    for (const step of [
      ["page_view", "page_view"], // 20
      ["page_view"], // 30: fires
      ["email_bounce"], // 20: inside the band [15, 30)
      ["page_view"], // 30: no refire
      ["email_bounce", "email_bounce"], // 10: re-armed
      ["page_view"], // 20
      ["page_view"], // 30: fires again
    ])
      ids.push(...(await send("flap", step)));
    expect(
      await eventually(async () => (await deliveriesOf("flap")).every((d) => d.status === "delivered")),
    ).toBe(true);
    const deliveries = await deliveriesOf("flap");
    expect(deliveries).toHaveLength(2);
    const bodies = deliveries.map((d) => JSON.parse(receiver.accepted.get(d.id)?.body ?? "null"));
    const first = bodies.find((b) => b.cause.eventIds.includes(ids[2]));
    expect(first).toMatchObject({
      id: expect.any(String),
      type: "leadscore.alert",
      trigger: { id: "engaged" },
      contact: { id: "flap" },
      model: { key: "alerts", version: 1 },
      previous: { dimensions: { engagement: 20 } },
      current: { dimensions: { engagement: 30 } },
      cause: { cause: "event", eventIds: [ids[2]] },
    });
    // The ledger lines behind the change: the view rule, with the new event among its evidence.
    expect(first.ledger.map((line: { ruleId: string }) => line.ruleId)).toEqual(["view"]);
    expect(first.ledger[0].eventIds).toContain(ids[2]);
    expect(bodies.some((b) => b.cause.eventIds.includes(ids[8]))).toBe(true);
  });

  it("signs every delivery; the receiver example of docs/alerts.md accepts it and rejects tampering and stale ones", async () => {
    expect(receiver.accepted.size).toBeGreaterThan(0);
    const page = readFileSync(join(ROOT, "docs", "alerts.md"), "utf8");
    expect(page).toContain(readFileSync(EXAMPLE, "utf8").trim());
    for (const request of receiver.requests.filter((r) => r.answer === 200)) {
      expect(request.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verify(request.body, request.signature, SECRET)).toBe(true);
      expect(verify(`${request.body} `, request.signature, SECRET)).toBe(false);
      expect(verify(request.body, request.signature, "another-secret-0123")).toBe(false);
      expect(verify(request.body, request.signature, SECRET, 300, Date.now() / 1000 + 600)).toBe(false);
      expect(JSON.parse(request.body).id).toBe(request.deliveryId);
    }
  });

  it("retries a failing, then hanging receiver with backoff and delivers once it recovers", async () => {
    receiver.mode = "fail";
    const started = performance.now();
    await send("flaky", ["page_view", "page_view", "page_view"]);
    const [delivery] = await deliveriesOf("flaky");
    const attemptsOf = () => receiver.requests.filter((r) => r.deliveryId === delivery.id);
    expect(await eventually(() => attemptsOf().length >= 2)).toBe(true);
    receiver.mode = "hang";
    expect(await eventually(() => attemptsOf().some((r) => r.answer === "hung"))).toBe(true);
    expect(
      await eventually(async () => (await deliveriesOf("flaky"))[0].lastError === "no answer in 300 ms"),
    ).toBe(true);
    // Ingest and scoring go on while the receiver hangs.
    const t0 = performance.now();
    await send("bystander", ["page_view"]);
    const ingestMs = performance.now() - t0;
    expect(ingestMs).toBeLessThan(300);
    receiver.mode = "ok";
    expect(await eventually(async () => (await deliveriesOf("flaky"))[0].status === "delivered")).toBe(true);
    const settled = (await deliveriesOf("flaky"))[0];
    expect(settled.attempts).toBe(attemptsOf().length);
    expect(settled.attempts).toBeGreaterThanOrEqual(4);
    // Backoff: attempts are spread out, the gaps grow (jitter keeps each within [0.5, 1) of the step).
    const times = attemptsOf().map((r) => r.atMs);
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(15);
    expect(receiver.accepted.get(delivery.id)?.copies).toBe(1);
    console.log(
      `[alerts ${backend}] flaky receiver: ${settled.attempts} attempts over ${Math.round(times.at(-1)! - times[0])} ms; ingest while hanging ${ingestMs.toFixed(1)} ms; total ${Math.round(performance.now() - started)} ms`,
    );
  });

  it("refuses to follow a redirect, dead-letters after the attempt limit, and replays on request", async () => {
    receiver.mode = "redirect";
    await send("lost", ["page_view", "page_view", "page_view"]);
    const [delivery] = await deliveriesOf("lost");
    expect(await eventually(async () => (await deliveriesOf("lost"))[0].status === "dead")).toBe(true);
    const dead = (await svc.call("GET", "/v1/alerts/dead-letters")).body.deliveries;
    expect(dead).toEqual([
      expect.objectContaining({
        id: delivery.id,
        status: "dead",
        attempts: 6,
        lastError: "HTTP 307: redirects are not followed",
      }),
    ]);
    expect(receiver.requests.filter((r) => r.deliveryId === delivery.id)).toHaveLength(6);
    expect(
      (await svc.call("POST", `/v1/alerts/dead-letters/${delivery.id}/replay`, undefined, svc.readKey))
        .status,
    ).toBe(403);
    receiver.mode = "ok";
    const replay = await svc.call("POST", `/v1/alerts/dead-letters/${delivery.id}/replay`);
    expect(replay.body).toEqual({ replayed: 1 });
    expect(await eventually(async () => (await deliveriesOf("lost"))[0].status === "delivered")).toBe(true);
    expect(receiver.accepted.get(delivery.id)?.copies).toBe(1);
    expect((await svc.call("POST", `/v1/alerts/dead-letters/${delivery.id}/replay`)).status).toBe(409);
    expect((await svc.call("GET", "/v1/alerts/dead-letters")).body.deliveries).toEqual([]);
  });

  it("sets the lifecycle stage and a round-robin owner, recorded in the history", async () => {
    const flap = (await svc.call("GET", "/v1/contacts/flap/lifecycle")).body;
    const flaky = (await svc.call("GET", "/v1/contacts/flaky/lifecycle")).body;
    // Round robin over [ana, ben] in firing order: flap (twice), then flaky.
    expect(flap).toMatchObject({ stage: "mql", owner: "ben" });
    expect(flaky).toMatchObject({ stage: "mql", owner: "ana" });
    expect((await svc.call("GET", "/v1/contacts/bystander/lifecycle")).body).toMatchObject({ stage: null });
    const history = (await svc.call("GET", "/v1/contacts/flaky/history")).body;
    const entries = (history.history ?? history.entries ?? history) as Array<{ cause: string }>;
    expect(entries.filter((e) => e.cause === "lifecycle")).toEqual([
      expect.objectContaining({
        detail: expect.objectContaining({ triggerId: "engaged", stage: "mql", owner: "ana" }),
      }),
    ]);
  });

  it("reports the outbox in /metrics", async () => {
    const text = (await svc.call("GET", "/metrics")).text;
    expect(text).toMatch(/^leadscore_alert_outbox\{status="delivered"\} 4$/m);
    expect(text).toMatch(/^leadscore_alert_outbox\{status="dead"\} 0$/m);
  });
});
