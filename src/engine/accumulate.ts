/**
 * The hot loop: one pass over a contact's events, updating each matching matcher's slot.
 * Nothing is allocated per event; the ledger's hit lists are filled only when asked.
 */
import type { EventBatch } from "./batch.js";
import { type AccumulateFn, generateAccumulate } from "./codegen.js";
import { MICRO } from "./decay.js";
import {
  MatcherMode,
  type MatcherTable,
  SLOT_COUNT,
  SLOT_LAST_INDEX,
  SLOT_LAST_TIME,
  SLOT_MICRO_SUM,
  SLOT_VALUE_COUNT,
  SLOT_VALUE_MAX,
  SLOT_VALUE_MIN,
  SLOT_VALUE_SUM,
  STRIDE,
} from "./matchers.js";

/** Growable list of event indices. */
export class IndexList {
  items = new Int32Array(16);
  length = 0;
  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = value;
  }
  toArray(): number[] {
    return Array.from(this.items.subarray(0, this.length));
  }
}

/** Per-evaluator scratch memory, reused for every contact. */
export class Scratch {
  readonly acc: Float64Array;
  readonly windowStart: Float64Array;
  /** Min-heaps of the largest |micro-points| for capped decayed matchers. */
  readonly heaps: (Float64Array | null)[];
  readonly heapSizes: Int32Array;
  readonly hits: IndexList[];

  /** The hot loop: generated for the model (codegen.ts), or the generic one below. */
  readonly accumulate: AccumulateFn;

  constructor(
    readonly table: MatcherTable,
    options: { codegen?: boolean } = {},
  ) {
    const n = table.size;
    this.acc = new Float64Array(n * STRIDE);
    this.windowStart = new Float64Array(n);
    this.heaps = table.specs.map((s) =>
      s.mode === MatcherMode.DecayedCapped ? new Float64Array(s.maxOccurrences ?? 1) : null,
    );
    this.heapSizes = new Int32Array(n);
    this.hits = table.specs.map(() => new IndexList());
    this.accumulate =
      options.codegen === false
        ? this.accumulateGeneric.bind(this)
        : generateAccumulate(table, {
            acc: this.acc,
            windowStart: this.windowStart,
            heapPush: (m, micro) => this.heapPush(m, micro),
            hits: this.hits,
            idBefore,
          });
  }

  /** Slot values before any event: copied in one go at each reset. */
  private template: Float64Array | null = null;

  reset(asOfMs: number, collect: boolean): void {
    const { acc, table } = this;
    if (this.template === null) {
      const template = new Float64Array(acc.length);
      for (let m = 0; m < table.size; m++) {
        const s = m * STRIDE;
        template[s + SLOT_LAST_TIME] = Number.NEGATIVE_INFINITY;
        template[s + SLOT_VALUE_MIN] = Number.POSITIVE_INFINITY;
        template[s + SLOT_VALUE_MAX] = Number.NEGATIVE_INFINITY;
        template[s + SLOT_LAST_INDEX] = -1;
      }
      this.template = template;
    }
    acc.set(this.template);
    const within = table.withinMs;
    for (let m = 0; m < within.length; m++) this.windowStart[m] = asOfMs - within[m];
    this.heapSizes.fill(0);
    if (collect) for (const list of this.hits) list.length = 0;
  }

  /** Sum of the kept micro-points of a capped matcher. */
  heapSum(m: number): number {
    const heap = this.heaps[m]!;
    let sum = 0;
    for (let k = 0; k < this.heapSizes[m]; k++) sum += heap[k];
    return sum;
  }

  private heapPush(m: number, micro: number): void {
    const heap = this.heaps[m]!;
    const size = this.heapSizes[m];
    const magnitude = Math.abs(micro);
    if (size < heap.length) {
      let k = size;
      heap[k] = micro;
      while (k > 0) {
        const parent = (k - 1) >> 1;
        if (Math.abs(heap[parent]) <= Math.abs(heap[k])) break;
        [heap[parent], heap[k]] = [heap[k], heap[parent]];
        k = parent;
      }
      this.heapSizes[m] = size + 1;
      return;
    }
    if (magnitude <= Math.abs(heap[0])) return;
    heap[0] = micro;
    let k = 0;
    for (;;) {
      const left = 2 * k + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && Math.abs(heap[right]) < Math.abs(heap[left]) ? right : left;
      if (Math.abs(heap[k]) <= Math.abs(heap[child])) break;
      [heap[child], heap[k]] = [heap[k], heap[child]];
      k = child;
    }
  }

  /** One pass over events [start, end) of the batch, as of asOfMs: the model-independent loop. */
  accumulateGeneric(batch: EventBatch, start: number, end: number, asOfMs: number, collect: boolean): void {
    const { acc, windowStart, table, hits } = this;
    const { byType, filters, modes, latestOnly, pointsOf, weights, decayRates, numberColumns } = table;
    const types = batch.type;
    const times = batch.timeMs;
    for (let i = start; i < end; i++) {
      const t = times[i];
      if (t > asOfMs) continue;
      const list = byType[types[i]];
      for (let k = 0; k < list.length; k++) {
        const m = list[k];
        if (t <= windowStart[m]) continue;
        const filter = filters[m];
        if (filter !== null && !filter(i)) continue;
        const mode = modes[m];
        let micro = 0;
        if (mode === MatcherMode.Decayed || mode === MatcherMode.DecayedCapped) {
          const rate = decayRates[m];
          const weight = rate > 0 ? Math.exp(-rate * (asOfMs - t)) : weights[m]!(asOfMs - t);
          micro = Math.round(pointsOf[m] * MICRO * weight);
          if (micro === 0) continue; // expired: decayed below a micro-point, never counts again
        }
        const s = m * STRIDE;
        acc[s + SLOT_COUNT] += 1;
        if (t > acc[s + SLOT_LAST_TIME]) {
          acc[s + SLOT_LAST_TIME] = t;
          acc[s + SLOT_LAST_INDEX] = i;
        } else if (collect && t === acc[s + SLOT_LAST_TIME] && idBefore(batch, i, acc[s + SLOT_LAST_INDEX])) {
          acc[s + SLOT_LAST_INDEX] = i;
        }
        if (mode === MatcherMode.Decayed) acc[s + SLOT_MICRO_SUM] += micro;
        else if (mode === MatcherMode.DecayedCapped) this.heapPush(m, micro);
        else if (mode === MatcherMode.Aggregate) {
          const column = numberColumns[m];
          const value = column < 0 ? Number.NaN : batch.numbers[column][i];
          if (!Number.isNaN(value)) {
            acc[s + SLOT_VALUE_SUM] += Math.round(value * MICRO);
            if (value < acc[s + SLOT_VALUE_MIN]) acc[s + SLOT_VALUE_MIN] = value;
            if (value > acc[s + SLOT_VALUE_MAX]) acc[s + SLOT_VALUE_MAX] = value;
            acc[s + SLOT_VALUE_COUNT] += 1;
          }
        }
        if (collect && latestOnly[m] === 0) hits[m].push(i);
      }
    }
  }
}

/** Ties between events at the same time are broken by id, so evidence does not depend on input order. */
function idBefore(batch: EventBatch, i: number, j: number): boolean {
  const a = batch.ids?.[i];
  const b = batch.ids?.[j];
  return a !== undefined && b !== undefined && a < b;
}
