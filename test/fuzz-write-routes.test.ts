/**
 * Property-based fuzzing of every write route of a real server (real HTTP on 127.0.0.1, SQLite
 * and PostgreSQL), bounded in runs: random JSON shapes, sizes, nesting, bad Unicode, odd numbers
 * and odd encodings, while good events are sent beside them. The server must never answer 500,
 * no good request may fail, and a refused request must leave nothing of itself in the database.
 */
import { deflateSync, gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** A marker that a body template replaces with a nasty value, spliced in as raw JSON text. */
const HOLE = "\u0000hole\u0000";

/** Raw JSON texts JSON.stringify cannot produce (too deep for some recursive code) or would clean up. */
const rawNasty = fc.oneof(
  fc.integer({ min: 100, max: 30_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
  fc.integer({ min: 100, max: 30_000 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.constantFrom(
    '"\\ud800"',
    '"a\\udfffb"',
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    "1e300",
    "-1e300",
    "1.7e15",
    "253402300800000",
    "-62135596800000",
    "0",
    "-0",
    '"0050-06-01T00:00:00Z"',
    '"9999-12-31T23:59:59Z"',
    '"1999-12-31T23:59:59Z"',
    '""',
    "null",
    "true",
    "[]",
    "{}",
  ),
  fc.integer({ min: 1_000, max: 400_000 }).map((size) => JSON.stringify("x".repeat(size))),
  fc
    .integer({ min: 100, max: 5_000 })
    .map((count) =>
      JSON.stringify(Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))),
    ),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
);

/** The body of a route for a request whose ids all start with `prefix`; HOLE marks one value to break. */
type Template = (prefix: string) => unknown;

const time = "2026-11-30T10:00:00Z";
const event = (prefix: string, n = 0) => ({
  id: `${prefix}e${n}`,
  contactId: `${prefix}c`,
  type: "page_view",
  timestamp: time,
  properties: { url: "/pricing" },
});
const segment = (prefix: string, type: string) => ({
  type,
  messageId: `${prefix}m-${type}`,
  userId: `${prefix}c`,
  timestamp: time,
  ...(type === "track" ? { event: "Demo Requested", properties: { plan: "pro" } } : {}),
  ...(type === "identify" ? { traits: { email: `${prefix}@example.com`, jobTitle: "CMO" } } : {}),
  ...(type === "group" ? { groupId: `${prefix}g`, traits: { name: "Acme" } } : {}),
  ...(type === "alias" ? { previousId: `${prefix}anon` } : {}),
  ...(type === "page" ? { name: "Pricing", properties: { url: "/pricing" } } : {}),
});

const TEMPLATES: Record<string, Template> = {
  "/v1/events": (p) => event(p),
  "/v1/events/batch": (p) => ({ events: [event(p, 0), event(p, 1), event(p, 2)] }),
  "/v1/contacts": (p) => ({ id: `${p}c`, email: `${p}@example.com`, properties: { jobTitle: "CEO" } }),
  "/v1/contacts/batch": (p) => ({
    contacts: [
      { id: `${p}c`, properties: { jobTitle: "CEO" } },
      { id: `${p}d`, properties: { country: "FR" } },
    ],
  }),
  "/v1/contacts/merge": (p) => ({ survivorId: `${p}c`, mergedId: `${p}d` }),
  "/v1/companies": (p) => ({ id: `${p}g`, properties: { name: "Acme", employees: 120 } }),
  "/v1/companies/batch": (p) => ({ companies: [{ id: `${p}g`, properties: { domain: "acme.example" } }] }),
  "/v1/batch": (p) => ({
    batch: ["track", "identify", "page", "group", "alias"].map((type) => segment(p, type)),
  }),
  "/v1/identify": (p) => segment(p, "identify"),
  "/v1/track": (p) => segment(p, "track"),
  "/v1/page": (p) => segment(p, "page"),
  "/v1/screen": (p) => segment(p, "screen"),
  "/v1/group": (p) => segment(p, "group"),
  "/v1/alias": (p) => segment(p, "alias"),
  "/v1/alerts/dead-letters/replay": () => ({ ids: ["no-such-letter"] }),
};

/** The paths of every value in a JSON value (to pick one to replace with a nasty one). */
function valuePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  const paths: (string | number)[][] = [path];
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) paths.push(...valuePaths(value[i], [...path, i]));
  } else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) paths.push(...valuePaths(item, [...path, key]));
  return paths;
}

function withHole(value: unknown, path: (string | number)[], extraKey: boolean): unknown {
  if (path.length === 0) return extraKey && value && typeof value === "object" ? { ...value, x: HOLE } : HOLE;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = withHole(copy[head as number], rest, extraKey);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  copy[head] = withHole(copy[head], rest, extraKey);
  return copy;
}

interface Encoding {
  name: string;
  headers: Record<string, string>;
  encode(text: string): Buffer;
}

