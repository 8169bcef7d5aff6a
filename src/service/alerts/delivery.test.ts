import { describe, expect, it } from "vitest";
import { type DeliveryOptions, retryDelayMs } from "./delivery.js";
import type { AlertPayload } from "./record.js";
import { signatureHeader, webhookBody } from "./webhook.js";

const options: DeliveryOptions = {
  enabled: true,
  pollMs: 250,
  batch: 100,
  concurrency: 8,
  timeoutMs: 5000,
  maxAttempts: 8,
  retryBaseMs: 2000,
  retryMaxMs: 60_000,
  retentionMs: 0,
  purgeEveryMs: 3_600_000,
};

describe("retry backoff", () => {
  it("doubles from the base up to the cap, each delay scaled by a jitter in [0.5, 1)", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, options, () => 0))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
    expect([1, 2, 3, 6].map((n) => retryDelayMs(n, options, () => 0.999_999))).toEqual([
      2000, 4000, 8000, 60_000,
    ]);
  });

  it("spreads retries of deliveries that failed together", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const delays = Array.from({ length: 50 }, () => retryDelayMs(3, options, random));
    expect(new Set(delays).size).toBeGreaterThan(40);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThan(8000);
    }
  });
});

describe("webhook signature", () => {
  it("is HMAC-SHA256 over timestamp.body, hex (a known vector computed with openssl)", () => {
    // printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec-test-0123456789'
    expect(signatureHeader("whsec-test-0123456789", '{"a":1}', 1_700_000_000)).toBe(
      `t=1700000000,v1=${VECTOR}`,
    );
  });
});

describe("webhook bodies", () => {
  const snapshot = {
    total: 72,
    dimensions: { fit: 40, engagement: 32 },
    band: "61-80",
    temperature: "hot",
    fitGrade: "A",
    engagementGrade: "B",
    matrix: "A2",
    mql: true,
    disqualified: false,
  };
  const payload: AlertPayload = {
    id: "d-1",
    type: "leadscore.alert",
    firedAt: "2026-11-30T00:00:00.000Z",
    trigger: { id: "hot-lead", when: { score: "total", above: 60, hysteresis: 10 } },
    contact: { id: "c1", email: "ana@example.com" },
    model: { key: "b2b", version: 3 },
    previous: { ...snapshot, total: 55, temperature: "warm" },
    current: snapshot,
    cause: { cause: "event", eventIds: ["e9"] },
    ledger: [],
  };

  it("sends the payload as JSON, or one Slack-compatible line", () => {
    expect(JSON.parse(webhookBody({ url: "http://x", secret: "s", format: "json" }, payload))).toEqual(
      payload,
    );
    expect(JSON.parse(webhookBody({ url: "http://x", secret: "s", format: "slack" }, payload))).toEqual({
      text: 'Leadscore: ana@example.com fired "hot-lead" (model b2b): score 55 → 72, hot',
    });
  });
});

const VECTOR = "ba8ec7f38c4e076a99176a1bf98ae9f2f3f4e18412b46a5913ddcf5685932c6a";
