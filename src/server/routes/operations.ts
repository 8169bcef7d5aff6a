/** /health, /metrics and the OpenAPI document. */
import { z } from "zod";
import { openApiDocument } from "../openapi.js";
import { API_VERSION } from "../version.js";
import type { RouteContext } from "./index.js";

export function registerOperationRoutes({ table, service, metrics }: RouteContext): void {
  table.add({
    method: "GET",
    url: "/health",
    summary: "Liveness and database check (no API key needed)",
    tag: "operations",
    scope: null,
    responses: {
      200: {
        description: "The service and its database answer.",
        schema: z.object({
          status: z.literal("ok"),
          database: z.enum(["sqlite", "postgres"]),
          version: z.string(),
        }),
      },
      503: {
        description: "The database does not answer.",
        schema: z.object({ status: z.literal("unavailable"), error: z.string() }),
      },
    },
    handler: async (_input, reply) => {
      try {
        await service.store.ping();
        return { status: "ok", database: service.database.dialect, version: API_VERSION };
      } catch (error) {
        return reply.status(503).send({ status: "unavailable", error: (error as Error).message });
      }
    },
  });
  table.add({
    method: "GET",
    url: "/metrics",
    summary: "Prometheus metrics",
    tag: "operations",
    scope: "read",
    responses: { 200: { description: "Prometheus text format.", contentType: "text/plain" } },
    handler: async (_input, reply) => {
      reply.header("content-type", metrics.contentType);
      return metrics.metrics();
    },
  });
  table.add({
    method: "GET",
    url: "/openapi.json",
    summary: "This API's OpenAPI 3.1 document (no API key needed)",
    tag: "operations",
    scope: null,
    responses: { 200: { description: "The OpenAPI document.", schema: z.record(z.string(), z.unknown()) } },
    handler: async () => openApiDocument(table.routes, API_VERSION),
  });
}
