/**
 * Candidate features the model does not read yet, counted in bounded memory: each value of a
 * property (up to MAX_VALUES different ones; past that, the property is read as filled or
 * empty only) and each event type done before the as-of date. Pure: no I/O.
 */
import { FeatureCounter, type FeatureInput } from "./rule-advice.js";

/** More different values than this: an identifier or free text, not categories. */
export const MAX_VALUES = 50;

export class PropertyCandidate {
  readonly filled = new FeatureCounter();
  private values: Map<string, FeatureCounter> | undefined = new Map();

  constructor(readonly property: string) {}

  add(value: unknown, converted: boolean): void {
    if (value === undefined || value === null) return;
    const text = String(value).trim();
    if (text === "") return;
    this.filled.add(converted);
    if (!this.values) return;
    let counter = this.values.get(text);
    if (!counter) {
      if (this.values.size === MAX_VALUES) {
        this.values = undefined; // too many values: from now on, filled or not only
        return;
      }
      counter = new FeatureCounter();
      this.values.set(text, counter);
    }
    counter.add(converted);
  }

  /** Why the values are not shown, if they are not. */
  get skippedReason(): string | undefined {
    return this.values ? undefined : `more than ${MAX_VALUES} different values: read as filled or empty only`;
  }

  features(contacts: number): FeatureInput[] {
    const out: FeatureInput[] = [];
    // A property every contact has tells nothing as "filled"; its values may.
    if (this.filled.fired > 0 && this.filled.fired < contacts)
      out.push({ kind: "property", id: `${this.property} filled`, counter: this.filled });
    if (this.values && this.values.size > 1)
      for (const [value, counter] of [...this.values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        out.push({ kind: "property", id: `${this.property} = ${value}`, counter });
    return out;
  }
}

export class EventCandidate {
  readonly counter = new FeatureCounter();

  constructor(readonly eventType: string) {}

  add(done: boolean, converted: boolean): void {
    if (done) this.counter.add(converted);
  }

  /** None when no contact did it: nothing to measure. */
  features(): FeatureInput[] {
    return this.counter.fired === 0 ? [] : [{ kind: "event", id: this.eventType, counter: this.counter }];
  }
}
