/**
 * Bad rows: counted by kind, the first few shown on stderr, all of them written to the
 * `--errors` file. A bad row never stops a run; `--strict` only changes the exit code.
 */
import { basename } from "node:path";
import type { RecordWriter } from "../../io/write.js";

export const BAD_ROW_KINDS = [
  "malformed row",
  "missing contact id",
  "duplicate contact id",
  "unknown company",
  "missing company id",
  "duplicate company id",
  "missing event type",
  "bad timestamp",
  "unknown contact",
  "bad outcome",
] as const;
export type BadRowKind = (typeof BAD_ROW_KINDS)[number];

export interface BadRow {
  kind: BadRowKind;
  file: string;
  line: number;
  message: string;
}

export const BAD_ROW_COLUMNS = ["file", "line", "kind", "message"] as const;

export class BadRowLog {
  readonly counts = new Map<BadRowKind, number>();
  readonly shown: BadRow[] = [];
  total = 0;

  constructor(
    private readonly errors: RecordWriter | undefined,
    private readonly showLimit = 20,
  ) {}

  async add(kind: BadRowKind, file: string, line: number, message: string): Promise<void> {
    this.total++;
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const row: BadRow = { kind, file, line, message };
    if (this.shown.length < this.showLimit) this.shown.push(row);
    if (this.errors) await this.errors.write({ ...row });
  }

  /** "contacts.csv:12: duplicate contact id: ..." lines, then how many more there are. */
  describe(errorsPath: string | undefined): string[] {
    const lines = this.shown.map((row) => `${basename(row.file)}:${row.line}: ${row.kind}: ${row.message}`);
    const more = this.total - this.shown.length;
    if (more > 0)
      lines.push(
        errorsPath
          ? `... and ${more} more bad rows, all listed in ${errorsPath}`
          : `... and ${more} more bad rows; --errors FILE lists them all`,
      );
    return lines;
  }
}
