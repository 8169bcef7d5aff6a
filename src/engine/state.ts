/**
 * Incremental scoring for the service: a contact's state is the short list of its events
 * that can still change its score. Applying one event to the state and evaluating gives
 * the same result as evaluating every event from scratch (a tested property), because
 * evaluation of the state runs the very same engine on the very same retained events.
 *
 * The state is held and stored by column (types, times, ids, one column per property the model
 * reads) rather than as one object per event: the service reads, parses, extends, serialises
 * and writes it back for every contact it scores, and a contact keeps every event of its
 * scoring windows, so this is the service's hottest data. By column its JSON is less than half the
 * size, and parses and serialises several times faster, than as objects (bench/README.md).
 */
import type { Evaluator } from "./api.js";
import type { EvaluateOptions, Properties, ScoreResult, ScoringEvent } from "./types.js";

/** Events sorted by time, then id, as parallel columns. */
export interface ContactState {
  /** The latest event time seen: the state is only valid for evaluations from this date on. */
  watermarkMs: number;
  /** The distinct event types; `types` holds indexes into it. */
  typeNames: string[];
  types: number[];
  timesMs: number[];
  /** The sender's event ids (null when an event had none). */
  ids: Array<string | null>;
  /** Only the properties the model reads: one column per name, null where an event has none. */
  properties: Record<string, unknown[]>;
}

export function emptyState(): ContactState {
  return {
    watermarkMs: Number.NEGATIVE_INFINITY,
    typeNames: [],
    types: [],
    timesMs: [],
    ids: [],
    properties: {},
  };
}

/** The number of events a state keeps. */
export function stateSize(state: ContactState): number {
  return state.timesMs.length;
}

interface Slim {
  type: string;
  timeMs: number;
  id: string | null;
  properties: Record<string, unknown>;
}

/** The state's order: by time, then by id (none first). */
function compareKeys(timeA: number, idA: string | null, timeB: number, idB: string | null): number {
  if (timeA !== timeB) return timeA - timeB;
  const ia = idA ?? "";
  const ib = idB ?? "";
  return ia < ib ? -1 : ia > ib ? 1 : 0;
}

function compareSlim(a: Slim, b: Slim): number {
  return compareKeys(a.timeMs, a.id, b.timeMs, b.id);
}

/** An event reduced to what the model reads. */
function slim(evaluator: Evaluator, event: ScoringEvent): Slim {
  const properties: Record<string, unknown> = {};
  for (const name of [...evaluator.eventStringFields, ...evaluator.eventNumberFields]) {
    const value = event.properties?.[name];
    if (value !== undefined && value !== null && value !== "") properties[name] = value;
  }
  return { type: event.type, timeMs: event.timeMs, id: event.id ?? null, properties };
}

/** Compares the state's event i with a new event, in the state's order. */
function compareAt(state: ContactState, i: number, event: Slim): number {
  return compareKeys(state.timesMs[i], state.ids[i], event.timeMs, event.id);
}

/** Builds a state one event at a time, in order. */
class StateBuilder {
  private readonly typeCodes = new Map<string, number>();
  private readonly columns: unknown[][] = [];
  readonly state: ContactState;

  constructor(watermarkMs: number) {
    this.state = { ...emptyState(), watermarkMs };
  }

  /** A builder that goes on after the events of `from` (copies of its columns). */
  static continuing(from: ContactState, watermarkMs: number): StateBuilder {
    const builder = new StateBuilder(watermarkMs);
    const { state } = builder;
    from.typeNames.forEach((type, code) => {
      state.typeNames.push(type);
      builder.typeCodes.set(type, code);
    });
    state.types = from.types.slice();
    state.timesMs = from.timesMs.slice();
    state.ids = from.ids.slice();
    for (const [name, column] of Object.entries(from.properties)) {
      state.properties[name] = column.slice();
      builder.columns.push(state.properties[name]);
    }
    return builder;
  }

