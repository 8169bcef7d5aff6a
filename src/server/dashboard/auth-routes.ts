/**
 * Dashboard login, logout and session routes, and the users admins manage. Declared in the
 * route table like every other route, so they are validated and in the OpenAPI document.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ScoringService } from "../../service/service.js";
import { ROLES, SESSION_TTL_MS, type SessionInfo } from "../../service/users/users.js";
import { RequestError } from "../errors.js";
import type { RateLimits } from "../rate-limits.js";
import type { RouteTable } from "../route.js";
import { LOGIN_URL } from "./csrf.js";
import {
  CSRF_COOKIE,
  clearSessionCookies,
  cookieOptions,
  SESSION_COOKIE,
  sessionOf,
  sessionToken,
} from "./session.js";

const userSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    role: z.enum(ROLES),
    scope: z
      .string()
      .describe("The API key scope the role stands for: admin, write (marketing), read (sales)."),
    createdAt: z.string(),
  })
  .meta({ id: "User" });

const sessionSchema = z
  .object({
    user: userSchema,
    expiresAt: z.string(),
    csrfToken: z
      .string()
      .describe(
        "Send it as the X-CSRF-Token header with every request other than GET made with the session cookie.",
      ),
  })
  .meta({ id: "Session" });

const usernameSchema = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\p{L}\p{N}._@+-]+$/u, "letters, digits and . _ @ + - only (an email address fits)");

const UNAUTHORIZED = () =>
  new RequestError(401, "unauthorized", "unknown user name or wrong password (both are checked together)");

const NO_SESSION = () =>
  new RequestError(
    401,
    "unauthorized",
    "not logged in, or the session has ended: log in again (POST /v1/auth/login)",
  );

/** A CSRF token for the request's secret cookie, made with a fresh secret at login. */
function csrfTokenOf(request: FastifyRequest, reply: FastifyReply, fresh: boolean): string {
  if (fresh) delete request.cookies[CSRF_COOKIE];
  return reply.generateCsrf(cookieOptions(request));
}

function answer(session: SessionInfo, csrfToken: string) {
  return { user: session.user, expiresAt: session.expiresAt, csrfToken };
}

export function registerDashboardRoutes(
  table: RouteTable,
  service: ScoringService,
  limits: RateLimits,
): void {
  const users = service.users;
  table.add({
    method: "POST",
    url: LOGIN_URL,
    summary: "Log in to the dashboard: sets the session cookie",
    description: `Checks the user name and password; on success sets the HttpOnly, SameSite=Strict cookie ${SESSION_COOKIE} (Secure over HTTPS) for ${SESSION_TTL_MS / 3_600_000} hours and answers with the CSRF token. A wrong user name and a wrong password get the same 401, and count as failed authentications of the address (rateLimitAuthFailures).`,
    tag: "dashboard",
    scope: null,
    body: z.strictObject({ username: usernameSchema, password: z.string().min(1).max(1024) }),
    responses: {
      200: { description: "Logged in: the session and its CSRF token.", schema: sessionSchema },
      401: { description: "Unknown user name or wrong password (which one is not said)." },
      429: { description: "Too many failed authentications from this address (see Retry-After)." },
    },
    handler: async ({ body, request }, reply) => {
      await limits.address(request, reply);
      await limits.beforeKeyCheck(request, reply);
      const login = await users.login(body.username, body.password);
      if (!login) {
        await limits.keyFailed(request, reply);
        throw UNAUTHORIZED();
      }
      reply.setCookie(SESSION_COOKIE, login.token, cookieOptions(request, SESSION_TTL_MS / 1000));
      return answer(login.session, csrfTokenOf(request, reply, true));
    },
  });
  table.add({
    method: "GET",
    url: "/v1/auth/session",
    summary: "The dashboard session of the cookie: its user and CSRF token",
    tag: "dashboard",
    scope: null,
    responses: {
      200: { description: "The session, its user and its CSRF token.", schema: sessionSchema },
      401: { description: "No session cookie, or its session ended." },
    },
    handler: async ({ request }, reply) => {
      const session = await sessionOf(users, request);
      if (!session) throw NO_SESSION();
      return answer(session, csrfTokenOf(request, reply, false));
    },
  });
  table.add({
    method: "POST",
    url: "/v1/auth/logout",
    summary: "Log out of the dashboard: ends the session and clears its cookies",
    description: "Needs the X-CSRF-Token header when the session cookie is sent.",
    tag: "dashboard",
    scope: null,
    responses: { 204: { description: "Logged out (also when no session was open)." } },
    handler: async ({ request }, reply) => {
      const token = sessionToken(request);
      if (token) await users.logout(token);
      clearSessionCookies(request, reply);
      return reply.status(204).send();
    },
  });
  table.add({
    method: "GET",
    url: "/v1/users",
    summary: "Dashboard users and their roles",
    tag: "dashboard",
    scope: "admin",
    responses: {
      200: { description: "Every user, oldest first.", schema: z.object({ users: z.array(userSchema) }) },
    },
    handler: async () => ({ users: await users.list() }),
  });
  table.add({
    method: "POST",
    url: "/v1/users",
    summary: "Create a dashboard user; its password is shown once",
    description:
      "Roles: admin (everything), marketing (the write scope: reads, contacts, events; not models), sales (the read scope). Without a password, a random one is made and returned; only its scrypt hash is stored.",
    tag: "dashboard",
    scope: "admin",
    body: z.strictObject({
      username: usernameSchema,
      role: z.enum(ROLES),
      password: z
        .string()
        .min(12)
        .max(1024)
        .optional()
        .describe("At least 12 characters; default: a random one."),
    }),
    responses: {
      201: {
        description: "The user, and its password (shown this once).",
        schema: z.object({ user: userSchema, password: z.string() }),
      },
      409: { description: "A user has this name already." },
    },
    handler: async ({ body }, reply) => {
      const created = await users.create(body.username, body.role, body.password);
      return reply.status(201).send(created);
    },
  });
}
