/**
 * The HTTP application: Fastify with pino logs, API-key auth, JSON errors that name the field,
 * and the routes of routes/. Built without listening, so tests and the CLI choose the port.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import type { Logger } from "pino";
import { RequestError } from "../service/errors.js";
import type { ScoringService } from "../service/service.js";
import { authenticator } from "./auth.js";
import { setupMetrics } from "./metrics.js";
import { type RegisteredRoute, RouteTable } from "./route.js";
import { routeModules } from "./routes/index.js";
import { inputRulesOf, inputSchemas } from "./schemas.js";

export interface BuiltApp {
  app: FastifyInstance;
  routes: readonly RegisteredRoute[];
  /** What Fastify actually serves, "GET /v1/contacts/:id" (HEAD twins left out). */
  servedRoutes: readonly { method: string; url: string }[];
}

export async function buildApp(service: ScoringService, log: Logger): Promise<BuiltApp> {
  const app: FastifyInstance = Fastify({
    loggerInstance: log as unknown as FastifyBaseLogger,
    bodyLimit: service.config.bodyLimitBytes,
    logController: new LogController({ disableRequestLogging: true }),
    // Keys never reach the logs: only method, path and status are logged.
    requestIdHeader: "x-request-id",
  });
  app.addContentTypeParser(
    ["application/yaml", "application/x-yaml", "text/yaml", "text/plain"],
    { parseAs: "string" },
    (_request, body, done) => done(null, body),
  );
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
  app.setErrorHandler((error: Error, request, reply) => {
    if (error instanceof RequestError) {
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
      const message =
        code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
          ? `body: not valid JSON: ${error.message}`
          : code === "FST_ERR_CTP_BODY_TOO_LARGE"
            ? `body: larger than the limit of ${service.config.bodyLimitBytes} bytes; send smaller batches`
            : error.message;
      return reply.status(status).send({ error: { code: code ?? "bad_request", message } });
    }
    request.log.error({ err: error }, "unexpected error");
    return reply
      .status(500)
      .send({ error: { code: "internal", message: "internal error; see the service log" } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        code: "not_found",
        message: `no route ${request.method} ${request.url.split("?")[0]}; see /openapi.json`,
      },
    }),
  );
  const servedRoutes: { method: string; url: string }[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat())
      if (method !== "HEAD") servedRoutes.push({ method, url: route.url });
  });
  const metrics = setupMetrics(app, service);
  const table = new RouteTable(app, authenticator(service.keys));
  const inputRules = inputRulesOf(service.config, service.clock);
  const inputs = inputSchemas(inputRules);
  for (const register of routeModules) register({ table, service, metrics, inputs, inputRules });
  return { app, routes: table.routes, servedRoutes };
}
