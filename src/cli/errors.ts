/** An error the user can fix (bad file, bad option): printed without a stack trace. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "UserError";
  }
}
