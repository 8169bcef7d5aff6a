/**
 * The service's errors for people: what is wrong and where (each issue names its field or line).
 * They say nothing of HTTP: the server maps each kind to a status once, at its edge
 * (server/errors.ts), and the CLI reports them as they are.
 */
export interface FieldIssue {
  /** JSON path of the offending value: "events[3].timestamp". */
  field: string;
  message: string;
}

/** A user's error the service refuses: a kind for the caller, a code and issues for the user. */
export abstract class DomainError extends Error {
  abstract readonly kind: "not_found" | "conflict" | "invalid_input" | "invalid_document";

  constructor(
    /** The code the API answers with: "not_found", "conflict", "invalid_model"... */
    readonly code: string,
    message: string,
    readonly issues: readonly FieldIssue[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** What was asked for does not exist (a contact, a model version, a job...). */
export class NotFound extends DomainError {
  readonly kind = "not_found";

  constructor(message: string) {
    super("not_found", message);
  }
}

/** The request contradicts what is stored (an email another contact owns, a delivery not dead). */
export class Conflict extends DomainError {
  readonly kind = "conflict";
}

/** A parameter of the request is wrong: `field` names it. */
export class InvalidInput extends DomainError {
  readonly kind = "invalid_input";

  constructor(message: string, issues: readonly FieldIssue[] = []) {
    super("invalid_request", message, issues);
  }
}

/** A document given to the service (a model, a trained artifact, a trigger file) is invalid. */
export class InvalidDocument extends DomainError {
  readonly kind = "invalid_document";
}

export const notFound = (what: string) => new NotFound(`${what} not found`);

/** A wrong parameter: "field: message", with the field named in the issues. */
export const invalidField = (field: string, message: string) =>
  new InvalidInput(`${field}: ${message}`, [{ field, message }]);
