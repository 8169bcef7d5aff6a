/**
 * Errors Fastify or Node answer before a route runs (a URL or path parameter too long, a
 * malformed URL, headers too large, a request timeout), in the usual error shape.
 */
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";

const MESSAGES: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: "uri_too_long",
    message: "a path parameter is too long: ids are at most 256 characters",
  },
  FST_ERR_BAD_URL: { status: 400, code: "bad_url", message: "the URL is not valid (bad percent-encoding?)" },
};

export function frameworkError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const known = MESSAGES[error.code];
  const status = known?.status ?? error.statusCode ?? 400;
  reply.status(status).send({
    error: { code: known?.code ?? "bad_request", message: known?.message ?? error.message },
  });
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: "headers_too_large",
    message: "the request line and headers are too large (a URL too long?)",
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: "request_timeout",
    message: "the request took too long to arrive",
  },
};

/** Node's HTTP parser refused the request: answer in our shape, then close. */
export function clientErrorAnswer(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const known = (error.code && CLIENT_ERRORS[error.code]) || {
    status: 400,
    code: "bad_request",
    message: "the request is not valid HTTP",
  };
  const body = JSON.stringify({ error: { code: known.code, message: known.message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
