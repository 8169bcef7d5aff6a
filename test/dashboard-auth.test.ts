/**
 * Dashboard users, sessions and CSRF over real HTTP, on SQLite and (when configured)
 * PostgreSQL: login answers, cookie attributes, the session standing for a key of its role's
 * scope, CSRF on state-changing requests, expiry on the service's clock, logout, the login rate
 * limit, and the built dashboard served at / under the API's security headers.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { WEB_ROOT } from "../src/server/dashboard/static.js";
import { SESSION_TTL_MS } from "../src/service/users/users.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const PASSWORDS = { admin: "admin password 1", marketing: "marketing password 2", sales: "sales password 3" };
/** The user of each role ("admin" is the one made on first start, with a random password). */
const USERS = { admin: "boss", marketing: "marketing", sales: "sales" };

/** The fields these tests read from the answers (each answer has some of them). */
interface Answer {
  user: { username: string; role: string; scope: string };
  csrfToken: string;
  users: { username: string }[];
  error: { code: string; message: string; issues: { field: string }[] };
}

interface Login {
  status: number;
  body: Answer;
  cookies: string[];
  /** name=value pairs to send back. */
  cookie: string;
}

async function login(
  url: string,
  username: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Login> {
  const response = await fetch(`${url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ username, password }),
  });
  const cookies = response.headers.getSetCookie();
  return {
    status: response.status,
    body: (await response.json()) as Answer,
    cookies,
    cookie: cookies.map((line) => line.split(";")[0]).join("; "),
  };
}

/** A request with the session's cookies (and its CSRF token unless told otherwise). */
async function withSession(
  url: string,
  session: Login,
  method: string,
  path: string,
  options: { body?: unknown; text?: string; csrf?: string | null } = {},
) {
  const csrf = options.csrf === undefined ? session.body.csrfToken : options.csrf;
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      ...(csrf ? { "x-csrf-token": csrf } : {}),
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.text !== undefined ? { "content-type": "application/yaml" } : {}),
    },
    body: options.body !== undefined ? JSON.stringify(options.body) : options.text,
  });
  const text = await response.text();
  return { status: response.status, text, body: (text ? JSON.parse(text) : {}) as Answer, response };
}

describe.each(BACKENDS)("dashboard users and sessions on %s", (backend) => {
  let svc: TestService;
  let now = Date.parse("2026-11-02T09:00:00Z");

  beforeAll(async () => {
    svc = await startTestService(backend, { rateLimitAuthFailures: 6 }, { clock: () => now });
    for (const role of ["admin", "marketing", "sales"] as const) {
      const created = await svc.call("POST", "/v1/users", {
        username: USERS[role],
        role,
        password: PASSWORDS[role],
      });
      expect(created.status, created.text).toBe(201);
    }
  });
  afterAll(async () => svc?.close());

  it("refuses a bad password and an unknown user with the same 401, and sets no cookie", async () => {
    const wrongPassword = await login(svc.url, "sales", "not the password");
    const unknownUser = await login(svc.url, "nobody", PASSWORDS.sales);
    for (const answer of [wrongPassword, unknownUser]) {
      expect(answer.status).toBe(401);
      expect(answer.cookies).toEqual([]);
    }
    expect(wrongPassword.body).toEqual(unknownUser.body);
    const missing = await fetch(`${svc.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "sales" }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as Answer).error.issues[0].field).toBe("password");
  });

  it("logs in with an HttpOnly, SameSite=Strict cookie, Secure only over HTTPS", async () => {
    const session = await login(svc.url, "sales", PASSWORDS.sales);
    expect(session.status).toBe(200);
    expect(session.body.user).toMatchObject({ username: "sales", role: "sales", scope: "read" });
    expect(session.body.csrfToken).toEqual(expect.any(String));
    const sessionCookie = session.cookies.find((line) => line.startsWith("leadscore_session="))!;
    expect(sessionCookie).toMatch(/; HttpOnly/);
    expect(sessionCookie).toMatch(/; SameSite=Strict/);
    expect(sessionCookie).toMatch(/; Path=\//);
    expect(sessionCookie).toMatch(new RegExp(`; Max-Age=${SESSION_TTL_MS / 1000}`));
    expect(sessionCookie).not.toMatch(/; Secure/);
    expect(session.cookies.find((line) => line.startsWith("leadscore_csrf="))).toMatch(/HttpOnly/);
    const proxied = await login(svc.url, "sales", PASSWORDS.sales, { "x-forwarded-proto": "https" });
    for (const line of proxied.cookies) expect(line).toMatch(/; Secure/);
    // The database keeps a scrypt hash of the password and the hash of the session's token.
    const stored = await svc.server.service.db.selectFrom("users").select("password_hash").execute();
    for (const row of stored) expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    const token = session.cookie.match(/leadscore_session=([^;]+)/)![1];
    const sessions = await svc.server.service.db.selectFrom("sessions").select("token_hash").execute();
    expect(sessions.map((row) => row.token_hash)).not.toContain(token);
  });

  it("lets a session read like a key of its role's scope, and GET /v1/auth/session tells who", async () => {
    const session = await login(svc.url, "sales", PASSWORDS.sales);
    expect((await withSession(svc.url, session, "GET", "/v1/scores")).status).toBe(404); // no model yet: past the gate
    const who = await withSession(svc.url, session, "GET", "/v1/auth/session");
    expect(who.status).toBe(200);
    expect(who.body.user.username).toBe("sales");
    expect(who.body.csrfToken).toEqual(expect.any(String));
    expect((await fetch(`${svc.url}/v1/scores`)).status).toBe(401);
    expect((await fetch(`${svc.url}/v1/auth/session`)).status).toBe(401);
    const forged = await fetch(`${svc.url}/v1/scores`, { headers: { cookie: "leadscore_session=forged" } });
    expect(forged.status).toBe(401);
  });

  it("needs the CSRF header on a state-changing request made with the cookie: 403 without it", async () => {
    const session = await login(svc.url, "boss", PASSWORDS.admin);
    const body = { id: "csrf-1", properties: { jobTitle: "CEO" } };
    const missing = await withSession(svc.url, session, "POST", "/v1/contacts", { body, csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.body.error.message).toMatch(/x-csrf-token/);
    const wrong = await withSession(svc.url, session, "POST", "/v1/contacts", { body, csrf: "not-a-token" });
    expect(wrong.status).toBe(403);
    const other = await login(svc.url, "marketing", PASSWORDS.marketing);
    const mixed = await withSession(svc.url, session, "POST", "/v1/contacts", {
      body,
      csrf: other.body.csrfToken,
    });
    expect(mixed.status).toBe(403);
    expect((await svc.call("GET", "/v1/contacts/csrf-1")).status).toBe(404);
    const good = await withSession(svc.url, session, "POST", "/v1/contacts", { body });
    expect(good.status, good.text).toBe(200);
    // An API key needs no CSRF token, even with a stale cookie beside it.
    const keyed = await fetch(`${svc.url}/v1/contacts`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${svc.writeKey}`,
        cookie: session.cookie,
        "content-type": "application/json",
      },
      body: JSON.stringify({ id: "csrf-2" }),
    });
    expect(keyed.status).toBe(200);
  });

  it("refuses a sales user a model upload (403) and lets marketing write contacts but not models", async () => {
    const model = await readTemplate("b2b");
    const sales = await login(svc.url, "sales", PASSWORDS.sales);
    const salesUpload = await withSession(svc.url, sales, "POST", "/v1/models/m/versions", { text: model });
    expect(salesUpload.status).toBe(403);
    expect(salesUpload.body.error.message).toMatch(/read scope/);
    const salesWrite = await withSession(svc.url, sales, "POST", "/v1/contacts", { body: { id: "s-1" } });
    expect(salesWrite.status).toBe(403);
    const marketing = await login(svc.url, "marketing", PASSWORDS.marketing);
    expect(
      (await withSession(svc.url, marketing, "POST", "/v1/contacts", { body: { id: "m-1" } })).status,
    ).toBe(200);
    expect(
      (await withSession(svc.url, marketing, "POST", "/v1/models/m/versions", { text: model })).status,
    ).toBe(403);
    const admin = await login(svc.url, "boss", PASSWORDS.admin);
    const adminUpload = await withSession(svc.url, admin, "POST", "/v1/models/m/versions", { text: model });
    expect(adminUpload.status, adminUpload.text).toBe(201);
    // Only admins manage users.
    expect((await withSession(svc.url, marketing, "GET", "/v1/users")).status).toBe(403);
    const listed = await withSession(svc.url, admin, "GET", "/v1/users");
    expect(listed.body.users.map((user: { username: string }) => user.username)).toEqual(
      expect.arrayContaining(["admin", "boss", "marketing", "sales"]),
    );
    expect(listed.text).not.toMatch(/scrypt|password/);
    const taken = await withSession(svc.url, admin, "POST", "/v1/users", {
      body: { username: "sales", role: "sales" },
    });
    expect(taken.status).toBe(409);
  });

  it("ends a session after its lifetime on the service's clock", async () => {
    const session = await login(svc.url, "sales", PASSWORDS.sales);
    now += SESSION_TTL_MS - 1000;
    expect((await withSession(svc.url, session, "GET", "/v1/auth/session")).status).toBe(200);
    now += 1000;
    expect((await withSession(svc.url, session, "GET", "/v1/auth/session")).status).toBe(401);
    expect((await withSession(svc.url, session, "GET", "/v1/scores")).status).toBe(401);
  });

  it("logs out: the cookie no longer opens anything", async () => {
    const session = await login(svc.url, "marketing", PASSWORDS.marketing);
    const withoutToken = await withSession(svc.url, session, "POST", "/v1/auth/logout", { csrf: null });
    expect(withoutToken.status).toBe(403);
    const out = await withSession(svc.url, session, "POST", "/v1/auth/logout");
    expect(out.status).toBe(204);
    expect(out.response.headers.getSetCookie().join("\n")).toMatch(
      /leadscore_session=;.*Expires=Thu, 01 Jan 1970/,
    );
    expect((await withSession(svc.url, session, "GET", "/v1/auth/session")).status).toBe(401);
    expect((await withSession(svc.url, session, "GET", "/v1/scores")).status).toBe(401);
  });

  it("rate-limits failed logins per address: 429 with Retry-After", async () => {
    let last: Login | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      last = await login(svc.url, "boss", `wrong ${attempt}`);
      if (last.status === 429) break;
      expect(last.status).toBe(401);
    }
    expect(last?.status).toBe(429);
    // A right password waits too while the address is over its budget.
    expect((await login(svc.url, "boss", PASSWORDS.admin)).status).toBe(429);
  });
});

describe.skipIf(!existsSync(join(WEB_ROOT, "index.html")))("the built dashboard served at /", () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService("sqlite");
  });
  afterAll(async () => svc?.close());

  it("serves index.html for the app's pages, hashed assets for a year, the API untouched", async () => {
    for (const path of ["/", "/leads", "/leads/c%2F1", "/login"]) {
      const page = await fetch(`${svc.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(page.headers.get("cache-control")).toBe("no-cache");
      expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
      const html = await page.text();
      expect(html).toContain('<div id="root">');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    }
    const asset = readdirSync(join(WEB_ROOT, "assets")).find((name) => name.endsWith(".js"))!;
    const script = await fetch(`${svc.url}/assets/${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await fetch(`${svc.url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${svc.url}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    const unknown = await fetch(`${svc.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as Answer).error.code).toBe("not_found");
    expect((await fetch(`${svc.url}/elsewhere`)).status).toBe(404);
  });
});
