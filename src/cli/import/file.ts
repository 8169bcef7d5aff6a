/**
 * Importing one file: rows are read in stream order, shaped and checked, gathered into batches
 * and sent with a few batches in flight. Rows with errors are skipped and logged (or, with
 * --strict, the import stops before sending the batch that holds the first one).
 */
import { normaliseEmail } from "../../service/identity/identity.js";
import { Pool } from "./pool.js";
import type { Progress } from "./progress.js";
import type { FileTally, Problem, ProblemLog } from "./report.js";
import type { FieldProblem, Item, Kind, RowShaper } from "./rows.js";
import { Rejection, type Target } from "./targets.js";

export interface ImportRun {
  target: Target;
  batchSize: number;
  concurrency: number;
  strict: boolean;
  badRows: ProblemLog;
  warnings: ProblemLog;
  progress: Progress;
  /** Rows read over all files so far, for the progress bar. */
  rowsRead: number;
  /** Set by --strict at the first bad row: where the import stopped. */
  stoppedAt?: Problem;
}

/** "events[3].timestamp" → item 3, field "timestamp". */
const ITEM_FIELD = /^(\w+)\[(\d+)\](?:\.(.+))?$/;

/** Contacts are identified by id, else by email. */
function identityOf(kind: Kind, body: Record<string, unknown>): string | undefined {
  if (kind === "events") return undefined;
  if (body.id !== undefined) return `id:${body.id}`;
  return typeof body.email === "string" ? `email:${normaliseEmail(body.email)}` : undefined;
}

export async function importFile<K extends Kind>(
  shaper: RowShaper<K>,
  tally: FileTally,
  run: ImportRun,
): Promise<void> {
  const { kind, source } = shaper;
  const file = source.path;
  const pool = new Pool(run.concurrency);
  // Batch number where each company or contact was last seen: a batch repeating one of an
  // earlier batch waits for the batches in flight, so the later row always wins.
  const lastBatch = new Map<string, number>();
  const emailOwner = new Map<string, { identity: string; line: number }>();
  let batchNumber = 0;
  let waitBeforeSending = false;
  let pending: Item<K>[] = [];

  const bad = async (line: number, problems: readonly FieldProblem[]) => {
    tally.skipped++;
    for (const problem of problems) await run.badRows.add({ file, line, ...problem });
    if (run.strict) run.stoppedAt ??= { file, line, ...problems[0] };
  };

  const deliver = async (items: Item<K>[]): Promise<void> => {
    if (items.length === 0) return;
    try {
      const result = await run.target.send(kind, items);
      tally.stored += result.stored;
      tally.duplicates += result.duplicates;
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      await rejected(items, error);
    }
  };

  /** A refused batch wrote nothing: find the rows at fault, send the others again. */
  const rejected = async (items: Item<K>[], rejection: Rejection): Promise<void> => {
    const byItem = new Map<number, FieldProblem[]>();
    for (const issue of rejection.issues) {
      const match = ITEM_FIELD.exec(issue.field);
      if (!match || match[1] !== kind || Number(match[2]) >= items.length) {
        byItem.clear();
        break;
      }
      const list = byItem.get(Number(match[2])) ?? [];
      list.push({ field: match[3] ?? "(row)", message: issue.message });
      byItem.set(Number(match[2]), list);
    }
    if (byItem.size > 0) {
      for (const [index, problems] of byItem) await bad(items[index].line, problems);
      if (!run.stoppedAt) await deliver(items.filter((_, index) => !byItem.has(index)));
      return;
    }
    // The answer names no row (a conflict): halve the batch until the row at fault is alone.
    if (items.length > 1) {
      const middle = Math.ceil(items.length / 2);
      await deliver(items.slice(0, middle));
      await deliver(items.slice(middle));
      return;
    }
    const [item] = items;
    const body = item.body as Record<string, unknown>;
    if (
      kind === "contacts" &&
      rejection.status === 409 &&
      body.email !== undefined &&
      body.id !== undefined
    ) {
      await dropEmail(item, "already belongs to another contact in the service");
      await deliver([item]);
      return;
    }
    const field = rejection.issues[0]?.field ?? "(row)";
    await bad(item.line, [{ field, message: rejection.message }]);
  };

  const dropEmail = async (item: Item<K>, why: string) => {
    const body = item.body as Record<string, unknown>;
    const message = `${String(body.email)} ${why}: imported without it`;
    delete body.email;
    delete (item.parsed as Record<string, unknown>).email;
    tally.emailsDropped++;
    await run.warnings.add({ file, line: item.line, field: "email", message });
  };

  const flush = async () => {
    const items = pending;
    pending = [];
    batchNumber++;
    if (items.length === 0) return;
    if (waitBeforeSending) await pool.drain();
    waitBeforeSending = false;
    await pool.add(() => deliver(items));
  };

  /** An email given to two contacts of the file stays with the first (emails identify contacts). */
  const checkIdentity = async (item: Item<K>) => {
    const body = item.body as Record<string, unknown>;
    const identity = identityOf(kind, body);
    if (identity === undefined) return;
    const seen = lastBatch.get(identity);
    if (seen !== undefined && seen < batchNumber) waitBeforeSending = true;
    lastBatch.set(identity, batchNumber);
    if (kind !== "contacts" || typeof body.email !== "string") return;
    const email = normaliseEmail(body.email);
    const owner = emailOwner.get(email);
    if (owner === undefined) emailOwner.set(email, { identity, line: item.line });
    else if (owner.identity !== identity)
      await dropEmail(
        item,
        `is already the email of line ${owner.line} (${owner.identity.replace(/^(id|email):/, "")})`,
      );
  };

  const startMs = performance.now();
  run.progress.phase(kind);
  try {
    reading: for await (const rows of source.batches()) {
      for (const row of rows) {
        tally.read++;
        run.rowsRead++;
        const shaped = shaper.shape(row);
        if ("problems" in shaped) {
          await bad(row.line, shaped.problems);
        } else {
          await checkIdentity(shaped.item);
          pending.push(shaped.item);
          if (pending.length >= run.batchSize) await flush();
        }
        if (run.stoppedAt) break reading;
      }
      run.progress.update(run.rowsRead);
    }
    if (run.stoppedAt) pending = [];
    await flush();
    await pool.drain();
  } finally {
    source.close();
    tally.elapsedMs = performance.now() - startMs;
  }
}
