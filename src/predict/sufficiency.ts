/**
 * Is there enough data to train a predictive model? Vendors ask for at least 500 customers and
 * 1,000 non-customers, and for the outcome of every training contact to be known (DOMAIN.md
 * 18). The answer lists each shortfall with the numbers and what to do, so the CLI can print
 * it and fall back to rules-only mode.
 */

export const DEFAULT_MIN_POSITIVES = 500;
export const DEFAULT_MIN_NEGATIVES = 1000;

const DAY_MS = 86_400_000;

export interface SufficiencyOptions {
  minPositives?: number;
  minNegatives?: number;
  /**
   * For the contacts path: the label window of the latest snapshot must be over by the end of
   * the data (snapshot + horizon <= the last date the data covers), else late conversions are
   * still unknown and count as failures.
   */
  history?: { snapshotsMs: readonly number[]; horizonDays: number; dataEndMs: number };
}

export type Shortfall =
  | { kind: "positives"; have: number; need: number; message: string }
  | { kind: "negatives"; have: number; need: number; message: string }
  | { kind: "history"; snapshotMs: number; horizonEndMs: number; dataEndMs: number; message: string };

export interface Sufficiency {
  ok: boolean;
  positives: number;
  negatives: number;
  shortfalls: Shortfall[];
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function countShortfall(kind: "positives" | "negatives", have: number, need: number): Shortfall | undefined {
  if (have >= need) return undefined;
  const what = kind === "positives" ? "converted" : "not converted";
  const message = `${have} ${what} contacts, ${need} needed; add history or lower --min-${kind}`;
  return { kind, have, need, message };
}

function historyShortfall(history: NonNullable<SufficiencyOptions["history"]>): Shortfall | undefined {
  if (history.snapshotsMs.length === 0) return undefined;
  const snapshotMs = Math.max(...history.snapshotsMs);
  const horizonEndMs = snapshotMs + history.horizonDays * DAY_MS;
  if (horizonEndMs <= history.dataEndMs) return undefined;
  const latest = day(history.dataEndMs - history.horizonDays * DAY_MS);
  const message =
    `the ${history.horizonDays}-day label window of the snapshot ${day(snapshotMs)} ends ${day(horizonEndMs)}, ` +
    `after the data ends (${day(history.dataEndMs)}); use a snapshot on or before ${latest}`;
  return { kind: "history", snapshotMs, horizonEndMs, dataEndMs: history.dataEndMs, message };
}

/** Counts the classes of `label` and checks them (and the history) against the minimums. */
export function checkSufficiency(label: Uint8Array, options: SufficiencyOptions = {}): Sufficiency {
  let positives = 0;
  for (let i = 0; i < label.length; i++) positives += label[i];
  const negatives = label.length - positives;
  const shortfalls = [
    countShortfall("positives", positives, options.minPositives ?? DEFAULT_MIN_POSITIVES),
    countShortfall("negatives", negatives, options.minNegatives ?? DEFAULT_MIN_NEGATIVES),
    options.history ? historyShortfall(options.history) : undefined,
  ].filter((shortfall): shortfall is Shortfall => shortfall !== undefined);
  return { ok: shortfalls.length === 0, positives, negatives, shortfalls };
}
