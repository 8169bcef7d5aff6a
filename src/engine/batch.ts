/**
 * Columnar event batches. Events of many contacts sit in typed arrays, grouped by contact
 * (each contact a contiguous range). Event types are stored as the compiled model's type
 * index, string properties as codes of an interning pool, so the evaluator compares
 * integers and memoises every string test per distinct value.
 */

/** Interns strings to dense integer codes. */
export class StringPool {
  private readonly codes = new Map<string, number>();
  readonly values: string[] = [];

  intern(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.codes.set(value, code);
    }
    return code;
  }

  get size(): number {
    return this.values.length;
  }
}

/** What a batch needs to know of the compiled model to lay events out. */
export interface BatchLayout {
  /** Type index for a type name; unknown types share one index (they still count for "*"). */
  typeIndex(type: string): number;
  /** Event properties the model tests as strings, in column order. */
  readonly eventStringFields: readonly string[];
  /** Event properties the model reads as numbers, in column order. */
  readonly eventNumberFields: readonly string[];
  readonly pool: StringPool;
}

export interface EventBatch {
  readonly size: number;
  readonly type: Int32Array;
  readonly timeMs: Float64Array;
  /** One column per layout.eventStringFields: pool code, or -1 when missing. */
  readonly strings: readonly Int32Array[];
  /** One column per layout.eventNumberFields: the number, or NaN when missing. */
  readonly numbers: readonly Float64Array[];
  /** Event ids for the ledger; undefined when not kept. */
  readonly ids: readonly (string | undefined)[] | undefined;
}

function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "") return Number(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return Number.NaN;
}

/** Appends events to growable columns; `build()` gives a view of what was added. */
export class EventBatchBuilder {
  private capacity: number;
  private length = 0;
  private type: Int32Array;
  private timeMs: Float64Array;
  private strings: Int32Array[];
  private numbers: Float64Array[];
  private ids: (string | undefined)[] | undefined;

  constructor(
    readonly layout: BatchLayout,
    options: { capacity?: number; keepIds?: boolean } = {},
  ) {
    this.capacity = Math.max(16, options.capacity ?? 1024);
    this.type = new Int32Array(this.capacity);
    this.timeMs = new Float64Array(this.capacity);
    this.strings = layout.eventStringFields.map(() => new Int32Array(this.capacity));
    this.numbers = layout.eventNumberFields.map(() => new Float64Array(this.capacity));
    this.ids = options.keepIds === false ? undefined : [];
  }

  get size(): number {
    return this.length;
  }

  /** Adds one event; `property(name)` reads its properties (a record, a CSV row...). */
  addWith(type: string, timeMs: number, property: (name: string) => unknown, id?: string): void {
    if (this.length === this.capacity) this.grow();
    const i = this.length++;
    this.type[i] = this.layout.typeIndex(type);
    this.timeMs[i] = timeMs;
    const { eventStringFields, eventNumberFields, pool } = this.layout;
    for (let c = 0; c < eventStringFields.length; c++) {
      const value = property(eventStringFields[c]);
      this.strings[c][i] =
        value === undefined || value === null || value === "" ? -1 : pool.intern(String(value));
    }
    for (let c = 0; c < eventNumberFields.length; c++) {
      this.numbers[c][i] = toNumber(property(eventNumberFields[c]));
    }
    if (this.ids) this.ids.push(id);
  }

  add(event: {
    type: string;
    timeMs: number;
    id?: string;
    properties?: Readonly<Record<string, unknown>>;
  }): void {
    const props = event.properties ?? {};
    this.addWith(event.type, event.timeMs, (name) => props[name], event.id);
  }

  /** A view of the events added so far (valid until the next add or reset). */
  build(): EventBatch {
    const n = this.length;
    return {
      size: n,
      type: this.type.subarray(0, n),
      timeMs: this.timeMs.subarray(0, n),
      strings: this.strings.map((column) => column.subarray(0, n)),
      numbers: this.numbers.map((column) => column.subarray(0, n)),
      ids: this.ids,
    };
  }

  /** Forgets the events, keeps the memory, for the next group of contacts. */
  reset(): void {
    this.length = 0;
    if (this.ids) this.ids.length = 0;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const type = new Int32Array(capacity);
    type.set(this.type);
    this.type = type;
    const timeMs = new Float64Array(capacity);
    timeMs.set(this.timeMs);
    this.timeMs = timeMs;
    this.strings = this.strings.map((old) => {
      const column = new Int32Array(capacity);
      column.set(old);
      return column;
    });
    this.numbers = this.numbers.map((old) => {
      const column = new Float64Array(capacity);
      column.set(old);
      return column;
    });
    this.capacity = capacity;
  }
}
