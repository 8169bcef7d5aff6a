/**
 * Reading the data for `leadscore calibrate` the way `score` reads it (same inputs, same modes,
 * same bad-row handling), keeping for each chosen rule the values its bands are read on.
 */
import type { Evaluator, EventBatch } from "../../engine/index.js";
import type { Row } from "../../io/source.js";
import { type CompanyContext, type ContactSink, companyOf } from "../score/scorer.js";
import type { Tally } from "../score/summary.js";

/** A growable list of numbers, 8 bytes each. */
class NumberList {
  private items = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.items.length) {
      const grown = new Float64Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = value;
  }

  values(): Float64Array {
    return this.items.subarray(0, this.length);
  }
}

/** Takes each contact row from the run modes and keeps the chosen rules' values (none: left out). */
export class ValueCollector implements ContactSink {
  private readonly lists: [string, NumberList][];

  constructor(
    private readonly ctx: CompanyContext & { evaluator: Evaluator; asOfMs: number; tally: Tally },
    ruleIds: readonly string[],
  ) {
    this.lists = ruleIds.map((id) => [id, new NumberList()]);
  }

  async score(row: Row, id: string, batch: EventBatch, start: number, end: number): Promise<void> {
    const { ctx } = this;
    const contact = ctx.reader.properties(row);
    const company = await companyOf(ctx, row, id);
    const values = ctx.evaluator.ruleValues(contact, company.properties, batch, start, end, ctx.asOfMs);
    for (const [ruleId, list] of this.lists) {
      const value = values[ruleId];
      if (value !== null && value !== undefined) list.push(value);
    }
    ctx.tally.contacts++;
    ctx.tally.eventsUsed += end - start;
  }

  /** The values of one rule, over the contacts that have one. */
  valuesOf(ruleId: string): Float64Array {
    const found = this.lists.find(([id]) => id === ruleId);
    return found ? found[1].values() : new Float64Array(0);
  }
}
