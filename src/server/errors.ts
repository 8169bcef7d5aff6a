/**
 * Errors as the API answers them: a status, a code, a message and the issues, each naming its
 * field. The service's domain errors (service/shared/errors.ts) become one here, at the edge.
 */
import type { DomainError, FieldIssue } from "../service/shared/errors.js";

export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = "RequestError";
  }
}

const STATUS: Record<DomainError["kind"], number> = {
  not_found: 404,
  conflict: 409,
  invalid_input: 400,
  invalid_document: 422,
};

/** The HTTP status of a domain error. */
export function statusOf(error: DomainError): number {
  return STATUS[error.kind];
}

export function requestErrorOf(error: DomainError): RequestError {
  return new RequestError(statusOf(error), error.code, error.message, error.issues);
}
