/**
 * Holdout splits for evaluation: stratified (each class split in the same proportion, seeded),
 * time-based (train on earlier rows, test on later ones) and stratified k-fold. Row indices come
 * back in ascending order, so `takeRows` keeps the table's order; the same seed gives the same
 * split on every machine.
 */
import { Random } from "../random/random.js";
import { DataError } from "./raw-table.js";

export interface Split {
  /** Row indices, ascending. */
  train: Int32Array;
  test: Int32Array;
}

/** Keys the shuffles apart from any other use of the same seed. */
const SPLIT_STREAM = 0x5911;

/** Shuffles in place (Fisher-Yates). */
function shuffle(values: Int32Array, rng: Random): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const swap = values[i];
    values[i] = values[j];
    values[j] = swap;
  }
}

/** The rows of each class (0 then 1), each list shuffled by its own stream of the seed. */
function shuffledClasses(label: Uint8Array, seed: number): Int32Array[] {
  return [0, 1].map((value) => {
    const rows: number[] = [];
    for (let i = 0; i < label.length; i++) if (label[i] === value) rows.push(i);
    const list = Int32Array.from(rows);
    shuffle(list, new Random(seed, SPLIT_STREAM, value));
    return list;
  });
}

/** Row indices where `mask` is (or is not) set, ascending. */
function rowsWhere(mask: Uint8Array, wanted: number): Int32Array {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === wanted) count++;
  const rows = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === wanted) rows[k++] = i;
  return rows;
}

/**
 * A stratified holdout: round(testShare x n) rows of each class go to the test set, so both
 * sets keep the conversion rate of the whole table.
 */
export function stratifiedHoldout(label: Uint8Array, options: { seed: number; testShare?: number }): Split {
  const testShare = options.testShare ?? 0.25;
  if (!(testShare > 0 && testShare < 1))
    throw new RangeError(`testShare must be in (0, 1), got ${testShare}`);
  const inTest = new Uint8Array(label.length);
  for (const rows of shuffledClasses(label, options.seed)) {
    const count = Math.round(rows.length * testShare);
    for (let k = 0; k < count; k++) inTest[rows[k]] = 1;
  }
  return { train: rowsWhere(inTest, 0), test: rowsWhere(inTest, 1) };
}

/** The fold (0 to folds - 1) of each row: each class dealt round-robin after a seeded shuffle. */
export function stratifiedFolds(label: Uint8Array, options: { seed: number; folds?: number }): Int32Array {
  const folds = options.folds ?? 5;
  if (!(Number.isInteger(folds) && folds >= 2))
    throw new RangeError(`folds must be an integer >= 2, got ${folds}`);
  const fold = new Int32Array(label.length);
  for (const rows of shuffledClasses(label, options.seed))
    for (let k = 0; k < rows.length; k++) fold[rows[k]] = k % folds;
  return fold;
}

/** Fold `k` as the test set, the other folds as the training set. */
export function foldSplit(folds: Int32Array, k: number): Split {
  const inTest = new Uint8Array(folds.length);
  for (let i = 0; i < folds.length; i++) inTest[i] = folds[i] === k ? 1 : 0;
  return { train: rowsWhere(inTest, 0), test: rowsWhere(inTest, 1) };
}

export interface TimeSplit extends Split {
  /** Test rows are at or after this time (UTC ms). */
  cutoffMs: number;
  /** Rows in neither set: no time, or inside the gap before the cutoff. */
  left: number;
}

export interface TimeSplitOptions {
  /** Test rows: time >= cutoffMs. Default: the time that leaves `testShare` of the rows after it. */
  cutoffMs?: number;
  /** Default 0.25. */
  testShare?: number;
  /**
   * Training rows must be at least this long before the cutoff. For snapshots with a label
   * horizon, pass the horizon: a training label then never looks into the test period.
   */
  gapMs?: number;
}

/** The time at or after which `testShare` of the timed rows lie (ties stay together). */
function cutoffFor(times: Float64Array, testShare: number): number {
  const known = times.filter((time) => !Number.isNaN(time)).sort();
  if (known.length === 0) throw new DataError("time-based split: no row has a time");
  const index = Math.min(known.length - 1, Math.floor(known.length * (1 - testShare)));
  return known[index];
}

/** Train on earlier rows, test on later ones; rows without a time are left out. */
export function timeHoldout(times: Float64Array, options: TimeSplitOptions = {}): TimeSplit {
  const testShare = options.testShare ?? 0.25;
  const gapMs = options.gapMs ?? 0;
  const cutoffMs = options.cutoffMs ?? cutoffFor(times, testShare);
  const side = new Uint8Array(times.length).fill(2);
  for (let i = 0; i < times.length; i++) {
    const time = times[i];
    if (time >= cutoffMs) side[i] = 1;
    else if (time < cutoffMs && time <= cutoffMs - gapMs) side[i] = 0;
  }
  const split = { train: rowsWhere(side, 0), test: rowsWhere(side, 1), cutoffMs, left: 0 };
  split.left = times.length - split.train.length - split.test.length;
  const at = new Date(cutoffMs).toISOString();
  if (split.train.length === 0) throw new DataError(`time-based split: no row before ${at} to train on`);
  if (split.test.length === 0) throw new DataError(`time-based split: no row at or after ${at} to test on`);
  return split;
}
