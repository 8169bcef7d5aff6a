/**
 * Reads the API key of a request where clients put it: `Authorization: Bearer <key>`, or HTTP
 * Basic with the key as user name (Segment's SDKs) or as password (clients that fill the user
 * name with something else), and checks it under the rate limits.
 */
import type { FastifyRequest } from "fastify";
import type { KeyChecker } from "../service/api-keys/api-keys.js";
import type { SessionScopes } from "./dashboard/session.js";
import type { RateLimits } from "./rate-limits.js";
import type { Gate } from "./route.js";

/** The two fields of an HTTP Basic credential, or undefined for another scheme. */
function basicFields(header: string | undefined): { user: string; password: string } | undefined {
  if (!header?.toLowerCase().startsWith("basic ")) return undefined;
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0
    ? { user: decoded, password: "" }
    : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const basic = basicFields(header);
  if (basic) return basic.user || basic.password || undefined;
  const [scheme, value] = header.split(" ", 2);
  if (scheme.toLowerCase() === "bearer") return value?.trim() || undefined;
  return undefined;
}

/**
 * A key in both Basic fields: the user name is tried first, then the password, so a client
 * that puts a label in one field and the key in the other works either way.
 */
function basicPasswordOf(request: FastifyRequest): string | undefined {
  const basic = basicFields(request.headers.authorization);
  return basic?.user ? basic.password || undefined : undefined;
}

/** Checks API keys and, without one, the dashboard's session cookie (its user's role as scope). */
export function gate(keys: KeyChecker, limits: RateLimits, sessions?: SessionScopes): Gate {
  return {
    headerKey: keyOf,
    async authenticate(request, reply, key) {
      await limits.address(request, reply);
      await limits.beforeKeyCheck(request, reply);
      if (key === undefined && sessions?.present(request)) {
        const scope = await sessions.scopeOf(request);
        if (scope === null) await limits.keyFailed(request, reply);
        return scope;
      }
      let scope = key ? await keys.scopeOf(key) : null;
      let usedKey = key;
      const password = scope === null && key === keyOf(request) ? basicPasswordOf(request) : undefined;
      if (password) {
        scope = await keys.scopeOf(password);
        usedKey = password;
      }
      if (scope === null || usedKey === undefined) {
        await limits.keyFailed(request, reply);
        return null;
      }
      await limits.keyPassed(request, reply, usedKey);
      return scope;
    },
  };
}
