/**
 * The rows of the contacts path: a contact's history in, one row of features as of a date out
 * (property cells as text, behaviour and rule scores as numbers), column by column. Training
 * (features.ts) and prediction write rows the same way.
 */
import type { Evaluator, EventBatchBuilder, Properties } from "../engine/index.js";
import type { EventFeatureLayout, EventLike } from "./event-features.js";
import type { RawColumn, RawTable } from "./raw-table.js";
import type { ContactDerivation } from "./schema.js";

/** The feature holding the rule model's total (contacts path with a rule model). */
export const RULE_TOTAL_FEATURE = "rule score: total";

export interface HistoryEvent extends EventLike {
  id?: string;
  properties?: Properties;
}

export interface ContactHistory {
  id: string;
  properties: Properties;
  /** The company's properties, when the contact has one. */
  company?: Properties;
  /** Any order. */
  events: readonly HistoryEvent[];
  /** When the contact became a customer (UTC ms); undefined or NaN: not (yet). */
  convertedAtMs?: number;
  /** When the contact entered the CRM; when absent, its first event says it. */
  createdAtMs?: number;
}

/** Text of a property value, as a CSV cell would hold it. */
function cellText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function without(properties: Properties | undefined, excluded: ReadonlySet<string>, prefix: string) {
  if (properties === undefined) return undefined;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) if (!excluded.has(prefix + key)) kept[key] = value;
  return kept;
}

/** Rows of features as of a date, written column by column. */
export class RowWriter {
  readonly text: Map<string, string[]>;
  readonly numbers: number[][];
  readonly numberNames: string[];
  private readonly buffer: Float64Array;
  private readonly excluded: ReadonlySet<string>;
  private readonly batch: EventBatchBuilder | undefined;
  rows = 0;

  constructor(
    derivation: ContactDerivation,
    private readonly layout: EventFeatureLayout,
    private readonly evaluator: Evaluator | undefined,
  ) {
    this.excluded = new Set(derivation.excludedProperties);
    this.batch = evaluator?.newBatch({ keepIds: false });
    this.text = new Map(derivation.propertyColumns.map((name) => [name, []]));
    const scoreNames = derivation.ruleModel ? ruleScoreNames(derivation.ruleModel.dimensions) : [];
    this.numberNames = [...layout.names, ...scoreNames];
    this.numbers = this.numberNames.map(() => []);
    this.buffer = new Float64Array(layout.width);
  }

  add(history: ContactHistory, asOfMs: number): void {
    const contact = without(history.properties, this.excluded, "")!;
    const company = without(history.company, this.excluded, "company.");
    for (const [name, cells] of this.text) {
      const value = name.startsWith("company.") ? company?.[name.slice(8)] : contact[name];
      cells.push(cellText(value));
    }
    this.layout.compute(history.events, asOfMs, this.buffer);
    let c = 0;
    for (; c < this.layout.width; c++) this.numbers[c].push(this.buffer[c]);
    if (this.evaluator && this.batch) {
      const scores = ruleScores(this.evaluator, this.batch, { contact, company, history, asOfMs });
      for (const score of scores) this.numbers[c++].push(score);
    }
    this.rows++;
  }

  table(): RawTable {
    const columns: RawColumn[] = [...this.text].map(([name, cells]) => ({ name, cells }));
    for (let c = 0; c < this.numberNames.length; c++)
      columns.push({ name: this.numberNames[c], numbers: Float64Array.from(this.numbers[c]) });
    return { rows: this.rows, columns, decimalComma: false };
  }
}

function ruleScoreNames(dimensions: readonly string[]): string[] {
  return [RULE_TOTAL_FEATURE, ...dimensions.map((id) => `rule score: ${id}`), "rule score: disqualified"];
}

/** The rule model's scores as of the date, from the events up to it only. */
function ruleScores(
  evaluator: Evaluator,
  builder: EventBatchBuilder,
  at: { contact: Properties; company: Properties | undefined; history: ContactHistory; asOfMs: number },
): number[] {
  const { contact, company, history, asOfMs } = at;
  builder.reset();
  for (const event of history.events) if (event.timeMs <= asOfMs) builder.add(event);
  const batch = builder.build();
  const result = evaluator.evaluateRange(contact, company, batch, 0, batch.size, asOfMs);
  const dimensions = evaluator.dimensionIds.map((id) => result.dimensions[id] ?? Number.NaN);
  return [result.total, ...dimensions, result.disqualified ? 1 : 0];
}
