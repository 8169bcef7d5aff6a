/**
 * Routes are declared once, with zod schemas for their parameters, query, body and answers:
 * the same declaration registers the Fastify route, validates each request (a bad one gets a
 * 400 naming every bad field), checks the API key's scope, and writes the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { allows, type Scope, scopesAllowing } from "../service/api-keys/api-keys.js";
import type { FieldIssue } from "../service/shared/errors.js";
import type { BodySize } from "./body.js";
import { RequestError } from "./errors.js";

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
  /**
   * A quicker check for the common valid body (event ingest): what it returns is used as the
   * parsed body; undefined leaves the body to `body`, which names what is wrong.
   */
  fastBody?: (value: unknown) => z.infer<B> | undefined;
  /** Other request body types the route accepts as text (model YAML). */
  textBody?: string[];
  /** What the body holds, which sets its size limit (default: item). */
  bodySize?: BodySize;
  /**
   * Segment routes: without a key in the headers, `writeKey` in the body is the key (as
   * Segment's browser beacons send it), checked once the body, held to a small limit, is read.
   */
  bodyKey?: boolean;
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
  /** Largest body, after decompression. */
  bodyLimitBytes: number;
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

/** Who may call a route: the API key's place in a request, its scope, and the rate limits. */
export interface Gate {
  /** The key in the request's headers, if any. */
  headerKey(request: FastifyRequest): string | undefined;
  /** The key's scope, or null for none or a bad one; throws 429 past a rate limit. */
  authenticate(request: FastifyRequest, reply: FastifyReply, key: string | undefined): Promise<Scope | null>;
}

/** Read once the body is parsed, on routes that take the key there. */
function bodyKeyOf(body: unknown): string | undefined {
  const key = (body as { writeKey?: unknown } | null | undefined)?.writeKey;
  return typeof key === "string" && key !== "" ? key : undefined;
}

async function admit(
  gate: Gate,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string | undefined,
  needed: Scope,
): Promise<Scope> {
  const scope = await gate.authenticate(request, reply, key);
  if (scope === null) {
    reply.header("www-authenticate", 'Bearer realm="leadscore"');
    // The body is left unread: closing saves reading it to keep the connection.
    reply.header("connection", "close");
    throw new RequestError(
      401,
      "unauthorized",
      key === undefined
        ? "an API key is required: Authorization: Bearer <key>, or HTTP Basic auth with the key as user name or password"
        : "this API key is unknown or revoked",
    );
  }
  if (!allows(scope, needed)) {
    throw new RequestError(
      403,
      "forbidden",
      `this API key has the ${scope} scope; this route needs a key with the ${scopesAllowing(needed).join(" or ")} scope`,
    );
  }
  return scope;
}

/**
 * Uploaded documents (models, triggers, predictive artifacts) are walked recursively by their
 * validators; the deepest real one (a model's nested any/all/not conditions, a tree of a
 * predictive artifact) stays far below this.
 */
const UPLOAD_MAX_JSON_DEPTH = 256;

/** The scope each request was admitted with, from its onRequest check to its handler. */
const admitted = new WeakMap<FastifyRequest, Scope>();

export class RouteTable {
  readonly routes: RegisteredRoute[] = [];

  constructor(
    private readonly app: FastifyInstance,
    private readonly gate: Gate,
    private readonly bodyLimits: Readonly<Record<BodySize, number>>,
  ) {}

  add<
    P extends z.ZodType = z.ZodUndefined,
    Q extends z.ZodType = z.ZodUndefined,
    B extends z.ZodType = z.ZodUndefined,
  >(spec: RouteSpec<P, Q, B>): void {
    const bodyLimitBytes = this.bodyLimits[spec.bodySize ?? "item"];
    this.routes.push({ method: spec.method, url: spec.url, spec: spec as never, bodyLimitBytes });
    const gate = this.gate;
    const needed = spec.scope;
    // The headers are checked before the body is read, so a caller without a key costs nothing.
    const onRequest = needed
      ? async (request: FastifyRequest, reply: FastifyReply) => {
          const key = gate.headerKey(request);
          if (key === undefined && spec.bodyKey) return;
          admitted.set(request, await admit(gate, request, reply, key, needed));
        }
      : undefined;
    this.app.route({
      method: spec.method,
      url: spec.url,
      bodyLimit: bodyLimitBytes,
      config: {
        textBody: spec.textBody,
        bodyKey: spec.bodyKey === true,
        maxJsonDepth: spec.bodySize === "upload" ? UPLOAD_MAX_JSON_DEPTH : undefined,
      },
      ...(onRequest ? { onRequest } : {}),
      handler: async (request, reply) => {
        let scope = admitted.get(request) ?? null;
        if (needed && spec.bodyKey && gate.headerKey(request) === undefined)
          scope = await admit(gate, request, reply, bodyKeyOf(request.body), needed);
        const params = parsePart(spec.params, request.params, "params");
        const query = parsePart(spec.query, request.query, "query");
        const body = spec.fastBody?.(request.body) ?? parsePart(spec.body, request.body, "body");
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
