/** Email alerts through SMTP, to a real SMTP sink on 127.0.0.1; and without SMTP, dead letters. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERT_MODEL } from "./helpers/alerts.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";
import { type SmtpSink, startSmtpSink } from "./helpers/smtp-sink.js";
import { eventually } from "./helpers/webhook-receiver.js";

/** Decodes RFC 2047 Q-encoded words (=?UTF-8?Q?...?=), joining adjacent ones. */
function decodeWords(text: string): string {
  return text.replace(/\?=\s+=\?UTF-8\?Q\?/gi, "").replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, word: string) =>
    Buffer.from(
      word
        .replace(/_/g, " ")
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      "latin1",
    ).toString("utf8"),
  );
}

const TRIGGERS = `triggers:
  - id: engaged
    when: { score: engagement, above: 30 }
    actions:
      - email: { to: [sales@example.com, ana@example.com] }
`;

async function setUp(svc: TestService): Promise<void> {
  expect((await svc.call("POST", "/v1/models/alerts/versions", ALERT_MODEL)).status).toBe(201);
  expect((await svc.call("POST", "/v1/models/alerts/versions/1/publish")).status).toBe(202);
  await svc.server.service.publishing.idle();
  expect((await svc.call("POST", "/v1/triggers/versions", TRIGGERS)).status).toBe(201);
  expect((await svc.call("POST", "/v1/triggers/versions/1/publish")).status).toBe(200);
  const events = [0, 1, 2].map((i) => ({ id: `e${i}`, contactId: "mia", type: "page_view" }));
  expect((await svc.call("POST", "/v1/events/batch?wait=scored", { events })).status).toBe(200);
}

describe.each(BACKENDS)("email alerts on %s", (backend) => {
  let sink: SmtpSink;
  let svc: TestService;
  beforeAll(async () => {
    sink = await startSmtpSink();
    svc = await startTestService(backend, {
      smtpUrl: `smtp://127.0.0.1:${sink.port}`,
      smtpFrom: "alerts@leadscore.test",
      alertTimeoutMs: 2000,
    });
    await setUp(svc);
  });
  afterAll(async () => {
    await svc?.close();
    await sink?.close();
  });

  it("sends one email per alert through SMTP, with the delivery id", async () => {
    expect(await eventually(() => sink.messages.length >= 1)).toBe(true);
    const deliveries = (await svc.call("GET", "/v1/alerts/deliveries")).body.deliveries;
    expect(
      await eventually(
        async () =>
          (await svc.call("GET", "/v1/alerts/deliveries")).body.deliveries[0].status === "delivered",
      ),
    ).toBe(true);
    expect(deliveries).toHaveLength(1);
    expect(sink.messages).toHaveLength(1);
    const [message] = sink.messages;
    expect(message.from).toContain("alerts@leadscore.test");
    expect(message.to.join(" ")).toMatch(/sales@example\.com.*ana@example\.com/);
    // Header lines unfolded (RFC 5322 folds long ones), encoded words decoded, CRLF as LF.
    const text = decodeWords(message.data.replace(/\r\n[ \t]+/g, " ").replace(/\r\n/g, "\n"));
    expect(text).toMatch(
      /^Subject: Leadscore alert: mia fired "engaged" \(model alerts\): score new -> 30$/m,
    );
    expect(message.data).toContain(`Leadscore-Delivery: ${deliveries[0].id}`);
  });
});

describe("email alerts without SMTP", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("sqlite", { alertMaxAttempts: 2, alertRetryBaseMs: 10 });
    await setUp(svc);
  });
  afterAll(async () => svc?.close());

  it("fail to a dead letter that says SMTP is not configured", async () => {
    expect(
      await eventually(
        async () => (await svc.call("GET", "/v1/alerts/dead-letters")).body.deliveries.length === 1,
      ),
    ).toBe(true);
    const [dead] = (await svc.call("GET", "/v1/alerts/dead-letters")).body.deliveries;
    expect(dead).toMatchObject({
      kind: "email",
      attempts: 2,
      lastError: expect.stringContaining("not configured"),
    });
  });
});
