/** What every rule's finaliser shares: its context, cents, evidence and ledger lines. */
import type { Condition } from "../model/schema.js";
import { IndexList, type Scratch } from "./accumulate.js";
import type { EventBatch } from "./batch.js";
import { describeCondition, resolveFieldPath } from "./conditions.js";
import { SLOT_LAST_INDEX, STRIDE } from "./matchers.js";
import type { LedgerLine, Properties } from "./types.js";

export const DAY_MS = 86_400_000;

/** What a finaliser reads. */
export interface FinalizeContext {
  contact: Properties;
  company: Properties | undefined;
  asOfMs: number;
  scratch: Scratch;
  batch: EventBatch;
  start: number;
  /** Ledger lines go here when the ledger was asked for. */
  ledger: LedgerLine[] | null;
  dimension: string;
}

/** Returns the rule's points in integer cents (0 when it does not apply). */
export type Finalizer = (f: FinalizeContext) => number;

export interface CompiledRule {
  id: string;
  finalize: Finalizer;
  /** Aggregate and recency rules: the number their bands are read on (null: none), from the same slots. */
  value?: (f: FinalizeContext) => number | null;
}

// + 0 turns a negative zero (Math.round(-0.4)) into 0: no score or ledger line reads -0.
export const cents = (points: number) => Math.round(points * 100) + 0;
export const fromCents = (value: number) => value / 100 + 0;

/**
 * Event ids of these batch indices, most recent first (ties by id), so evidence does not
 * depend on input order; at most `limit` of them. Events usually arrive in time order, in
 * which case no sort is needed.
 */
export function evidenceIds(
  f: FinalizeContext,
  indices: IndexList | readonly number[],
  limit = Infinity,
): string[] {
  const { batch, start } = f;
  const times = batch.timeMs;
  const n = indices instanceof IndexList ? indices.length : indices.length;
  const at = indices instanceof IndexList ? (k: number) => indices.items[k] : (k: number) => indices[k];
  const idOf = (i: number) => batch.ids?.[i] ?? `#${i - start}`;
  let ascending = true;
  for (let k = 1; k < n && ascending; k++) ascending = times[at(k - 1)] < times[at(k)];
  const ids: string[] = [];
  if (ascending) {
    for (let k = n - 1; k >= 0 && ids.length < limit; k--) ids.push(idOf(at(k)));
    return ids;
  }
  const sorted = Array.from({ length: n }, (_, k) => at(k)).sort((a, b) => {
    const dt = times[b] - times[a];
    if (dt !== 0) return dt;
    const ia = batch.ids?.[a] ?? "";
    const ib = batch.ids?.[b] ?? "";
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  for (let k = 0; k < sorted.length && ids.length < limit; k++) ids.push(idOf(sorted[k]));
  return ids;
}

export function latestEvidence(f: FinalizeContext, m: number): string[] {
  const index = f.scratch.acc[m * STRIDE + SLOT_LAST_INDEX];
  return index < 0 ? [] : evidenceIds(f, [index]);
}

export function fieldValues(f: FinalizeContext, paths: readonly string[], bareScope: "contact" | "company") {
  const values: Record<string, unknown> = {};
  for (const path of paths) {
    const { scope, name } = resolveFieldPath(path, bareScope);
    values[path] = (scope === "company" ? f.company?.[name] : f.contact[name]) ?? null;
  }
  return values;
}

export function line(f: FinalizeContext, entry: LedgerLine): void {
  f.ledger?.push(entry);
}

export function eventLabel(event: string | string[], where: Condition | undefined): string {
  const types = event === "*" ? "any event" : Array.isArray(event) ? event.join("/") : event;
  return where ? `${types} where ${describeCondition(where)}` : types;
}
