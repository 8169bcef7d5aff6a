/** Triggers (versioned, validated, published) and alert deliveries: list, dead letters, replay. */
import { z } from "zod";
import { DELIVERY_STATUSES } from "../../service/alerts/alerts.js";
import { RequestError } from "../errors.js";
import type { RouteContext } from "./index.js";

const versionParams = z.object({ version: z.coerce.number().int().min(1) });
const triggerVersionSchema = z
  .object({
    version: z.number().int(),
    triggers: z.array(z.string()),
    createdAt: z.string(),
    published: z.boolean(),
  })
  .meta({ id: "TriggerVersion" });
const deliverySchema = z
  .object({
    id: z
      .string()
      .describe("The stable delivery id (also the Leadscore-Delivery header and the payload's id)."),
    triggerId: z.string(),
    contactId: z.string(),
    modelKey: z.string(),
    kind: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "AlertDelivery" });
const listQuery = z.object({
  status: z.enum(DELIVERY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export function registerAlertRoutes({ table, service }: RouteContext): void {
  const alerts = service.alerts;
  table.add({
    method: "POST",
    url: "/v1/triggers/versions",
    bodySize: "upload",
    summary: "Upload a new version of the trigger file (YAML or JSON); validated, stored, not yet published",
    tag: "alerts",
    scope: "admin",
    textBody: ["application/yaml", "text/yaml", "text/plain"],
    responses: {
      201: { description: "The new version.", schema: triggerVersionSchema },
      422: { description: "The file is invalid: each issue with its path and line." },
    },
    handler: async ({ request }, reply) => {
      const body = request.body;
      const source = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
      if (source.trim() === "")
        throw new RequestError(400, "invalid_request", "body: the trigger file is empty", [
          { field: "body", message: "send the trigger file as YAML or JSON" },
        ]);
      return reply.status(201).send(await alerts.upload(source));
    },
  });
  table.add({
    method: "GET",
    url: "/v1/triggers/versions",
    summary: "Every uploaded version of the trigger file, and which is published",
    tag: "alerts",
    scope: "read",
    responses: {
      200: { description: "Versions.", schema: z.object({ versions: z.array(triggerVersionSchema) }) },
    },
    handler: async () => ({ versions: await alerts.versions() }),
  });
  table.add({
    method: "GET",
    url: "/v1/triggers/versions/:version",
    summary: "A trigger file version as uploaded (write scope: it holds webhook secrets)",
    tag: "alerts",
    scope: "admin",
    params: versionParams,
    responses: {
      200: { description: "The YAML.", contentType: "application/yaml" },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }, reply) => {
      reply.header("content-type", "application/yaml; charset=utf-8");
      return alerts.source(params.version);
    },
  });
  table.add({
    method: "POST",
    url: "/v1/triggers/versions/:version/publish",
    summary: "Publish a trigger file version: score changes are decided against it from now on",
    tag: "alerts",
    scope: "admin",
    params: versionParams,
    responses: {
      200: { description: "The published version.", schema: triggerVersionSchema },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }) => alerts.publish(params.version),
  });
  table.add({
    method: "DELETE",
    url: "/v1/triggers/published",
    summary: "Unpublish the trigger file: no new alerts (pending deliveries still go out)",
    tag: "alerts",
    scope: "admin",
    responses: { 204: { description: "Unpublished." } },
    handler: async (_input, reply) => {
      await alerts.unpublish();
      return reply.status(204).send();
    },
  });
  table.add({
    method: "GET",
    url: "/v1/alerts/deliveries",
    summary: "Alert deliveries, newest first (pending, delivered, dead)",
    tag: "alerts",
    scope: "read",
    query: listQuery,
    responses: {
      200: { description: "Deliveries.", schema: z.object({ deliveries: z.array(deliverySchema) }) },
    },
    handler: async ({ query }) => ({ deliveries: await alerts.deliveries(query) }),
  });
  table.add({
    method: "GET",
    url: "/v1/alerts/deliveries/:id",
    summary: "One delivery with its payload",
    tag: "alerts",
    scope: "read",
    params: z.object({ id: z.string().min(1) }),
    responses: {
      200: {
        description: "The delivery.",
        schema: deliverySchema.extend({ payload: z.unknown() }),
      },
      404: { description: "Unknown delivery." },
    },
    handler: async ({ params }) => alerts.delivery(params.id),
  });
  table.add({
    method: "GET",
    url: "/v1/alerts/dead-letters",
    summary: "Deliveries that failed every attempt, newest first",
    tag: "alerts",
    scope: "read",
    query: listQuery.omit({ status: true }),
    responses: {
      200: { description: "Dead letters.", schema: z.object({ deliveries: z.array(deliverySchema) }) },
    },
    handler: async ({ query }) => ({ deliveries: await alerts.deliveries({ ...query, status: "dead" }) }),
  });
  table.add({
    method: "POST",
    url: "/v1/alerts/dead-letters/replay",
    summary: "Replay dead letters (the ids given, or all): same delivery id, attempts from zero",
    tag: "alerts",
    scope: "admin",
    body: z.object({ ids: z.array(z.string().min(1)).max(10_000).optional() }).optional(),
    responses: {
      200: {
        description: "How many went back to the outbox.",
        schema: z.object({ replayed: z.number().int() }),
      },
    },
    handler: async ({ body }) => alerts.replay(body?.ids ?? "all"),
  });
  table.add({
    method: "POST",
    url: "/v1/alerts/dead-letters/:id/replay",
    summary: "Replay one dead letter",
    tag: "alerts",
    scope: "admin",
    params: z.object({ id: z.string().min(1) }),
    responses: {
      200: { description: "Back in the outbox.", schema: z.object({ replayed: z.number().int() }) },
      404: { description: "Unknown delivery." },
      409: { description: "The delivery is not dead." },
    },
    handler: async ({ params }) => alerts.replay([params.id]),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/:id/lifecycle",
    summary: "A contact's lifecycle stage and owner, as triggers set them",
    tag: "alerts",
    scope: "read",
    params: z.object({ id: z.string().min(1) }),
    responses: {
      200: {
        description: "Stage and owner (null when no trigger set them).",
        schema: z.object({
          stage: z.string().nullable(),
          owner: z.string().nullable(),
          updatedAt: z.string().nullable(),
        }),
      },
    },
    handler: async ({ params }) => alerts.lifecycle(params.id),
  });
}
