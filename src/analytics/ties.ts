/**
 * Contacts tied at the scale's maximum, and their points before the clamp, which rank them.
 * Pure: no I/O.
 */

export interface Ties {
  /** The scale's maximum; null when the total is not clamped from above. */
  maximum: number | null;
  /** Contacts (not disqualified) whose total is exactly the maximum. */
  atMaximum: number;
  /** Of them, those whose points before the clamp were above it. */
  clamped: number;
  /** The lowest and highest points before the clamp among them; null when none. */
  unclampedLow: number | null;
  unclampedHigh: number | null;
}

export class TieCounter {
  private atMaximum = 0;
  private clamped = 0;
  private low = Number.POSITIVE_INFINITY;
  private high = Number.NEGATIVE_INFINITY;

  constructor(private readonly maximum: number | null) {}

  add(total: number, unclamped: number): void {
    if (this.maximum === null || total !== this.maximum) return;
    this.atMaximum++;
    if (unclamped > this.maximum) this.clamped++;
    if (unclamped < this.low) this.low = unclamped;
    if (unclamped > this.high) this.high = unclamped;
  }

  result(): Ties {
    const some = this.atMaximum > 0;
    return {
      maximum: this.maximum,
      atMaximum: this.atMaximum,
      clamped: this.clamped,
      unclampedLow: some ? round2(this.low) : null,
      unclampedHigh: some ? round2(this.high) : null,
    };
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100 + 0;
