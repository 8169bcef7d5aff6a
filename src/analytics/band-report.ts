/**
 * The band report: contacts, conversions, rates with intervals, lift and median days per cell of
 * each grouping (bands of the total, bands of each dimension, temperatures, grade-matrix cells,
 * MQL or not), fed contact by contact, and whether conversion rises from one ordered cell to the
 * next, in words. Pure: no I/O.
 */
import { CellCounter, type CellReport, cellReport } from "./cells.js";
import { overlap } from "./intervals.js";

export interface GroupingSpec {
  /** "total", "dimension:fit", "temperature", "matrix", "mql". */
  id: string;
  /** For people: "total score", "fit score", "temperature"... */
  label: string;
  /** What the cells are called in sentences: "band", "temperature", "cell". */
  noun: string;
  /** In increasing order when `ordered`. */
  keys: readonly string[];
  ordered: boolean;
}

export type StatementKind = "rises" | "alike" | "falls";

export interface Statement {
  kind: StatementKind;
  /** The lower and the higher cell of the pair compared. */
  lower: string;
  higher: string;
  text: string;
}

export interface GroupingReport {
  id: string;
  label: string;
  ordered: boolean;
  contacts: number;
  cells: CellReport[];
  /** Ordered groupings: each pair of neighbouring non-empty cells, then a summary first. */
  monotonicity: { summary: string; pairs: Statement[] } | null;
}

export class GroupingCounter {
  readonly cells: CellCounter[];
  private readonly index: Map<string, number>;

  constructor(
    readonly spec: GroupingSpec,
    dayBins: number,
  ) {
    this.cells = spec.keys.map(() => new CellCounter(dayBins));
    this.index = new Map(spec.keys.map((key, i) => [key, i]));
  }

  /** A key outside the spec is a programmer error. */
  add(key: string, converted: boolean, days: number): void {
    const i = this.index.get(key);
    if (i === undefined) throw new Error(`grouping ${this.spec.id} has no cell "${key}"`);
    this.cells[i].add(converted, days);
  }

  report(baseRate: number): GroupingReport {
    const contacts = this.cells.reduce((sum, cell) => sum + cell.contacts, 0);
    const cells = this.cells.map((cell, i) => cellReport(this.spec.keys[i], cell, contacts, baseRate));
    return {
      id: this.spec.id,
      label: this.spec.label,
      ordered: this.spec.ordered,
      contacts,
      cells,
      monotonicity: this.spec.ordered ? monotonicity(cells, this.spec.noun) : null,
    };
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Compares each non-empty cell with the next non-empty one. */
export function monotonicity(cells: readonly CellReport[], noun: string): GroupingReport["monotonicity"] {
  const filled = cells.filter((cell) => cell.contacts > 0);
  const pairs: Statement[] = [];
  for (let i = 1; i < filled.length; i++) pairs.push(compare(filled[i - 1], filled[i], noun));
  return { summary: summarise(pairs, filled.length, noun), pairs };
}

function compare(lower: CellReport, higher: CellReport, noun: string): Statement {
  const rates = `${pct(lower.rate)} and ${pct(higher.rate)}`;
  const base = { lower: lower.key, higher: higher.key };
  if (overlap(lower.interval, higher.interval)) {
    const inverted = lower.rate > higher.rate ? `, the lower ${noun} even a little more` : "";
    return {
      ...base,
      kind: "alike",
      text: `${noun}s ${lower.key} and ${higher.key} convert alike (${rates}${inverted}; their 95% intervals overlap)`,
    };
  }
  if (lower.rate > higher.rate)
    return {
      ...base,
      kind: "falls",
      text: `${noun} ${lower.key} converts more than ${higher.key} (${pct(lower.rate)} against ${pct(higher.rate)}): a lower ${noun} converting more`,
    };
  return { ...base, kind: "rises", text: `${noun} ${higher.key} converts more than ${lower.key} (${rates})` };
}

function summarise(pairs: readonly Statement[], filled: number, noun: string): string {
  if (filled < 2) return `only ${filled} ${noun} has contacts: nothing to compare`;
  const falls = pairs.filter((p) => p.kind === "falls");
  const alike = pairs.filter((p) => p.kind === "alike");
  if (falls.length > 0)
    return `not monotonic: ${falls.map((p) => `${p.lower} converts more than ${p.higher}`).join("; ")}`;
  if (alike.length === 0) return `conversion rises from each ${noun} to the next`;
  if (alike.length === pairs.length) return `no ${noun} converts measurably more than the one below it`;
  return `conversion rises, but ${alike.map((p) => `${p.lower} and ${p.higher}`).join(", ")} convert alike`;
}
