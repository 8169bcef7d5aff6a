/**
 * Behaviour as numbers, as of a date: for each event type, how many events in the last N days
 * and in all, and the days since the last one; the same for any event, plus the days since
 * the first event. Only events at or before the date count: nothing later can change a value.
 */

const DAY_MS = 86_400_000;

export const DEFAULT_WINDOWS_DAYS: readonly number[] = [7, 30, 90];

export interface EventLike {
  type: string;
  timeMs: number;
}

/** Column layout of the event features, fixed at training and reused at prediction. */
export class EventFeatureLayout {
  /** Feature names, in column order. */
  readonly names: string[] = [];
  private readonly typeIndex = new Map<string, number>();
  /** Columns per type: one per window, all time, days since the last. */
  private readonly stride: number;

  constructor(
    readonly eventTypes: readonly string[],
    readonly windowsDays: readonly number[],
  ) {
    this.stride = windowsDays.length + 2;
    eventTypes.forEach((type, k) => {
      this.typeIndex.set(type, k);
      this.names.push(...this.groupNames(type));
    });
    this.names.push(...this.groupNames("any event"), "days since first event");
  }

  private groupNames(what: string): string[] {
    return [
      ...this.windowsDays.map((days) => `${what} (last ${days} days)`),
      `${what} (all time)`,
      `days since ${what}`,
    ];
  }

  get width(): number {
    return this.names.length;
  }

  /**
   * Writes the features of `events` (any order) as of `asOfMs` into `out` (length `width`).
   * Types outside the layout count as "any event" only.
   */
  compute(events: readonly EventLike[], asOfMs: number, out: Float64Array): void {
    out.fill(0);
    const last = new Float64Array(this.eventTypes.length + 1).fill(Number.NEGATIVE_INFINITY);
    const anyGroup = this.eventTypes.length;
    let first = Number.POSITIVE_INFINITY;
    for (const event of events) {
      const time = event.timeMs;
      if (!(time <= asOfMs)) continue;
      if (time < first) first = time;
      const k = this.typeIndex.get(event.type);
      if (k !== undefined) this.count(out, k, asOfMs - time, last, time);
      this.count(out, anyGroup, asOfMs - time, last, time);
    }
    for (let group = 0; group <= anyGroup; group++) {
      const at = group * this.stride + this.stride - 1;
      out[at] = last[group] === Number.NEGATIVE_INFINITY ? Number.NaN : (asOfMs - last[group]) / DAY_MS;
    }
    out[out.length - 1] = first === Number.POSITIVE_INFINITY ? Number.NaN : (asOfMs - first) / DAY_MS;
  }

  private count(out: Float64Array, group: number, ageMs: number, last: Float64Array, time: number): void {
    const base = group * this.stride;
    const windows = this.windowsDays;
    for (let w = 0; w < windows.length; w++) if (ageMs < windows[w] * DAY_MS) out[base + w]++;
    out[base + windows.length]++;
    if (time > last[group]) last[group] = time;
  }
}
