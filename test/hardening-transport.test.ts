/**
 * The transport, as careless clients and attackers use it, over real HTTP on 127.0.0.1:
 * compressed bodies and the content types SDKs send, body limits per route (a zip bomb and an
 * unauthenticated 31 MB body are answered before being read in full), where the key may be,
 * rate limits, prototype keys, a URL too long, security headers and CORS.
 */
import { request as httpRequest } from "node:http";
import { deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/service/config.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const MIB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the assertions check the answer's shape
  body: any;
}

async function post(
  svc: TestService,
  path: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<Answer> {
  const response = await fetch(`${svc.url}${path}`, { method: "POST", headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text ? JSON.parse(text) : undefined,
  };
}

/**
 * Sends the headers and only the first chunk of a body declared `declaredBytes` long, and
 * resolves with the answer if one comes while the rest is still unsent (else rejects).
 */
function answerBeforeBodyEnds(
  url: string,
  path: string,
  headers: Record<string, string>,
  firstChunk: Buffer,
  declaredBytes: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, {
      method: "POST",
      headers: { ...headers, "content-length": String(declaredBytes) },
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error("no answer while the body was still being sent"));
    }, 5000);
    req.on("response", (response) => {
      let text = "";
      response.on("data", (chunk) => {
        text += chunk;
      });
      response.on("end", () => {
        clearTimeout(timer);
        req.destroy();
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers as Record<string, string>,
          body: JSON.parse(text),
        });
      });
    });
    req.on("error", () => {});
    req.write(firstChunk);
  });
}

const json = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
const event = (id: string, contactId = "c-1") => ({
  id,
  contactId,
  type: "page_view",
  timestamp: new Date().toISOString(),
  properties: { url: "/pricing" },
});

