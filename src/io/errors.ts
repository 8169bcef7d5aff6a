/** Problems with an input or output file that stop reading it: what, and where (file:line). */
export class InputError extends Error {
  constructor(
    readonly reason: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = "InputError";
  }
}
