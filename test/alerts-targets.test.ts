/**
 * Webhook targets over real HTTP, without an allow-list: loopback, link-local, private and
 * metadata targets are refused at upload (422 naming the trigger and the URL) and at delivery,
 * on the address actually connected to (a version stored before the check, a name that
 * resolves to a loopback address): the delivery dies with the reason and the receiver on
 * 127.0.0.1 never hears of it.
 */
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addressProblem } from "../src/service/alerts/targets.js";
import { ALERT_MODEL, SECRET } from "./helpers/alerts.js";
import { BACKENDS, publishModel, startTestService, type TestService } from "./helpers/service.js";
import { eventually, startReceiver, type WebhookReceiver } from "./helpers/webhook-receiver.js";

const REFUSED_URLS = [
  "http://127.0.0.1:9/hook",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:169.254.169.254]/",
  "http://0x7f000001/",
  "http://2130706433/",
  "http://localhost:8080/",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://10.0.0.8/hook",
  "http://[fd00::1]/hook",
  "http://100.64.0.1/hook",
  "http://[::1]/hook",
  "http://0.0.0.0/hook",
];

function triggers(urls: readonly string[]): string {
  const actions = urls.map((url) => `      - webhook: { url: "${url}", secret: "${SECRET}" }`).join("\n");
  return `triggers:\n  - id: engaged\n    model: alerts\n    when: { score: engagement, above: 30 }\n    actions:\n${actions}\n`;
}

/** This machine's name, when it resolves to an address webhooks may not reach (most Linux hosts). */
async function localName(): Promise<string | undefined> {
  try {
    const addresses = await lookup(hostname(), { all: true });
    return addresses.every((entry) => addressProblem(entry.address)) ? hostname() : undefined;
  } catch {
    return undefined;
  }
}

describe.each(BACKENDS)("webhook targets on %s", (backend) => {
  let svc: TestService;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await startReceiver();
    svc = await startTestService(backend, { alertMaxAttempts: 2, alertRetryBaseMs: 20, alertRetryMaxMs: 50 });
    await publishModel(svc, "alerts", ALERT_MODEL);
  });
  afterAll(async () => {
    await svc?.close();
    await receiver?.close();
  });

  it("refuses local, private and metadata targets at upload, naming the trigger and the URL", async () => {
    for (const url of REFUSED_URLS) {
      const answer = await svc.call("POST", "/v1/triggers/versions", triggers([url]));
      expect(answer.status, url).toBe(422);
      expect(answer.body.error.issues, url).toEqual([
        {
          field: "triggers.0.actions.0.webhook.url",
          message: expect.stringContaining(`trigger "engaged": the webhook URL ${url} is refused`),
        },
      ]);
      expect(answer.body.error.message).toContain("webhookAllowedTargets");
    }
    const both = await svc.call("POST", "/v1/triggers/versions", triggers(REFUSED_URLS.slice(0, 2)));
    expect(both.body.error.issues).toHaveLength(2);
    expect((await svc.call("GET", "/v1/triggers/versions")).body.versions).toEqual([]);
    const fine = await svc.call(
      "POST",
      "/v1/triggers/versions",
      triggers(["https://hooks.example.com/leads"]),
    );
    expect(fine.status).toBe(201);
  });

  it("refuses at delivery the address connected to: a stored loopback URL, a name resolving to one", async () => {
    const name = await localName();
    const port = new URL(receiver.url).port;
    const urls = [receiver.url, ...(name ? [`http://${name}:${port}/hook`] : [])];
    if (name) {
      // The name passes the upload (it is not a literal address); delivery resolves it.
      expect((await svc.call("POST", "/v1/triggers/versions", triggers([urls[1]]))).status).toBe(201);
    }
    // A version stored before targets were checked (or while the allow-list said otherwise).
    const { version } = await svc.server.service.db
      .insertInto("trigger_versions")
      .values({ version: 100, source: triggers(urls), created_ms: Date.now(), published_ms: null })
      .returning("version")
      .executeTakeFirstOrThrow();
    expect((await svc.call("POST", `/v1/triggers/versions/${version}/publish`)).status).toBe(200);
    const events = [0, 1, 2, 3].map((i) => ({ id: `t-${i}`, contactId: "target", type: "page_view" }));
    expect((await svc.call("POST", "/v1/events/batch?wait=scored", { events })).status).toBe(200);

    const dead = async () => (await svc.call("GET", "/v1/alerts/dead-letters")).body.deliveries;
    expect(await eventually(async () => (await dead()).length === urls.length)).toBe(true);
    const errors = (await dead()).map((d: { attempts: number; lastError: string }) => d.lastError).sort();
    expect(errors[0]).toMatch(/^refused target: 127\.0\.0\.1 is a loopback address; list the host/);
    if (name) expect(errors[1]).toMatch(new RegExp(`^refused target: ${name} resolves to .* is a `));
    expect(receiver.requests).toEqual([]);
  });
});
