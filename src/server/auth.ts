/** Reads the API key of a request: `Authorization: Bearer <key>`, or Basic with the key as user (Segment). */
import type { FastifyRequest } from "fastify";
import type { KeyChecker, Scope } from "../service/api-keys.js";

export function keyOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(" ", 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === "bearer") return value.trim();
  if (scheme.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const user = decoded.split(":", 1)[0];
    return user || undefined;
  }
  return undefined;
}

export function authenticator(keys: KeyChecker) {
  return async (request: FastifyRequest): Promise<Scope | null> => {
    const key = keyOf(request);
    return key ? keys.scopeOf(key) : null;
  };
}