  push(
    type: string,
    timeMs: number,
    id: string | null,
    names: readonly string[],
    property: (name: string) => unknown,
  ): void {
    const { state } = this;
    let code = this.typeCodes.get(type);
    if (code === undefined) {
      code = state.typeNames.length;
      state.typeNames.push(type);
      this.typeCodes.set(type, code);
    }
    const n = state.timesMs.length;
    state.types.push(code);
    state.timesMs.push(timeMs);
    state.ids.push(id);
    for (const name of names) {
      const value = property(name);
      if (value === undefined || value === null) continue;
      let column = state.properties[name];
      if (!column) {
        column = new Array<unknown>(n).fill(null);
        state.properties[name] = column;
        this.columns.push(column);
      }
      column.push(value);
    }
    // Columns the event has no value for: null, so that every column is as long as the others.
    for (const column of this.columns) if (column.length === n) column.push(null);
  }

  /** Event i of another state (`names`: its property names). */
  copy(from: ContactState, i: number, names: readonly string[]): void {
    this.push(
      from.typeNames[from.types[i]],
      from.timesMs[i],
      from.ids[i],
      names,
      (name) => from.properties[name][i],
    );
  }

  add(event: Slim): void {
    this.push(
      event.type,
      event.timeMs,
      event.id,
      Object.keys(event.properties),
      (name) => event.properties[name],
    );
  }
}

/** The state's events with `added` merged in, in order (equal keys: the state's first). */
function merged(
  evaluator: Evaluator,
  state: ContactState,
  added: readonly ScoringEvent[],
  watermarkMs: number,
) {
  const slims = added.map((event) => slim(evaluator, event)).sort(compareSlim);
  const n = stateSize(state);
  // Nearly always: every new event comes after those the state keeps.
  if (n === 0 || compareAt(state, n - 1, slims[0]) <= 0) {
    // Its columns copied whole, the new events added at their end.
    const builder = StateBuilder.continuing(state, watermarkMs);
    for (const event of slims) builder.add(event);
    return builder.state;
  }
  const builder = new StateBuilder(watermarkMs);
  const names = Object.keys(state.properties);
  let i = 0;
  let j = 0;
  while (i < n || j < slims.length) {
    if (j === slims.length || (i < n && compareAt(state, i, slims[j]) <= 0)) builder.copy(state, i++, names);
    else builder.add(slims[j++]);
  }
  return builder.state;
}

/** The state's events at these indexes, in order. */
function kept(state: ContactState, indexes: readonly number[]): ContactState {
  if (indexes.length === stateSize(state)) return state;
  const builder = new StateBuilder(state.watermarkMs);
  const names = Object.keys(state.properties);
  for (const i of indexes) builder.copy(state, i, names);
  return builder.state;
}

function batchOf(evaluator: Evaluator, state: ContactState) {
  const n = stateSize(state);
  const builder = evaluator.newBatch({ capacity: n, keepIds: true });
  const { properties } = state;
  for (let i = 0; i < n; i++) {
    builder.addWith(
      state.typeNames[state.types[i]],
      state.timesMs[i],
      (name) => properties[name]?.[i] ?? undefined,
      state.ids[i] ?? undefined,
    );
  }
  return builder.build();
}

function watermarkWith(state: ContactState, added: readonly ScoringEvent[]): number {
  let watermarkMs = state.watermarkMs;
  for (const event of added) if (event.timeMs > watermarkMs) watermarkMs = event.timeMs;
  return watermarkMs;
}

/** The state after one more event; events that can no longer count are dropped. */
export function applyEvent(evaluator: Evaluator, state: ContactState, event: ScoringEvent): ContactState {
  return applyEvents(evaluator, state, [event]);
}

/** The state after several more events, in any order (one sort and one pruning for all). */
export function applyEvents(
  evaluator: Evaluator,
  state: ContactState,
  added: readonly ScoringEvent[],
): ContactState {
  if (added.length === 0) return state;
  const watermarkMs = watermarkWith(state, added);
  const all = merged(evaluator, state, added, watermarkMs);
  const batch = batchOf(evaluator, all);
  return kept(all, evaluator.retainedEvents(batch, 0, batch.size, watermarkMs));
}

