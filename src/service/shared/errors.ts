/** Errors the API turns into 4xx answers: they name what is wrong and where. */
export interface FieldIssue {
  /** JSON path of the offending value: "events[3].timestamp". */
  field: string;
  message: string;
}

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

export const notFound = (what: string) => new RequestError(404, "not_found", `${what} not found`);
