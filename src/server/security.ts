/**
 * Browser-facing headers: security headers on every answer (@fastify/helmet) and CORS for the
 * origins the corsOrigins setting allows (@fastify/cors; off when it is empty).
 */
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import type { FastifyInstance } from "fastify";
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

export async function setupBrowserSecurity(app: FastifyInstance, config: ServiceConfig): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: CONTENT_SECURITY_POLICY,
    frameguard: { action: "deny" },
    referrerPolicy: { policy: "no-referrer" },
    // HTTPS is the business of the proxy that terminates TLS; HSTS from here could pin a
    // shared domain to HTTPS by surprise.
    strictTransportSecurity: false,
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
