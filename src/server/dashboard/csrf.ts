/**
 * CSRF protection of requests made with the session cookie (@fastify/csrf-protection): the
 * secret is an HttpOnly cookie set at login, the token comes from the login answer or GET
 * /v1/auth/session and goes back in the X-CSRF-Token header. Every request other than GET, HEAD
 * and OPTIONS that carries the session cookie and no API key needs it; the login itself does not
 * (it has no session yet). Requests with an API key are not cookie-borne and need none.
 */
import cookie from "@fastify/cookie";
import csrfProtection from "@fastify/csrf-protection";
import type { FastifyInstance } from "fastify";
import { RequestError } from "../errors.js";
import { CSRF_COOKIE, CSRF_HEADER, sessionToken } from "./session.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
export const LOGIN_URL = "/v1/auth/login";

export async function setupCsrf(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
  await app.register(csrfProtection, {
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true },
    getToken: (request) => {
      const value = request.headers[CSRF_HEADER];
      return Array.isArray(value) ? value[0] : value;
    },
  });
  app.addHook("onRequest", (request, reply, done) => {
    const checked =
      !SAFE_METHODS.has(request.method) &&
      request.headers.authorization === undefined &&
      sessionToken(request) !== undefined &&
      request.url.split("?")[0] !== LOGIN_URL;
    if (!checked) return done();
    if (!request.headers[CSRF_HEADER]) {
      return done(
        new RequestError(
          403,
          "csrf_token_missing",
          `header ${CSRF_HEADER}: a request made with the dashboard's session cookie that changes something needs the session's CSRF token (given by POST /v1/auth/login and GET /v1/auth/session)`,
        ),
      );
    }
    app.csrfProtection(request, reply, done);
  });
}
