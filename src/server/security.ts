/**
 * Browser-facing headers: security headers on every answer (helmet's) and CORS for the
 * origins the corsOrigins setting allows (@fastify/cors; off when it is empty).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";
import helmet, { type HelmetOptions } from "helmet";
import type { ServiceConfig } from "../service/config.js";

/**
 * A policy for a JSON API that also fits a dashboard built into static files served from the
 * same origin at / later: its own scripts, styles, images and API calls, nothing inline, never
 * framed.
 */
const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  },
};

/** Headers a browser may send across origins: the key, the body's type and encoding. */
const CORS_REQUEST_HEADERS = ["authorization", "content-type", "content-encoding", "x-request-id"];

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: CONTENT_SECURITY_POLICY,
  frameguard: { action: "deny" },
  referrerPolicy: { policy: "no-referrer" },
  // HTTPS is the business of the proxy that terminates TLS; HSTS from here could pin a
  // shared domain to HTTPS by surprise.
  strictTransportSecurity: false,
};

/**
 * The headers helmet sets with these options, worked out once: they do not depend on the
 * request, and running helmet's dozen middlewares per request showed in the serving thread's
 * profile under the ingest bench (bench/README.md, "Figures behind choices in the code").
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: unknown) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let done = false;
  helmet(HELMET_OPTIONS)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error("helmet did not finish synchronously: its headers cannot be computed once");
  return headers;
}

export async function setupBrowserSecurity(app: FastifyInstance, config: ServiceConfig): Promise<void> {
  const headers = securityHeaders();
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  if (config.corsOrigins.length === 0) return;
  await app.register(cors, {
    origin: config.corsOrigins.includes("*") ? "*" : config.corsOrigins,
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    allowedHeaders: CORS_REQUEST_HEADERS,
    exposedHeaders: ["retry-after", "x-request-id"],
    maxAge: 600,
  });
}
