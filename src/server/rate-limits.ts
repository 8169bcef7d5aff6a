/**
 * Rate limits (@fastify/rate-limit, counted in this process's memory): failed authentications
 * per client address (on by default), and optionally requests per API key and per address.
 * Past a limit the answer is 429 with Retry-After, in the usual error shape.
 */
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hashKey } from "../service/api-keys/api-keys.js";
import type { ServiceConfig } from "../service/config.js";
import { RequestError } from "./errors.js";

type Check = ReturnType<FastifyInstance["createRateLimit"]>;
type Outcome = Awaited<ReturnType<Check>>;

export interface RateLimits {
  /** Before anything else on an authenticated route: the per-address budget. */
  address(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** Before a key is looked up: an address that spent its failure budget waits. */
  beforeKeyCheck(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** After a failed authentication: counts it, and 429 once past the budget. */
  keyFailed(request: FastifyRequest, reply: FastifyReply): Promise<void>;
  /** After a good key: the per-key budget. */
  keyPassed(request: FastifyRequest, reply: FastifyReply, key: string): Promise<void>;
}

function tooMany(reply: FastifyReply, outcome: Outcome, what: string): RequestError {
  const seconds = "ttlInSeconds" in outcome ? Math.max(1, outcome.ttlInSeconds ?? 1) : 1;
  reply.header("retry-after", String(seconds));
  reply.header("connection", "close");
  return new RequestError(429, "rate_limited", `too many ${what}; retry in ${seconds} s`);
}

const exceeded = (outcome: Outcome) => !outcome.isAllowed && outcome.isExceeded === true;

const NO_LIMIT = async () => {};

export async function setupRateLimits(app: FastifyInstance, config: ServiceConfig): Promise<RateLimits> {
  await app.register(rateLimit, { global: false, timeWindow: config.rateLimitWindowSeconds * 1000 });
  const keyOfRequest = new WeakMap<FastifyRequest, string>();
  const limiter = (max: number, prefix: string, keyOf: (request: FastifyRequest) => string) =>
    max > 0 ? app.createRateLimit({ max, keyGenerator: (request) => `${prefix}:${keyOf(request)}` }) : null;
  const failures = limiter(config.rateLimitAuthFailures, "fail", (request) => request.ip);
  const perAddress = limiter(config.rateLimitPerAddress, "addr", (request) => request.ip);
  const perKey = limiter(config.rateLimitPerKey, "key", (request) => keyOfRequest.get(request) ?? "");
  /** A check that throws 429 once `check`'s budget is spent; nothing when the limit is off. */
  const enforce = (check: Check | null, what: string, options?: Parameters<Check>[1]) =>
    check
      ? async (request: FastifyRequest, reply: FastifyReply) => {
          const outcome = await check(request, options);
          if (exceeded(outcome)) throw tooMany(reply, outcome, what);
        }
      : NO_LIMIT;
  const perKeyCheck = enforce(perKey, "requests with this API key");
  return {
    address: enforce(perAddress, "requests from this address"),
    beforeKeyCheck: enforce(failures, "failed authentications from this address", { increment: false }),
    keyFailed: enforce(failures, "failed authentications from this address"),
    keyPassed: perKey
      ? async (request, reply, key) => {
          keyOfRequest.set(request, hashKey(key));
          await perKeyCheck(request, reply);
        }
      : NO_LIMIT,
  };
}
