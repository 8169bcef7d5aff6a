/**
 * Request bodies: how big each route's may be, how compressed ones are inflated (within that
 * limit, stopping at it, so a small zip bomb costs a few KB of memory), and which content
 * types are read as JSON: analytics SDKs label JSON `application/x-www-form-urlencoded`
 * (RudderStack's Node SDK, gzipped) or `text/plain` (browser beacons).
 */
import type { Readable } from "node:stream";
import { Transform, type TransformCallback } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ServiceConfig } from "../service/config.js";
import { RequestError } from "./errors.js";
import { parseJsonBody } from "./json-body.js";

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * What a route's body holds, which sets its limit: one item (an event, a contact, a Segment
 * message), a batch of up to maxBatch items, or an upload (a model, a predictive artifact).
 */
export type BodySize = "item" | "batch" | "upload";

/** Segment's own limit for a batch (500 KB); both SDKs keep their batches under it. */
export const BODY_KEY_LIMIT_BYTES = 512 * KIB;

const ITEM_BYTES = MIB;
/** A batch's allowance per item: ten times a typical event, so only absurd batches hit it. */
const BATCH_BYTES_PER_ITEM = 4 * KIB;

/** Each kind's limit in bytes (after decompression); the global bodyLimitBytes caps them all. */
export function bodyLimitsOf(
  config: Pick<ServiceConfig, "maxBatch" | "bodyLimitBytes">,
): Record<BodySize, number> {
  const cap = (bytes: number) => Math.min(bytes, config.bodyLimitBytes);
  return {
    item: cap(ITEM_BYTES),
    batch: cap(ITEM_BYTES + config.maxBatch * BATCH_BYTES_PER_ITEM),
    upload: config.bodyLimitBytes,
  };
}

export function bodyTooLarge(limitBytes: number): RequestError {
  return new RequestError(
    413,
    "body_too_large",
    `body: larger than this route's limit of ${limitBytes} bytes (after decompression); send smaller batches`,
  );
}

/** Counts what passes and fails with a 413 at the first byte over the limit. */
class LimitedBody extends Transform {
  private passed = 0;
  /** Compressed bytes read, which Fastify compares with Content-Length. */
  receivedEncodedLength = 0;

  constructor(private readonly limitBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.passed += chunk.length;
    if (this.passed > this.limitBytes) done(bodyTooLarge(this.limitBytes));
    else done(null, chunk);
  }
}

const INFLATERS: Record<string, () => Transform> = {
  gzip: createGunzip,
  "x-gzip": createGunzip,
  deflate: createInflate,
  br: createBrotliDecompress,
};

export const CONTENT_ENCODINGS = Object.keys(INFLATERS);

/**
 * The body stream Fastify should read: the payload itself, or inflated and limited. The
 * request stream is never destroyed (the answer still has to go out on its socket); on an
 * error the inflater is dropped and the rest of the body is left unread.
 */
export function limitedBody(payload: Readable, encoding: string, limitBytes: number): Readable {
  const limited = new LimitedBody(limitBytes);
  const inflater = INFLATERS[encoding]?.();
  const count = (chunk: Buffer) => {
    limited.receivedEncodedLength += chunk.length;
  };
  let stopped = false;
  const stop = (error: Error) => {
    if (stopped) return;
    stopped = true;
    payload.off("data", count);
    payload.unpipe();
    payload.pause();
    inflater?.destroy();
    limited.destroy(error);
  };
  limited.on("error", stop);
  payload.on("data", count);
  if (!inflater) return payload.pipe(limited);
  inflater.on("error", (error) =>
    stop(new RequestError(400, "invalid_body", `body: not valid ${encoding} data: ${error.message}`)),
  );
  payload.pipe(inflater).pipe(limited);
  return limited;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return length !== undefined ? length !== "0" : request.headers["transfer-encoding"] !== undefined;
}

/**
 * Inflates gzip, deflate and br bodies and holds any body to `limitOf(request)` when that is
 * below the route's own limit (Fastify enforces the route's limit on what it reads).
 */
export function setupBodyDecoding(app: FastifyInstance, limitOf: (request: FastifyRequest) => number): void {
  app.addHook("preParsing", async (request, _reply, payload) => {
    if (!hasBody(request)) return payload;
    const encoding = (request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
    const limitBytes = limitOf(request);
    if (encoding === "identity") {
      if (Number(request.headers["content-length"]) > limitBytes) throw bodyTooLarge(limitBytes);
      return limitBytes < request.routeOptions.bodyLimit
        ? limitedBody(payload, encoding, limitBytes)
        : payload;
    }
    if (!INFLATERS[encoding])
      throw new RequestError(
        415,
        "unsupported_encoding",
        `Content-Encoding ${encoding} is not supported; send ${CONTENT_ENCODINGS.join(", ")} or identity`,
      );
    return limitedBody(payload, encoding, limitBytes);
  });
}

/** What the parsers need to know of a route's declaration. */
export interface BodyRouteConfig {
  /** The text types the route takes as text (model YAML). */
  textBody?: readonly string[] | undefined;
  /** The key may come in the body (Segment routes). */
  bodyKey?: boolean;
  /** Deepest nesting a JSON body may have, checked before it is parsed (uploads). */
  maxJsonDepth?: number | undefined;
}

declare module "fastify" {
  interface FastifyContextConfig extends BodyRouteConfig {}
}

/**
 * JSON under the labels SDKs put on it. A route that takes text/plain as text (a YAML model)
 * gets the text; everywhere else text/plain is JSON too.
 */
export function setupJsonContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser(
    ["application/json", "application/x-www-form-urlencoded", "text/plain"],
    { parseAs: "string" },
    (request, body, done) => {
      const type = (request.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
      if (request.routeOptions.config.textBody?.includes(type)) return done(null, body);
      try {
        done(null, parseJsonBody(body as string, request.routeOptions.config.maxJsonDepth));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}