/**
 * applyEvents then evaluateState, with one event batch instead of two: the events pruned from
 * the state cannot change a score from the watermark on, so scoring before pruning gives the
 * same result. Scores as of max(nowMs, the new watermark). The service's hot path.
 */
export function advanceState(
  evaluator: Evaluator,
  state: ContactState,
  added: readonly ScoringEvent[],
  contact: Properties,
  company: Properties | undefined,
  nowMs: number,
  options: EvaluateOptions = {},
): { state: ContactState; result: ScoreResult; asOfMs: number } {
  const watermarkMs = watermarkWith(state, added);
  const all = added.length === 0 ? state : merged(evaluator, state, added, watermarkMs);
  const asOfMs = Math.max(nowMs, watermarkMs);
  const batch = batchOf(evaluator, all);
  const result = evaluator.evaluateRange(contact, company, batch, 0, batch.size, asOfMs, options);
  if (added.length === 0) return { state, result, asOfMs };
  return { state: kept(all, evaluator.retainedEvents(batch, 0, batch.size, watermarkMs)), result, asOfMs };
}

/** Scores a contact from its state; asOf must not be before the state's watermark. */
export function evaluateState(
  evaluator: Evaluator,
  state: ContactState,
  contact: Properties,
  company: Properties | undefined,
  asOfMs: number,
  options: EvaluateOptions = {},
): ScoreResult {
  if (asOfMs < state.watermarkMs) {
    throw new RangeError(
      `cannot score as of ${new Date(asOfMs).toISOString()}: the state has events up to ${new Date(state.watermarkMs).toISOString()}`,
    );
  }
  const batch = batchOf(evaluator, state);
  return evaluator.evaluateRange(contact, company, batch, 0, batch.size, asOfMs, options);
}

/**
 * The stored form of a state (JSON, version 2): times as differences from the one before when
 * they are whole milliseconds (shorter), the watermark null while no event was seen. Ids that
 * are all decimal integers (the service names events by their row number) are stored the same
 * way, as numbers (`sq`): a uuid takes 39 characters in JSON, a difference of row numbers a few,
 * and the state is most of what scoring reads and writes per contact.
 */
export function serializeState(state: ContactState): string {
  const times = state.timesMs;
  let whole = true;
  const deltas = new Array<number>(times.length);
  for (let i = 0; i < times.length; i++) {
    if (!Number.isSafeInteger(times[i])) whole = false;
    deltas[i] = i === 0 ? times[0] : times[i] - times[i - 1];
  }
  const ms = whole ? deltas : times;
  const numbered = numberedIds(state.ids);
  return JSON.stringify({
    v: 2,
    w: Number.isFinite(state.watermarkMs) ? state.watermarkMs : null,
    k: state.typeNames,
    t: state.types,
    ms,
    ...(whole ? {} : { abs: 1 }),
    ...(numbered ? { sq: numbered } : { id: state.ids }),
    ...propertyColumns(state.properties),
  });
}

/**
 * The property columns: as they are (`p`), or, when a column holds few distinct values (pages
 * visited again, a form id on a few events, nulls where an event has no value), as its distinct
 * values and one small number per event (`pd`: 0 for none, k for the k-th value). A url repeated
 * 40 times is then written once; a state is read, extended and written back at every pass.
 */
function propertyColumns(properties: Record<string, unknown[]>): {
  p: Record<string, unknown[]>;
  pd?: Record<string, [unknown[], number[]]>;
} {
  const plain: Record<string, unknown[]> = {};
  let coded: Record<string, [unknown[], number[]]> | undefined;
  for (const [name, column] of Object.entries(properties)) {
    const dictionary = dictionaryOf(column);
    if (dictionary) {
      coded ??= {};
      coded[name] = dictionary;
    } else plain[name] = column;
  }
  return coded ? { p: plain, pd: coded } : { p: plain };
}

