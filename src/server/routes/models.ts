/** Models: upload versions, read them, publish one (background rescoring with progress), jobs. */
import { z } from "zod";
import { RequestError } from "../errors.js";
import { jobSchema, modelVersionSchema } from "../schemas.js";
import type { RouteContext } from "./index.js";

const keyParams = z.object({ key: z.string().min(1).max(64) });
const versionParams = z.object({ key: z.string().min(1).max(64), version: z.coerce.number().int().min(1) });

export function registerModelRoutes({ table, service }: RouteContext): void {
  const publishing = service.publishing;
  table.add({
    method: "GET",
    url: "/v1/models",
    summary: "Every uploaded model version, and which are published",
    tag: "models",
    scope: "read",
    responses: {
      200: { description: "Model versions.", schema: z.object({ models: z.array(modelVersionSchema) }) },
    },
    handler: async () => ({ models: await publishing.versions() }),
  });
  table.add({
    method: "POST",
    url: "/v1/models/:key/versions",
    bodySize: "upload",
    summary:
      "Upload a new version of a model (YAML or JSON body); it is validated, stored, not yet published",
    tag: "models",
    scope: "admin",
    params: keyParams,
    textBody: ["application/yaml", "text/yaml", "text/plain"],
    responses: {
      201: { description: "The new version.", schema: modelVersionSchema },
      422: { description: "The model is invalid: each issue with its path and line." },
    },
    handler: async ({ params, request }, reply) => {
      const body = request.body;
      const source = typeof body === "string" ? body : body === undefined ? "" : JSON.stringify(body);
      if (source.trim() === "")
        throw new RequestError(400, "invalid_request", "body: the model is empty", [
          { field: "body", message: "send the model as YAML or JSON" },
        ]);
      const version = await publishing.upload(params.key, source);
      return reply.status(201).send(version);
    },
  });
  table.add({
    method: "GET",
    url: "/v1/models/:key/versions/:version",
    summary: "A model version's source, as uploaded",
    tag: "models",
    scope: "read",
    params: versionParams,
    responses: {
      200: { description: "The YAML.", contentType: "application/yaml" },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }, reply) => {
      reply.header("content-type", "application/yaml; charset=utf-8");
      return publishing.source(params.key, params.version);
    },
  });
  table.add({
    method: "POST",
    url: "/v1/models/:key/versions/:version/publish",
    summary: "Publish a version: it scores from now on, and every contact is rescored in the background",
    tag: "models",
    scope: "admin",
    params: versionParams,
    responses: {
      202: { description: "The rescoring job; follow it at /v1/jobs/{id}.", schema: jobSchema },
      404: { description: "Unknown version." },
    },
    handler: async ({ params }, reply) =>
      reply.status(202).send(await publishing.publish(params.key, params.version)),
  });
  table.add({
    method: "DELETE",
    url: "/v1/models/:key/published",
    summary: "Unpublish a model: it stops scoring and its current scores are removed (history is kept)",
    tag: "models",
    scope: "admin",
    params: keyParams,
    responses: { 204: { description: "Unpublished." }, 404: { description: "The model is not published." } },
    handler: async ({ params }, reply) => {
      await publishing.unpublish(params.key);
      return reply.status(204).send();
    },
  });
  table.add({
    method: "GET",
    url: "/v1/jobs",
    summary: "Recent background jobs (rescoring after publish), newest first",
    tag: "models",
    scope: "read",
    responses: { 200: { description: "Jobs.", schema: z.object({ jobs: z.array(jobSchema) }) } },
    handler: async () => ({ jobs: await publishing.jobs() }),
  });
  table.add({
    method: "GET",
    url: "/v1/jobs/:id",
    summary: "A job's progress",
    tag: "models",
    scope: "read",
    params: z.object({ id: z.string().min(1) }),
    responses: { 200: { description: "The job.", schema: jobSchema }, 404: { description: "Unknown job." } },
    handler: async ({ params }) => publishing.job(params.id),
  });
  table.add({
    method: "POST",
    url: "/v1/decay",
    summary:
      "Bring every stored score up to date with the clock now (decay and windows); also runs periodically",
    tag: "scores",
    scope: "admin",
    responses: {
      200: {
        description: "Contacts seen and scores changed.",
        schema: z.object({ contacts: z.number().int(), changed: z.number().int() }),
      },
    },
    handler: async () => service.decay(),
  });
}
