/**
 * Generates the hot loop for one model: a `switch` on the event type with each matcher's
 * test unrolled and its constants inlined, so V8 runs it like a hand-written loop. It does
 * exactly what Scratch.accumulateGeneric does (the engine tests run both and compare).
 *
 * Only numbers produced by the compiler (indices, slot offsets, points, rates) are written
 * into the source; strings and user patterns stay in closures passed as arguments, so a
 * model file can never inject code.
 */
import type { EventBatch } from "./batch.js";
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

export type AccumulateFn = (
  batch: EventBatch,
  start: number,
  end: number,
  asOfMs: number,
  collect: boolean,
) => void;

export interface GeneratedParts {
  acc: Float64Array;
  windowStart: Float64Array;
  heapPush: (m: number, micro: number) => void;
  hits: { push(index: number): void }[];
  idBefore: (batch: EventBatch, i: number, j: number) => boolean;
}

/** A number as a JavaScript literal that reads back as the very same double. */
function literal(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`codegen: not a finite number: ${value}`);
  return Object.is(value, -0) ? "-0" : `(${String(value)})`;
}

function matcherCode(table: MatcherTable, m: number): string {
  const s = m * STRIDE;
  const mode = table.modes[m];
  const lines: string[] = [`m${m}: {`];
  if (Number.isFinite(table.withinMs[m])) lines.push(`if (t <= windowStart[${m}]) break m${m};`);
  if (table.filters[m] !== null) lines.push(`if (!filters[${m}](i)) break m${m};`);
  if (mode === MatcherMode.Decayed || mode === MatcherMode.DecayedCapped) {
    const rate = table.decayRates[m];
    const weight = rate > 0 ? `Math.exp(-${literal(rate)} * (asOfMs - t))` : `weights[${m}](asOfMs - t)`;
    lines.push(`const micro = Math.round(${literal(table.pointsOf[m])} * 1000000 * ${weight});`);
    lines.push(`if (micro === 0) break m${m};`);
  }
  lines.push(`acc[${s + SLOT_COUNT}] += 1;`);
  lines.push(
    `if (t > acc[${s + SLOT_LAST_TIME}]) { acc[${s + SLOT_LAST_TIME}] = t; acc[${s + SLOT_LAST_INDEX}] = i; }`,
    `else if (collect && t === acc[${s + SLOT_LAST_TIME}] && idBefore(batch, i, acc[${s + SLOT_LAST_INDEX}])) acc[${s + SLOT_LAST_INDEX}] = i;`,
  );
  if (mode === MatcherMode.Decayed) lines.push(`acc[${s + SLOT_MICRO_SUM}] += micro;`);
  else if (mode === MatcherMode.DecayedCapped) lines.push(`heapPush(${m}, micro);`);
  else if (mode === MatcherMode.Aggregate) {
    const column = table.numberColumns[m];
    lines.push(
      column < 0 ? "const value = NaN;" : `const value = numbers[${column}][i];`,
      "if (!Number.isNaN(value)) {",
      `acc[${s + SLOT_VALUE_SUM}] += Math.round(value * 1000000);`,
      `if (value < acc[${s + SLOT_VALUE_MIN}]) acc[${s + SLOT_VALUE_MIN}] = value;`,
      `if (value > acc[${s + SLOT_VALUE_MAX}]) acc[${s + SLOT_VALUE_MAX}] = value;`,
      `acc[${s + SLOT_VALUE_COUNT}] += 1;`,
      "}",
    );
  }
  if (table.latestOnly[m] === 0) lines.push(`if (collect) hits[${m}].push(i);`);
  lines.push("}");
  return lines.join("\n");
}

export function generateAccumulate(table: MatcherTable, parts: GeneratedParts): AccumulateFn {
  const cases = table.byType
    .map((list, type) =>
      list.length === 0
        ? ""
        : `case ${type}: {\n${Array.from(list, (m) => matcherCode(table, m)).join("\n")}\nbreak;\n}`,
    )
    .filter(Boolean)
    .join("\n");
  const source = `
return function accumulateGenerated(batch, start, end, asOfMs, collect) {
  const types = batch.type;
  const times = batch.timeMs;
  const numbers = batch.numbers;
  for (let i = start; i < end; i++) {
    const t = times[i];
    if (t > asOfMs) continue;
    switch (types[i]) {
${cases}
    }
  }
};`;
  const factory = new Function(
    "acc",
    "windowStart",
    "filters",
    "weights",
    "heapPush",
    "hits",
    "idBefore",
    source,
  ) as (...args: unknown[]) => AccumulateFn;
  return factory(
    parts.acc,
    parts.windowStart,
    table.filters,
    table.weights,
    parts.heapPush,
    parts.hits,
    parts.idBefore,
  );
}
