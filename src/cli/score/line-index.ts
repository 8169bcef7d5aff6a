/**
 * Line numbers of the accepted events, by ordinal, without an array per event: the line is the
 * ordinal plus an offset that changes only where rows were skipped (bad rows, blank lines,
 * quoted fields over several lines), so only those changes are stored.
 */
export class LineIndex {
  private readonly ordinals: number[] = [];
  private readonly offsets: number[] = [];

  /** Records that the event of this ordinal (0-based, in file order) is on this line. */
  add(ordinal: number, line: number): void {
    const offset = line - ordinal;
    if (this.offsets.length === 0 || this.offsets[this.offsets.length - 1] !== offset) {
      this.ordinals.push(ordinal);
      this.offsets.push(offset);
    }
  }

  lineOf(ordinal: number): number {
    let low = 0;
    let high = this.ordinals.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.ordinals[middle] <= ordinal) low = middle;
      else high = middle - 1;
    }
    return ordinal + (this.offsets[low] ?? 0);
  }
}