/** [distinct values, codes] when the column's values are scalars at most half of them distinct. */
function dictionaryOf(column: readonly unknown[]): [unknown[], number[]] | undefined {
  const codeOf = new Map<unknown, number>();
  const values: unknown[] = [];
  const codes = new Array<number>(column.length);
  const most = column.length / 2;
  for (let i = 0; i < column.length; i++) {
    const value = column[i];
    if (value === null) {
      codes[i] = 0;
      continue;
    }
    // Objects and arrays would be told apart by reference, not by content: left as they are.
    if (typeof value === "object") return undefined;
    let code = codeOf.get(value);
    if (code === undefined) {
      if (values.length + 1 > most) return undefined;
      values.push(value);
      code = values.length;
      codeOf.set(value, code);
    }
    codes[i] = code;
  }
  return [values, codes];
}

/**
 * The value of a decimal integer written the one way (no sign, no leading zero) in at most 15
 * digits (a double holds it exactly); -1 for anything else. A loop over the characters: a
 * regular expression and Number() took 65 ns an id, this 40.
 */
function decimalValue(id: string): number {
  const length = id.length;
  if (length === 0 || length > 15 || (length > 1 && id.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let k = 0; k < length; k++) {
    const digit = id.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The ids as differences from the one before, if every one is a decimal integer; else undefined. */
function numberedIds(ids: ReadonlyArray<string | null>): number[] | undefined {
  if (ids.length === 0) return undefined;
  const deltas = new Array<number>(ids.length);
  let previous = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const value = id === null ? -1 : decimalValue(id);
    if (value < 0) return undefined;
    deltas[i] = value - previous;
    previous = value;
  }
  return deltas;
}

function decodedColumns(coded: Record<string, [unknown[], number[]]>): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const [name, [values, codes]] of Object.entries(coded))
    out[name] = codes.map((code) => (code === 0 ? null : values[code - 1]));
  return out;
}

function idsOfNumbers(deltas: readonly number[]): string[] {
  const ids = new Array<string>(deltas.length);
  let at = 0;
  for (let i = 0; i < deltas.length; i++) {
    at += deltas[i];
    ids[i] = String(at);
  }
  return ids;
}

interface StoredStateV2 {
  v: 2;
  w: number | null;
  k: string[];
  t: number[];
  ms: number[];
  abs?: 1;
  /** The ids, or `sq` when they are all decimal integers (differences from the one before). */
  id?: Array<string | null>;
  sq?: number[];
  p: Record<string, unknown[]>;
  /** Columns of few distinct values: [values, codes], code 0 for none, k for values[k - 1]. */
  pd?: Record<string, [unknown[], number[]]>;
}

/** Version 1, one object per event (stored before 2026-11-30): still read. */
interface StoredStateV1 {
  watermarkMs: number | null;
  events: Array<{ id?: string; type: string; timeMs: number; properties?: Record<string, unknown> }>;
}

/** Reads a stored state (either version); throws on anything else. */
export function parseState(json: string): ContactState {
  const stored = JSON.parse(json) as Partial<StoredStateV2> & Partial<StoredStateV1>;
  if (stored.v === 2 && Array.isArray(stored.ms)) {
    const v2 = stored as StoredStateV2;
    const timesMs = v2.abs === 1 ? v2.ms : new Array<number>(v2.ms.length);
    if (v2.abs !== 1) {
      let at = 0;
      for (let i = 0; i < v2.ms.length; i++) {
        at = i === 0 ? v2.ms[0] : at + v2.ms[i];
        timesMs[i] = at;
      }
    }
    return {
      watermarkMs: v2.w ?? Number.NEGATIVE_INFINITY,
      typeNames: v2.k,
      types: v2.t,
      timesMs,
      ids: v2.sq ? idsOfNumbers(v2.sq) : (v2.id ?? []),
      properties: v2.pd ? { ...v2.p, ...decodedColumns(v2.pd) } : v2.p,
    };
  }
  if (Array.isArray(stored.events)) {
    const builder = new StateBuilder(stored.watermarkMs ?? Number.NEGATIVE_INFINITY);
    for (const event of stored.events)
      builder.add({
        type: event.type,
        timeMs: event.timeMs,
        id: event.id ?? null,
        properties: event.properties ?? {},
      });
    return builder.state;
  }
  throw new Error("not a stored contact state (neither version 2 nor version 1)");
}
