/**
 * One cell of a report (a band, a temperature, a grade-matrix cell): contacts, conversions
 * and the days to conversion, counted in constant memory. The median days come from a
 * histogram of whole days (bounded by the horizon), not from a list of every conversion.
 * Pure: no I/O.
 */
import { type Interval, wilsonInterval } from "./intervals.js";

/** Days beyond this go in the last bin (no horizon: a median past ten years is "3650 or more"). */
export const MAX_DAYS = 3650;

export class DayHistogram {
  private bins: Uint32Array | undefined;
  count = 0;

  constructor(private readonly size: number) {}

  add(days: number): void {
    this.bins ??= new Uint32Array(this.size);
    this.bins[Math.min(this.size - 1, Math.max(0, Math.floor(days)))]++;
    this.count++;
  }

  /** The lower median in whole days; null when empty. */
  median(): number | null {
    if (!this.bins || this.count === 0) return null;
    const half = Math.ceil(this.count / 2);
    let seen = 0;
    for (let d = 0; d < this.bins.length; d++) {
      seen += this.bins[d];
      if (seen >= half) return d;
    }
    return this.bins.length - 1;
  }
}

/** Bins for a horizon: one per whole day up to it. */
export const binsFor = (horizonDays: number | null) =>
  horizonDays === null ? MAX_DAYS + 1 : Math.min(MAX_DAYS, Math.ceil(horizonDays)) + 1;

export class CellCounter {
  contacts = 0;
  conversions = 0;
  readonly days: DayHistogram;

  constructor(dayBins: number) {
    this.days = new DayHistogram(dayBins);
  }

  /** days: undefined when the contact did not convert; NaN when it did at an unknown date. */
  add(converted: boolean, days: number): void {
    this.contacts++;
    if (!converted) return;
    this.conversions++;
    if (!Number.isNaN(days)) this.days.add(days);
  }
}

export interface CellReport {
  /** "41-60", "hot", "A1", "MQL"... */
  key: string;
  contacts: number;
  /** Of the contacts in the grouping, 0 to 1. */
  share: number;
  /** Within the horizon. */
  conversions: number;
  /** NaN when the cell is empty. */
  rate: number;
  /** Wilson 95% interval of the rate. */
  interval: Interval;
  /** Rate over the base rate (NaN when either is undefined), and the interval's bounds over it. */
  lift: number;
  liftInterval: Interval;
  /** Lower median, whole days from the as-of date to the conversion; null: none with a date. */
  medianDaysToConversion: number | null;
  /** Share of the cell's MQLs that sales accepted: comes with sales feedback (not recorded yet). */
  salesAcceptance: null;
}

export function cellReport(
  key: string,
  cell: CellCounter,
  groupContacts: number,
  baseRate: number,
): CellReport {
  const rate = cell.contacts === 0 ? Number.NaN : cell.conversions / cell.contacts;
  const interval = wilsonInterval(cell.conversions, cell.contacts);
  const over = (x: number) => (baseRate > 0 ? x / baseRate : Number.NaN);
  return {
    key,
    contacts: cell.contacts,
    share: groupContacts === 0 ? 0 : cell.contacts / groupContacts,
    conversions: cell.conversions,
    rate,
    interval,
    lift: over(rate),
    liftInterval: { low: over(interval.low), high: over(interval.high) },
    medianDaysToConversion: cell.days.median(),
    salesAcceptance: null,
  };
}
