/**
 * The dashboard's session cookie: set at login, read by the API's gate (a session stands for an
 * API key with its user's scope), cleared at logout. HttpOnly and SameSite=Strict always;
 * Secure when the dashboard is reached over HTTPS (directly or through a proxy that says so), so
 * that it also works on http://127.0.0.1.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Scope } from "../../service/api-keys/api-keys.js";
import type { SessionInfo, Users } from "../../service/users/users.js";

export const SESSION_COOKIE = "leadscore_session";
export const CSRF_COOKIE = "leadscore_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** HTTPS as the browser sees it: a TLS socket, or a proxy's X-Forwarded-Proto (it can only add Secure). */
export function overHttps(request: FastifyRequest): boolean {
  const forwarded = request.headers["x-forwarded-proto"];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim().toLowerCase();
  return request.protocol === "https" || first === "https";
}

export function cookieOptions(request: FastifyRequest, maxAgeSeconds?: number) {
  return {
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: overHttps(request),
    ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
  };
}

export function sessionToken(request: FastifyRequest): string | undefined {
  const token = request.cookies?.[SESSION_COOKIE];
  return token ? token : undefined;
}

/** Sessions as the gate sees them: whether a request carries one, and its scope. */
export interface SessionScopes {
  present(request: FastifyRequest): boolean;
  /** The scope of the request's live session, or null (none, expired, logged out). */
  scopeOf(request: FastifyRequest): Promise<Scope | null>;
}

/** The session each request was found to have, looked up once per request. */
const found = new WeakMap<FastifyRequest, SessionInfo | null>();

export async function sessionOf(users: Users, request: FastifyRequest): Promise<SessionInfo | null> {
  if (found.has(request)) return found.get(request) ?? null;
  const token = sessionToken(request);
  const session = token ? await users.session(token) : null;
  found.set(request, session);
  return session;
}

export function sessionScopes(users: Users): SessionScopes {
  return {
    present: (request) => sessionToken(request) !== undefined,
    scopeOf: async (request) => (await sessionOf(users, request))?.user.scope ?? null,
  };
}

export function clearSessionCookies(request: FastifyRequest, reply: FastifyReply): void {
  const options = cookieOptions(request);
  reply.clearCookie(SESSION_COOKIE, options);
  reply.clearCookie(CSRF_COOKIE, options);
}
