/**
 * Routes are declared once, with zod schemas for their parameters, query, body and answers:
 * the same declaration registers the Fastify route, validates each request (a bad one gets a
 * 400 naming every bad field), checks the API key's scope, and writes the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { allows, type Scope, scopesAllowing } from "../service/api-keys.js";
import { type FieldIssue, RequestError } from "../service/errors.js";

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ResponseSpec {
  description: string;
  /** JSON answer shape; omit for answers without a JSON body. */
  schema?: z.ZodType;
  /** Non-JSON answers (text/csv, text/plain...). */
  contentType?: string;
}

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Fastify path: /v1/contacts/:id */
  url: string;
  summary: string;
  description?: string;
  tag: string;
  /** The scope an API key needs; null for public routes (health). */
  scope: Scope | null;
  params?: P;
  query?: Q;
  body?: B;
  /** Other request body types the route accepts as text (model YAML). */
  textBody?: string[];
  responses: Record<number, ResponseSpec>;
  handler: (
    input: {
      params: z.infer<P>;
      query: z.infer<Q>;
      body: z.infer<B>;
      request: FastifyRequest;
      /** The scope of the caller's key (null on public routes): some answers depend on it. */
      scope: Scope | null;
    },
    reply: FastifyReply,
  ) => Promise<unknown>;
}

export interface RegisteredRoute {
  method: Method;
  url: string;
  spec: RouteSpec<z.ZodType, z.ZodType, z.ZodType>;
}

/** `events[3].timestamp` from a zod path. */
export function fieldPath(prefix: string, path: readonly PropertyKey[]): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text ? `.${String(key)}` : String(key);
  }
  return text || "(body)";
}

export function issuesOf(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((issue) => ({ field: fieldPath(prefix, issue.path), message: issue.message }));
}

function parsePart<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? (where === "body" ? undefined : {}));
  if (result.success) return result.data;
  const issues = issuesOf(result.error, where === "body" ? "" : "");
  const first = issues[0];
  throw new RequestError(
    400,
    "invalid_request",
    `${where === "body" ? "" : `${where} `}${first.field}: ${first.message}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""}`,
    issues.map((issue) => ({ ...issue, field: where === "body" ? issue.field : `${where}.${issue.field}` })),
  );
}

export type Authenticate = (request: FastifyRequest) => Promise<Scope | null>;

export class RouteTable {
  readonly routes: RegisteredRoute[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly authenticate: Authenticate,
  ) {}

  add<
    P extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    B extends z.ZodType = z.ZodUndefined,
  >(spec: RouteSpec<P, Q, B>): void {
    this.routes.push({ method: spec.method, url: spec.url, spec: spec as never });
    const authenticate = this.authenticate;
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (request, reply) => {
        let scope: Scope | null = null;
        if (spec.scope) {
          scope = await authenticate(request);
          if (scope === null) {
            reply.header("www-authenticate", 'Bearer realm="leadscore"');
            throw new RequestError(
              401,
              "unauthorized",
              "an API key is required: Authorization: Bearer <key>",
            );
          }
          if (!allows(scope, spec.scope)) {
            throw new RequestError(
              403,
              "forbidden",
              `this API key has the ${scope} scope; this route needs a key with the ${scopesAllowing(spec.scope).join(" or ")} scope`,
            );
          }
        }
        const params = parsePart(spec.params, request.params, "params");
        const query = parsePart(spec.query, request.query, "query");
        const body = parsePart(spec.body, request.body, "body");
        return spec.handler({ params, query, body, request, scope }, reply);
      },
    });
  }
}

/** Query-string booleans: true/false/1/0. */
export const queryBoolean = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: "Error" });