describe.each(BACKENDS)("request bodies on %s", (backend) => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService(backend);
  });
  afterAll(async () => svc?.close());

  async function storedIds(prefix: string): Promise<string[]> {
    const rows = await svc.server.service.db
      .selectFrom("events")
      .select("event_id")
      .where("event_id", "like", `${prefix}%`)
      .orderBy("event_id")
      .execute();
    return rows.map((row) => row.event_id);
  }

  it("stores gzip and deflate bodies, labelled as analytics SDKs label JSON", async () => {
    const batch = (id: string) => JSON.stringify({ events: [event(id)] });
    const sent = [
      { "content-encoding": "gzip", "content-type": "application/json", body: gzipSync(batch("z-gzip")) },
      {
        "content-encoding": "deflate",
        "content-type": "application/json; charset=utf-8",
        body: deflateSync(batch("z-deflate")),
      },
      { "content-encoding": "gzip", "content-type": "text/plain", body: gzipSync(batch("z-plain")) },
    ];
    for (const { body, ...headers } of sent) {
      const answer = await post(svc, "/v1/events/batch", body, {
        authorization: `Bearer ${svc.writeKey}`,
        ...headers,
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    }
    // RudderStack's Node SDK: gzipped JSON labelled as a form, the key as Basic user name.
    const rudder = await post(
      svc,
      "/v1/batch",
      gzipSync(
        JSON.stringify({
          batch: [{ type: "track", userId: "u-1", event: "Demo Requested", messageId: "z-rudder" }],
        }),
      ),
      {
        authorization: `Basic ${Buffer.from(`${svc.writeKey}:`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
        "content-encoding": "gzip",
      },
    );
    expect(rudder.status, JSON.stringify(rudder.body)).toBe(200);
    expect(await storedIds("z-")).toEqual(["z-deflate", "z-gzip", "z-plain", "z-rudder"]);
  });

  it("refuses __proto__ and constructor.prototype keys with a 400 naming them, storing nothing", async () => {
    const proto = await post(
      svc,
      "/v1/events/batch",
      '{"events":[{"id":"p-1","contactId":"c-1","type":"page_view","properties":{"__proto__":{"admin":true}}}]}',
      json(svc.writeKey),
    );
    expect(proto.status).toBe(400);
    expect(proto.body.error).toMatchObject({
      code: "forbidden_key",
      issues: [{ field: "events[0].properties.__proto__" }],
    });
    expect(proto.body.error.message).not.toMatch(/not valid JSON/);
    const escaped = await post(
      svc,
      "/v1/events",
      '{"id":"p-2","contactId":"c-1","type":"x","properties":{"constructor":{"prot\\u006ftype":{"a":1}}}}',
      json(svc.writeKey),
    );
    expect(escaped.status).toBe(400);
    expect(escaped.body.error.issues).toEqual([
      { field: "properties.constructor.prototype", message: expect.stringMatching(/refused/) },
    ]);
    expect(await storedIds("p-")).toEqual([]);
  });
});

describe("transport limits and headers", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("sqlite", { corsOrigins: ["https://app.example.com"] });
  });
  afterAll(async () => svc?.close());

  it("answers a gzip bomb 413 once the inflated body passes the route's limit, before the rest is sent", async () => {
    // 128 MB of zeros is about 128 KB compressed; the first 16 KB already inflate past 1 MiB.
    const bomb = gzipSync(Buffer.alloc(128 * MIB), { level: 9 });
    const answer = await answerBeforeBodyEnds(
      svc.url,
      "/v1/events",
      { ...json(svc.writeKey), "content-encoding": "gzip" },
      bomb.subarray(0, 16 * 1024),
      bomb.length,
    );
    expect(answer.status).toBe(413);
    expect(answer.body.error).toMatchObject({ code: "body_too_large" });
    expect(answer.body.error.message).toContain(String(MIB));
  });

  it("answers a 31 MB body without a key 401 before reading it", async () => {
    const answer = await answerBeforeBodyEnds(
      svc.url,
      "/v1/events/batch",
      { "content-type": "application/json" },
      Buffer.from('{"events":['),
      31 * MIB,
    );
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe("unauthorized");
  });

  it("limits each route's body: one event 1 MiB, a batch more", async () => {
    const padding = "x".repeat(1.1 * MIB);
    const single = await post(
      svc,
      "/v1/events",
      JSON.stringify({ ...event("big-1"), properties: { padding } }),
      json(svc.writeKey),
    );
    expect(single.status).toBe(413);
    expect(single.body.error.message).toContain("1048576 bytes");
    const events = Array.from({ length: 5000 }, (_, i) => ({
      ...event(`b-${i}`),
      properties: { n: "y".repeat(180) },
    }));
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(1.1 * MIB);
    expect((await post(svc, "/v1/events/batch", body, json(svc.writeKey))).status).toBe(200);
    const doc = (await (await fetch(`${svc.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { "x-body-limit-bytes"?: number }>>;
    };
    expect(doc.paths["/v1/events"].post["x-body-limit-bytes"]).toBe(MIB);
    expect(doc.paths["/v1/events/batch"].post["x-body-limit-bytes"]).toBe(MIB + 5000 * 4096);
  });

  it("refuses an unknown or corrupt encoding in the error shape", async () => {
    const zstd = await post(svc, "/v1/events", "x", { ...json(svc.writeKey), "content-encoding": "zstd" });
    expect(zstd.status).toBe(415);
    expect(zstd.body.error).toMatchObject({ code: "unsupported_encoding" });
    const corrupt = await post(svc, "/v1/events", "not gzip", {
      ...json(svc.writeKey),
      "content-encoding": "gzip",
    });
    expect(corrupt.status).toBe(400);
    expect(corrupt.body.error.message).toMatch(/not valid gzip/);
  });

  it("takes the key as Basic password, and as writeKey in a Segment body only, within 512 KiB", async () => {
    const track = (messageId: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        batch: [{ type: "track", userId: "u-2", event: "Demo Requested", messageId }],
        ...extra,
      });
    const password = await post(svc, "/v1/batch", track("k-1"), {
      authorization: `Basic ${Buffer.from(`leadscore:${svc.writeKey}`).toString("base64")}`,
      "content-type": "application/json",
    });
    expect(password.status).toBe(200);
    const beacon = await post(svc, "/v1/batch", track("k-2", { writeKey: svc.writeKey }), {
      "content-type": "text/plain",
    });
    expect(beacon.status, JSON.stringify(beacon.body)).toBe(200);
    const notSegment = await post(
      svc,
      "/v1/events",
      JSON.stringify({ ...event("k-3"), writeKey: svc.writeKey }),
      { "content-type": "application/json" },
    );
    expect(notSegment.status).toBe(401);
    const tooBig = await post(
      svc,
      "/v1/batch",
      track("k-4", { writeKey: svc.writeKey, context: { padding: "x".repeat(600 * 1024) } }),
      { "content-type": "application/json" },
    );
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.message).toContain(String(512 * 1024));
  });

  it("answers a too-long path parameter 414 and too-long headers 431 in the error shape", async () => {
    const long = await fetch(`${svc.url}/v1/contacts/${"x".repeat(3000)}/score`, {
      headers: { authorization: `Bearer ${svc.readKey}` },
    });
    expect(long.status).toBe(414);
    expect(await long.json()).toEqual({ error: { code: "uri_too_long", message: expect.any(String) } });
    const huge = await fetch(`${svc.url}/v1/scores?q=${"x".repeat(100_000)}`, {
      headers: { authorization: `Bearer ${svc.readKey}` },
    });
    expect(huge.status).toBe(431);
    expect(((await huge.json()) as Answer["body"]).error.code).toBe("headers_too_large");
  });

  it("puts security headers on every answer", async () => {
    const answers = [
      await fetch(`${svc.url}/health`),
      await fetch(`${svc.url}/v1/scores`),
      await fetch(`${svc.url}/nowhere`),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 401, 404]);
    for (const answer of answers) {
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("x-frame-options")).toBe("DENY");
      expect(answer.headers.get("referrer-policy")).toBe("no-referrer");
      expect(answer.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    }
  });

  it("answers CORS preflights for allowed origins only", async () => {
    const preflight = (origin: string) =>
      fetch(`${svc.url}/v1/events`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
    const allowed = await preflight("https://app.example.com");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
    const other = await preflight("https://evil.example.net");
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const read = await fetch(`${svc.url}/v1/models`, {
      headers: { origin: "https://app.example.com", authorization: `Bearer ${svc.readKey}` },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
  });
});

describe("CORS off by default", () => {
  it("does not answer preflights", async () => {
    const svc = await startTestService("sqlite");
    try {
      const preflight = await fetch(`${svc.url}/v1/events`, {
        method: "OPTIONS",
        headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      expect(svc.config.rateLimitPerKey).toBe(0);
      expect(svc.config.rateLimitPerAddress).toBe(0);
    } finally {
      await svc.close();
    }
  });
});

describe("rate limits", () => {
  const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

  it("throttles an address after repeated failed authentications, with Retry-After", async () => {
    const svc = await startTestService("sqlite", { rateLimitAuthFailures: 5 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++)
        statuses.push((await fetch(`${svc.url}/v1/scores`, bearer(`lsk_bad_${i}`))).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const throttled = await fetch(`${svc.url}/v1/scores`, bearer("lsk_bad"));
      expect(Number(throttled.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(((await throttled.json()) as Answer["body"]).error.code).toBe("rate_limited");
    } finally {
      await svc.close();
    }
  });

  it("counts failures per client behind a trusted proxy, and per peer otherwise", async () => {
    const failures = async (url: string, forwardedFor: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++)
        statuses.push(
          (
            await fetch(`${url}/v1/scores`, {
              headers: { authorization: "Bearer lsk_bad", "x-forwarded-for": forwardedFor },
            })
          ).status,
        );
      return statuses;
    };
    const behindProxy = await startTestService("sqlite", {
      rateLimitAuthFailures: 2,
      trustProxy: ["127.0.0.1"],
    });
    try {
      expect(await failures(behindProxy.url, "203.0.113.7")).toEqual([401, 401, 429]);
      // Another client of the same proxy keeps its own budget.
      expect(await failures(behindProxy.url, "203.0.113.8")).toEqual([401, 401, 429]);
    } finally {
      await behindProxy.close();
    }
    const direct = await startTestService("sqlite", { rateLimitAuthFailures: 2 });
    try {
      // Without trustProxy the header is anyone's to write: the peer is the client.
      expect(await failures(direct.url, "203.0.113.7")).toEqual([401, 401, 429]);
      expect(await failures(direct.url, "203.0.113.8")).toEqual([429, 429, 429]);
    } finally {
      await direct.close();
    }
  });

  it("refuses trustProxy true and names a bad proxy address", () => {
    expect(() => loadConfig({ env: { LEADSCORE_TRUST_PROXY: "true" } })).toThrow(
      /trustProxy.*X-Forwarded-For from anyone/,
    );
    expect(() => loadConfig({ env: { LEADSCORE_TRUST_PROXY: "10.0.0.0/8,proxy.local" } })).toThrow(
      /trustProxy.*proxy\.local is neither an IP address nor a CIDR range/,
    );
    expect(loadConfig({ env: { LEADSCORE_TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" } }).trustProxy).toEqual([
      "10.0.0.0/8",
      "127.0.0.1",
    ]);
    expect(loadConfig({ env: { LEADSCORE_TRUST_PROXY: "2" } }).trustProxy).toBe(2);
    expect(loadConfig({ env: {} }).trustProxy).toBe(false);
  });

  it("does not throttle good traffic by default", async () => {
    const svc = await startTestService("sqlite");
    try {
      const statuses = await Promise.all(
        Array.from(
          { length: 300 },
          async () => (await fetch(`${svc.url}/v1/models`, bearer(svc.readKey))).status,
        ),
      );
      expect(new Set(statuses)).toEqual(new Set([200]));
    } finally {
      await svc.close();
    }
  });

  it("limits requests per key and per address when set", async () => {
    const perKey = await startTestService("sqlite", { rateLimitPerKey: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await fetch(`${perKey.url}/v1/models`, bearer(perKey.readKey))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another key is counted apart.
      expect((await fetch(`${perKey.url}/v1/models`, bearer(perKey.writeKey))).status).toBe(200);
    } finally {
      await perKey.close();
    }
    const perAddress = await startTestService("sqlite", { rateLimitPerAddress: 3 });
    try {
      const keys = [perAddress.readKey, perAddress.writeKey, perAddress.readKey, perAddress.writeKey];
      const statuses: number[] = [];
      for (const key of keys) statuses.push((await fetch(`${perAddress.url}/v1/models`, bearer(key))).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await perAddress.close();
    }
  });
});
