/**
 * Predictive models (issue 6): upload trained artifacts as versions, publish one per key, read
 * a contact's prediction (computed now from its stored history), and refresh the stored
 * predictions that prediction triggers watch.
 */
import { z } from "zod";
import { contactParams, timestampSchema } from "../schemas.js";
import type { RouteContext } from "./index.js";

const keyParams = z.object({ key: z.string().min(1).max(64) });
const versionParams = z.object({ key: z.string().min(1).max(64), version: z.coerce.number().int().min(1) });

const predictiveVersionSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    kind: z.string().describe("gbdt or scorecard"),
    horizonDays: z.number().describe("The probability is of converting within this many days."),
    rocAuc: z.number().nullable().describe("Holdout ROC AUC measured at training."),
    createdAt: z.string(),
    published: z.boolean(),
  })
  .meta({ id: "PredictiveModelVersion" });

const factorSchema = z.object({
  feature: z.string(),
  value: z.string(),
  effect: z.number().describe("Log-odds (gbdt, exact TreeSHAP) or points (scorecard); positive pushes up."),
  text: z.string(),
});

export const predictionSchema = z
  .object({
    model: z.object({ key: z.string(), version: z.number().int(), kind: z.string() }),
    horizonDays: z.number(),
    asOf: z.string(),
    probability: z.number().describe("Calibrated probability of converting within horizonDays of asOf."),
    tier: z.string().describe("very high, high, medium or low"),
    factors: z.object({ up: z.array(factorSchema), down: z.array(factorSchema) }),
    stored: z
      .object({ probability: z.number(), tier: z.string(), version: z.number().int(), asOf: z.string() })
      .nullable()
      .describe("What the last refresh stored, which prediction triggers compare against."),
  })
  .meta({ id: "Prediction" });

export function registerPredictiveRoutes({ table, service }: RouteContext): void {
  const models = service.predictive;
  table.add({
    method: "GET",
    url: "/v1/predictive/models",
    summary: "Every uploaded predictive model version, and which are published",
    tag: "predictive",
    scope: "read",
    responses: {
      200: {
        description: "Versions.",
        schema: z.object({ models: z.array(predictiveVersionSchema) }),
      },
    },
    handler: async () => ({ models: await models.versions() }),
  });
  table.add({
    method: "POST",
    url: "/v1/predictive/models/:key/versions",
    bodySize: "upload",
    summary:
      "Upload a trained predictive model (the JSON `leadscore train --contacts ... --out` writes); validated, stored, not yet published",
    tag: "predictive",
    scope: "admin",
    params: keyParams,
    body: z.record(z.string(), z.unknown()).describe("The artifact (format leadscore.predictive/1)."),
    responses: {
      201: { description: "The new version.", schema: predictiveVersionSchema },
      422: {
        description:
          "The artifact is damaged, or cannot run in the service (trained on a flat table): the JSON path and why.",
      },
    },
    handler: async ({ params, body }, reply) =>
      reply.status(201).send(await models.upload(params.key, JSON.stringify(body))),
  });
  table.add({
    method: "GET",
    url: "/v1/predictive/models/:key/versions/:version",
    summary: "A predictive model version's artifact, as uploaded",
    tag: "predictive",
    scope: "read",
    params: versionParams,
    responses: {
      200: { description: "The artifact JSON.", contentType: "application/json" },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }, reply) => {
      reply.header("content-type", "application/json; charset=utf-8");
      return models.source(params.key, params.version);
    },
  });
  table.add({
    method: "POST",
    url: "/v1/predictive/models/:key/versions/:version/publish",
    summary:
      "Publish a predictive version: reads predict with it at once; stored predictions follow at the next refresh",
    tag: "predictive",
    scope: "admin",
    params: versionParams,
    responses: {
      200: { description: "The published version.", schema: predictiveVersionSchema },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }) => models.publish(params.key, params.version),
  });
  table.add({
    method: "DELETE",
    url: "/v1/predictive/models/:key/published",
    summary: "Unpublish a predictive model: it stops predicting and its stored predictions are removed",
    tag: "predictive",
    scope: "admin",
    params: keyParams,
    responses: { 204: { description: "Unpublished." }, 404: { description: "The model is not published." } },
    handler: async ({ params }, reply) => {
      await models.unpublish(params.key);
      return reply.status(204).send();
    },
  });
  table.add({
    method: "POST",
    url: "/v1/predictive/refresh",
    summary:
      "Compute every contact's prediction now, store probability and tier, and decide prediction alerts; also runs after each decay pass",
    tag: "predictive",
    scope: "admin",
    responses: {
      200: {
        description: "Contacts seen, stored predictions changed, prediction triggers fired.",
        schema: z.object({ contacts: z.number().int(), changed: z.number().int(), alerts: z.number().int() }),
      },
    },
    handler: async () => service.refreshPredictions(),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/:id/prediction",
    summary:
      "A contact's probability of converting within the horizon, tier and top factors, under every published predictive model",
    description:
      "Computed at `asOf` (default: now) from the contact's stored properties, company and events up to that date: the features `leadscore predict --contacts --as-of` computes.",
    tag: "predictive",
    scope: "read",
    params: contactParams,
    query: z.object({
      asOf: timestampSchema.optional().describe("Predict as of this date (events after it do not count)."),
      factors: z.coerce.number().int().min(0).max(20).default(3).describe("Factors up and down (default 3)."),
    }),
    responses: {
      200: {
        description: "The predictions (empty when no predictive model is published).",
        schema: z.object({ contactId: z.string(), asOf: z.string(), predictions: z.array(predictionSchema) }),
      },
      404: { description: "Unknown contact." },
    },
    handler: async ({ params, query }) => {
      const contact = await service.reader.contact({ contactId: params.id });
      return service.predictions.forContact(contact.id, { asOfMs: query.asOf, factors: query.factors });
    },
  });
}
