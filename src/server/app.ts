/**
 * The HTTP application: Fastify with pino logs, API-key auth, JSON errors that name the field,
 * and the routes of routes/. Built without listening, so tests and the CLI choose the port.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import type { ServiceConfig } from "../service/config.js";
import type { ScoringService } from "../service/service.js";
import { DomainError } from "../service/shared/errors.js";
import { gate, keyOf } from "./auth.js";
import {
  BODY_KEY_LIMIT_BYTES,
  type BodyRouteConfig,
  bodyLimitsOf,
  bodyTooLarge,
  CONTENT_ENCODINGS,
  setupBodyDecoding,
  setupJsonContentTypes,
} from "./body.js";
import { registerDashboardRoutes, setupDashboard } from "./dashboard/index.js";
import { RequestError, requestErrorOf } from "./errors.js";
import { clientErrorAnswer, frameworkError } from "./framework-errors.js";
import { setupMetrics } from "./metrics.js";
import { setupRateLimits } from "./rate-limits.js";
import { type RegisteredRoute, RouteTable } from "./route.js";
import { routeModules } from "./routes/index.js";
import { inputRulesOf, inputSchemas } from "./schemas.js";
import { setupBrowserSecurity } from "./security.js";

export interface BuiltApp {
  app: FastifyInstance;
  routes: readonly RegisteredRoute[];
  /** What Fastify actually serves, "GET /v1/contacts/:id" (HEAD twins left out). */
  servedRoutes: readonly { method: string; url: string }[];
}

/** A number of hops becomes the function Fastify's typings ask for (its runtime does the same). */
function trustedProxies(setting: ServiceConfig["trustProxy"]) {
  if (setting === false) return undefined;
  if (typeof setting === "number") return (_address: string, hop: number) => hop < setting;
  return setting;
}

export async function buildApp(service: ScoringService, log: Logger): Promise<BuiltApp> {
  const app: FastifyInstance = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: service.config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // Keys never reach the logs: only method, path and status are logged.
    requestIdHeader: "x-request-id",
    // Ids are up to 256 characters, each up to 9 once percent-encoded; longer is a 414.
    routerOptions: { maxParamLength: 256 * 9 },
    frameworkErrors: frameworkError,
    clientErrorHandler: clientErrorAnswer,
    // The client's address (rate limits, logs) from X-Forwarded-For, only behind named proxies.
    trustProxy: trustedProxies(service.config.trustProxy),
  });
  app.addContentTypeParser(
    ["application/yaml", "application/x-yaml", "text/yaml"],
    { parseAs: "string" },
    (_request, body, done) => done(null, body),
  );
  setupJsonContentTypes(app);
  setupBodyDecoding(app, (request) => {
    const routeLimit = request.routeOptions.bodyLimit;
    const bodyKey = (request.routeOptions.config as BodyRouteConfig).bodyKey === true;
    return bodyKey && keyOf(request) === undefined ? Math.min(routeLimit, BODY_KEY_LIMIT_BYTES) : routeLimit;
  });
  await setupBrowserSecurity(app, service.config);
  const limits = await setupRateLimits(app, service.config);
  // The dashboard: its files, and its session cookie as an alternative to an API key.
  const dashboard = await setupDashboard(app, service);
  app.addHook("onResponse", async (request, reply) => {
    if (reply.statusCode >= 500)
      request.log.error(
        { method: request.method, url: request.routeOptions.url, status: reply.statusCode },
        "request failed",
      );
    else
      request.log.debug(
        {
          method: request.method,
          url: request.routeOptions.url,
          status: reply.statusCode,
          ms: reply.elapsedTime,
        },
        "request",
      );
  });
  app.setErrorHandler((thrown: Error, request, reply) => {
    // The service's domain errors get their HTTP status here, and only here.
    const error = thrown instanceof DomainError ? requestErrorOf(thrown) : thrown;
    if (error instanceof RequestError) {
      // A body refused before it was read in full: closing spares reading the rest.
      if (error.statusCode === 413) reply.header("connection", "close");
      return reply.status(error.statusCode).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.issues.length > 0 ? { issues: error.issues } : {}),
        },
      });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code;
      if (code === "FST_ERR_CTP_BODY_TOO_LARGE") {
        reply.header("connection", "close");
        const tooLarge = bodyTooLarge(request.routeOptions.bodyLimit ?? service.config.bodyLimitBytes);
        return reply.status(413).send({ error: { code: tooLarge.code, message: tooLarge.message } });
      }
      const message =
        code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
          ? `body: not valid JSON: ${error.message}`
          : code === "FST_ERR_CTP_INVALID_MEDIA_TYPE"
            ? `Content-Type ${request.headers["content-type"] ?? "(none)"} is not accepted here; send application/json (also read as JSON: application/x-www-form-urlencoded, text/plain), compressed or not (Content-Encoding ${CONTENT_ENCODINGS.join(", ")})`
            : error.message;
      return reply.status(status).send({ error: { code: code ?? "bad_request", message } });
    }
    request.log.error({ err: error }, "unexpected error");
    return reply
      .status(500)
      .send({ error: { code: "internal", message: "internal error; see the service log" } });
  });
  app.setNotFoundHandler((request, reply) => {
    if (dashboard.files.serve(request, reply)) return reply;
    return reply.status(404).send({
      error: {
        code: "not_found",
        message: `no route ${request.method} ${request.url.split("?")[0]}; see /openapi.json`,
      },
    });
  });
  const servedRoutes: { method: string; url: string }[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat())
      if (method !== "HEAD" && method !== "OPTIONS") servedRoutes.push({ method, url: route.url });
  });
  const metrics = setupMetrics(app, service);
  const table = new RouteTable(
    app,
    gate(service.keys, limits, dashboard.sessions),
    bodyLimitsOf(service.config),
  );
  const inputRules = inputRulesOf(service.config, service.clock);
  const inputs = inputSchemas(inputRules);
  for (const register of routeModules) register({ table, service, metrics, inputs, inputRules });
  registerDashboardRoutes(table, service, limits);
  return { app, routes: table.routes, servedRoutes };
}
