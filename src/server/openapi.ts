/** The OpenAPI 3.1 document, built from the route table (so it always matches the routes). */
import { z } from "zod";
import { scopesAllowing } from "../service/api-keys/api-keys.js";
import type { RegisteredRoute } from "./route.js";
import { errorSchema } from "./route.js";

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  return json;
}

const JSON_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain"];

function parameters(schema: z.ZodType | undefined, where: "path" | "query"): unknown[] {
  if (!schema) return [];
  const json = jsonSchema(schema, "input") as {
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === "path" || (json.required ?? []).includes(name),
    ...(typeof property.description === "string" ? { description: property.description } : {}),
    schema: property,
  }));
}

/** The route's description, ending with the key scopes it accepts. */
function describeRoute(spec: RegisteredRoute["spec"]): string {
  const scopes = spec.scope
    ? `Scope: \`${spec.scope}\` (keys with the ${scopesAllowing(spec.scope).join(", ")} scope may call it).`
    : "";
  return [spec.description ?? "", scopes].filter(Boolean).join("\n\n");
}

export function openApiDocument(
  routes: readonly RegisteredRoute[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const { method, url, spec, bodyLimitBytes } of routes) {
    const path = url.replace(/:([A-Za-z_]+)/g, "{$1}");
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(spec.responses)) {
      const content = response.schema
        ? { "application/json": { schema: jsonSchema(response.schema, "output") } }
        : response.contentType
          ? { [response.contentType]: { schema: { type: "string" } } }
          : undefined;
      responses[status] = { description: response.description, ...(content ? { content } : {}) };
    }
    const errors: Record<string, string> = {
      ...(spec.params || spec.query || spec.body
        ? { 400: "The request is invalid: every bad field is named." }
        : {}),
      ...(spec.body || spec.textBody
        ? {
            413: `The body is larger than ${bodyLimitBytes} bytes (after decompression).`,
            415: "A Content-Type or Content-Encoding the route does not read.",
          }
        : {}),
      ...(spec.scope
        ? {
            401: "No API key, or an unknown or revoked one.",
            403: `The key's scope is not one of ${scopesAllowing(spec.scope).join(", ")}.`,
            429: "Past a rate limit (see Retry-After).",
          }
        : {}),
    };
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= {
        description,
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const requestContent: Record<string, unknown> = {};
    if (spec.body) {
      const schema = jsonSchema(spec.body, "input");
      // What analytics SDKs label their JSON; read as JSON all the same.
      for (const type of JSON_TYPES) if (!spec.textBody?.includes(type)) requestContent[type] = { schema };
    }
    for (const type of spec.textBody ?? []) requestContent[type] = { schema: { type: "string" } };
    paths[path] ??= {};
    paths[path][method.toLowerCase()] = {
      operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
      summary: spec.summary,
      ...(spec.description || spec.scope ? { description: describeRoute(spec) } : {}),
      tags: [spec.tag],
      ...(spec.scope
        ? { security: [{ bearer: [] }, { basic: [] }, { session: [] }], "x-scope": spec.scope }
        : { security: [] }),
      parameters: [...parameters(spec.params, "path"), ...parameters(spec.query, "query")],
      ...(Object.keys(requestContent).length > 0
        ? {
            requestBody: { required: true, content: requestContent },
            "x-body-limit-bytes": bodyLimitBytes,
            ...(spec.bodyKey ? { "x-write-key-in-body": true } : {}),
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Leadscore API",
      version,
      description:
        "Explainable lead scoring: ingest contacts and events, read scores with every point explained, publish models. " +
        "Every route but /health needs an API key (`leadscore keys create`), as `Authorization: Bearer <key>` or as the user name or password of HTTP Basic auth (what Segment SDKs send), or the dashboard's session cookie (see the dashboard tag); Segment routes (x-write-key-in-body) also take it as `writeKey` in a body of at most 512 KiB when no header carries one. " +
        "A key has one scope: `ingest` (events and Segment calls), `read`, `write` (ingest, reads, contact and company upserts) or `admin` (everything); each route names the scope it needs (`x-scope`). " +
        "Bodies may be compressed (Content-Encoding gzip, deflate or br); each route's limit (x-body-limit-bytes) applies to the inflated body.",
    },
    servers: [{ url: "/" }],
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer" },
        basic: {
          type: "http",
          scheme: "basic",
          description: "The API key as the user name (Segment write key) or as the password.",
        },
        session: {
          type: "apiKey",
          in: "cookie",
          name: "leadscore_session",
          description:
            "The dashboard's session (POST /v1/auth/login): it stands for a key of its user's role's scope (admin: admin, marketing: write, sales: read). Requests other than GET made with it need the X-CSRF-Token header.",
        },
      },
      schemas: { Error: jsonSchema(errorSchema, "output") },
    },
    paths,
  };
}