const ENCODINGS: Encoding[] = [
  { name: "json", headers: { "content-type": "application/json" }, encode: (t) => Buffer.from(t) },
  {
    name: "gzip",
    headers: { "content-type": "application/json", "content-encoding": "gzip" },
    encode: (t) => gzipSync(t),
  },
  {
    name: "deflate",
    headers: { "content-type": "application/json", "content-encoding": "deflate" },
    encode: (t) => deflateSync(t),
  },
  {
    name: "form-labelled gzip (RudderStack)",
    headers: { "content-type": "application/x-www-form-urlencoded", "content-encoding": "gzip" },
    encode: (t) => gzipSync(t),
  },
  { name: "text/plain", headers: { "content-type": "text/plain" }, encode: (t) => Buffer.from(t) },
  {
    name: "invalid UTF-8",
    headers: { "content-type": "application/json" },
    encode: (t) =>
      Buffer.concat([Buffer.from(t.slice(0, -1)), Buffer.from([0xff, 0xfe]), Buffer.from(t.slice(-1))]),
  },
  {
    name: "truncated",
    headers: { "content-type": "application/json" },
    encode: (t) => Buffer.from(t.slice(0, Math.max(1, Math.floor(t.length / 2)))),
  },
  {
    name: "gzip labelled but plain",
    headers: { "content-type": "application/json", "content-encoding": "gzip" },
    encode: (t) => Buffer.from(t),
  },
];

async function post(url: string, key: string, headers: Record<string, string>, body: Buffer) {
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, ...headers },
    body,
  });
  const text = await response.text();
  return { status: response.status, text };
}

function inErrorShape(text: string): boolean {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    return typeof error?.code === "string" && typeof error?.message === "string";
  } catch {
    return false;
  }
}

/** Rows of the database whose ids start with a prefix: what a refused request must not leave. */
async function rowsOf(t: TestService, prefix: string): Promise<number> {
  const db = t.server.service.db;
  const like = `${prefix}%`;
  const [events, contacts, companies] = await Promise.all([
    db
      .selectFrom("events")
      .select(db.fn.countAll<number>().as("n"))
      .where("event_id", "like", like)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("contacts")
      .select(db.fn.countAll<number>().as("n"))
      .where("id", "like", like)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom("companies")
      .select(db.fn.countAll<number>().as("n"))
      .where("id", "like", like)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(events.n) + Number(contacts.n) + Number(companies.n);
}

describe.each(BACKENDS)("fuzzing every write route (%s)", (backend) => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService(backend);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("never answers 500, never fails a good request beside, and a refused request writes nothing", async () => {
    const writeRoutes = t.server.servedRoutes
      .filter((route) => route.method === "POST")
      .map((route) => route.url)
      .filter((url) => url.startsWith("/v1/"));
    // Every write route is fuzzed: a route without a template gets random JSON only.
    expect(writeRoutes.length).toBeGreaterThan(10);

    let stop = false;
    const goodFailures: string[] = [];
    let goodSent = 0;
    // Four clients send good events all along, so that they share commits with the fuzzed ones.
    const goodClient = async (client: number) => {
      for (let i = 0; !stop; i++) {
        const n = `${client}-${i}`;
        const body = { id: `good-${n}`, contactId: `good-c${i % 7}`, type: "page_view", timestamp: time };
        const response = await post(
          `${t.url}/v1/events`,
          t.writeKey,
          { "content-type": "application/json" },
          Buffer.from(JSON.stringify(body)),
        );
        goodSent++;
        if (response.status !== 200)
          goodFailures.push(`good-${n}: ${response.status} ${response.text.slice(0, 200)}`);
      }
    };
    const good = Promise.all([0, 1, 2, 3].map(goodClient));

    const failures: string[] = [];
    let refused = 0;
    let counter = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...writeRoutes),
          fc.nat(),
          fc.boolean(),
          rawNasty,
          fc.constantFrom(...ENCODINGS),
          async (route, pick, extraKey, nasty, encoding) => {
            const prefix = `fz${counter++}-`;
            const template = TEMPLATES[route.replace(/:[a-z]+/g, "x")];
            let text: string;
            if (template) {
              const base = template(prefix);
              const paths = valuePaths(base);
              const holed = withHole(base, paths[pick % paths.length], extraKey);
              text = JSON.stringify(holed).replace(JSON.stringify(HOLE), nasty);
            } else text = nasty;
            const url = `${t.url}${route.replace(/:([a-z]+)/g, (_, name) => `${prefix}${name}`)}`;
            const response = await post(url, t.adminKey, encoding.headers, encoding.encode(text));
            const where = `${route} (${encoding.name}, ${text.length} chars: ${text.slice(0, 120)})`;
            if (response.status >= 500)
              failures.push(`${where} -> ${response.status} ${response.text.slice(0, 300)}`);
            else if (response.status >= 400) {
              refused++;
              if (!inErrorShape(response.text))
                failures.push(
                  `${where} -> ${response.status} outside the error shape: ${response.text.slice(0, 200)}`,
                );
              const left = await rowsOf(t, prefix);
              if (left > 0) failures.push(`${where} -> ${response.status} but left ${left} rows`);
            }
          },
        ),
        { numRuns: RUNS, seed: process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined },
      );
    } finally {
      stop = true;
      await good;
    }
    expect({ failures, goodFailures }).toEqual({ failures: [], goodFailures: [] });
    // Most fuzzed requests are refused: the test really sent bad input.
    expect(refused).toBeGreaterThan(RUNS / 4);
    // Every good event is stored exactly once.
    const stored = await t.server.service.db
      .selectFrom("events")
      .select(t.server.service.db.fn.countAll<number>().as("n"))
      .where("event_id", "like", "good-%")
      .executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(goodSent);
  });
});
