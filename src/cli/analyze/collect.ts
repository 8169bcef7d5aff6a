/**
 * Reading the data for `leadscore analyze` the way `score` reads it (same inputs, modes and
 * bad-row handling): each contact is scored with its ledger, its outcome is read (from the
 * conversion definition or the outcomes file) and both go to the Analyzer, which keeps counts
 * only. Also notes the span of the events, for the period's default length.
 */
import type { CandidateValues } from "../../analytics/analyze.js";
import { type ConversionDefinition, type Outcome, outcomeOf } from "../../analytics/conversion.js";
import type { Evaluator, EventBatch, ScoreResult } from "../../engine/index.js";
import type { Accessor, Row } from "../../io/source.js";
import { type CompanyContext, type ContactSink, companyOf } from "../score/scorer.js";
import type { Tally } from "../score/summary.js";

export interface OutcomeSource {
  /** A conversion definition, read from each contact's row and events... */
  definition?: ConversionDefinition;
  /** ...or the outcomes file's rows by contact id (a contact without one did not convert). */
  outcomes?: ReadonlyMap<string, Outcome>;
}

/** Takes each contact's result (with its ledger) and outcome: the Analyzer, or compare's score lists. */
export interface Consumer {
  add(result: ScoreResult, outcome: Outcome, candidates: CandidateValues, contactId: string): unknown;
}

export interface CollectContext extends CompanyContext {
  evaluator: Evaluator;
  asOfMs: number;
  tally: Tally;
  consumer: Consumer;
  outcome: OutcomeSource;
  /** Reads a contact column by name (the definition's property). */
  column(name: string): Accessor;
  /** Candidate columns of the contacts file, and candidate event types' indices in the batch. */
  candidateColumns: readonly Accessor[];
  candidateTypes: readonly number[];
}

export class AnalysisCollector implements ContactSink {
  /** Earliest and latest event times seen (before and after the as-of date alike). */
  firstEventMs = Number.POSITIVE_INFINITY;
  lastEventMs = Number.NEGATIVE_INFINITY;
  /** Contacts missing from the outcomes file. */
  withoutOutcome = 0;
  private readonly conversionType: number | undefined;
  private readonly typeSlot: Int32Array;
  private readonly done: boolean[];
  private readonly reads = new Map<string, Accessor>();

  constructor(private readonly ctx: CollectContext) {
    const definition = ctx.outcome.definition;
    this.conversionType =
      definition?.kind === "event" ? ctx.evaluator.typeIndex(definition.eventType) : undefined;
    const top = Math.max(0, ...ctx.candidateTypes, this.conversionType ?? 0);
    this.typeSlot = new Int32Array(top + 1).fill(-1);
    ctx.candidateTypes.forEach((type, slot) => {
      this.typeSlot[type] = slot;
    });
    this.done = ctx.candidateTypes.map(() => false);
  }

  async score(row: Row, id: string, batch: EventBatch, start: number, end: number): Promise<void> {
    const { ctx } = this;
    const firstConversionMs = this.scanEvents(batch, start, end);
    const outcome = this.outcomeOf(row, id, firstConversionMs);
    if ("problem" in outcome) {
      const message = `contact "${id}": ${outcome.problem}; left out of the analysis`;
      await ctx.badRows.add("bad outcome", ctx.contacts.path, row.line, message);
      return;
    }
    const contact = ctx.reader.properties(row);
    const company = await companyOf(ctx, row, id);
    const result = ctx.evaluator.evaluateRange(contact, company.properties, batch, start, end, ctx.asOfMs, {
      ledger: true,
    });
    const properties = ctx.candidateColumns.map((read) => read(row));
    ctx.consumer.add(result, outcome, { properties, events: this.done }, id);
    ctx.tally.add(result, end - start);
  }

  /** One pass over the contact's events: the span, the candidate types done, the first conversion. */
  private scanEvents(batch: EventBatch, start: number, end: number): number | undefined {
    const { asOfMs } = this.ctx;
    this.done.fill(false);
    let firstConversionMs: number | undefined;
    for (let i = start; i < end; i++) {
      const timeMs = batch.timeMs[i];
      if (timeMs < this.firstEventMs) this.firstEventMs = timeMs;
      if (timeMs > this.lastEventMs) this.lastEventMs = timeMs;
      const type = batch.type[i];
      if (type === this.conversionType && (firstConversionMs === undefined || timeMs < firstConversionMs))
        firstConversionMs = timeMs;
      const slot = type < this.typeSlot.length ? this.typeSlot[type] : -1;
      if (slot >= 0 && timeMs <= asOfMs) this.done[slot] = true;
    }
    return firstConversionMs;
  }

  private outcomeOf(row: Row, id: string, firstConversionMs: number | undefined) {
    const { outcome } = this.ctx;
    if (outcome.outcomes) {
      const found = outcome.outcomes.get(id);
      if (found) return found;
      this.withoutOutcome++;
      return { converted: false };
    }
    return outcomeOf(outcome.definition!, {
      property: (name) => this.read(name)(row),
      firstEventMs: () => firstConversionMs,
    });
  }

  private read(name: string): Accessor {
    let read = this.reads.get(name);
    if (!read) {
      read = this.ctx.column(name);
      this.reads.set(name, read);
    }
    return read;
  }
}
