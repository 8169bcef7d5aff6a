/** What an import saw: counts per file, bad rows and warnings by file:line, and the summary. */
import type { RecordWriter } from "../../io/write.js";
import type { Kind } from "./rows.js";

export interface Problem {
  file: string;
  line: number;
  field: string;
  message: string;
}

export const PROBLEM_COLUMNS = ["file", "line", "field", "message"] as const;

/** Every problem counted and written to the --errors file; the first few kept for the screen. */
export class ProblemLog {
  readonly shown: Problem[] = [];
  total = 0;

  constructor(
    private readonly errors: RecordWriter | undefined = undefined,
    private readonly showLimit = 20,
  ) {}

  async add(problem: Problem): Promise<void> {
    this.total++;
    if (this.shown.length < this.showLimit) this.shown.push(problem);
    if (this.errors) await this.errors.write({ ...problem });
  }

  /** "events.csv:12: timestamp: not a date-time..." lines, then how many more there are. */
  describe(prefix: string, whereAll = ""): string[] {
    const lines = this.shown.map(
      (problem) => `${prefix}${problem.file}:${problem.line}: ${problem.field}: ${problem.message}`,
    );
    const more = this.total - this.shown.length;
    if (more > 0) lines.push(`${prefix}... and ${more} more${whereAll ? ` ${whereAll}` : ""}`);
    return lines;
  }
}

export class FileTally {
  read = 0;
  stored = 0;
  duplicates = 0;
  skipped = 0;
  /** Rows written without their email, which another contact already has. */
  emailsDropped = 0;
  elapsedMs = 0;

  constructor(
    readonly kind: Kind,
    readonly path: string,
  ) {}
}

const count = (n: number) => n.toLocaleString("en-US");

function rate(rows: number, ms: number): string {
  return ms > 0 ? `${count(Math.round((rows * 1000) / ms))} rows/s` : "-";
}

export function summaryLines(files: readonly FileTally[], elapsedMs: number): string[] {
  const lines = files.map((file) => {
    const parts = [`${count(file.read)} read`, `${count(file.stored)} stored`];
    if (file.kind === "events") parts.push(`${count(file.duplicates)} duplicates (already known)`);
    parts.push(`${count(file.skipped)} skipped`);
    if (file.emailsDropped > 0) parts.push(`${count(file.emailsDropped)} without their email`);
    const timing = `${(file.elapsedMs / 1000).toFixed(1)} s, ${rate(file.read, file.elapsedMs)}`;
    return `${file.kind.padEnd(10)} ${parts.join(", ")} (${timing})`;
  });
  const sum = (pick: (file: FileTally) => number) => files.reduce((total, file) => total + pick(file), 0);
  const read = sum((file) => file.read);
  lines.push(
    `total      ${count(read)} rows read, ${count(sum((f) => f.stored))} stored, ${count(
      sum((f) => f.duplicates),
    )} duplicates, ${count(sum((f) => f.skipped))} skipped in ${(elapsedMs / 1000).toFixed(1)} s (${rate(read, elapsedMs)})`,
  );
  return lines;
}
