/** The compiled-model interface the rest of Leadscore programs against. */
import type { Model } from "../model/schema.js";
import type { BatchLayout, EventBatch, EventBatchBuilder } from "./batch.js";
import type { AccountResult, EvaluateOptions, Properties, ScoreResult } from "./types.js";

export interface Evaluator extends BatchLayout {
  readonly model: Model;
  /** Dimension ids in model order. */
  readonly dimensionIds: readonly string[];
  /** Contact and company fields the model reads ("email", "jobTitle"; "employees" for company.employees). */
  readonly contactFields: readonly string[];
  readonly companyFields: readonly string[];
  /** Does any rule or gate read events of this type (a rule on "*" reads every type)? */
  countsEventType(type: string): boolean;
  /** A builder for event batches laid out for this model. */
  newBatch(options?: { capacity?: number; keepIds?: boolean }): EventBatchBuilder;
  /**
   * Scores one contact whose events are batch[start, end). Events after asOfMs are ignored.
   * Deterministic; allocates only the result (and the ledger when asked).
   */
  evaluateRange(
    contact: Properties,
    company: Properties | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOfMs: number,
    options?: EvaluateOptions,
  ): ScoreResult;
  /**
   * For every aggregate and recency rule (by id), the number its bands are read on for the
   * contact whose events are batch[start, end): the aggregate's value, or the days since the
   * last matching activity; null when there is none. The same numbers as the ledger's `value`,
   * unrounded (used to calibrate bands on real data).
   */
  ruleValues(
    contact: Properties,
    company: Properties | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOfMs: number,
  ): Record<string, number | null>;
  /**
   * Indices (ascending) of the events in batch[start, end) that can still change a score or
   * its ledger at any date from asOfMs on; the others can be forgotten (incremental state).
   */
  retainedEvents(batch: EventBatch, start: number, end: number, asOfMs: number): number[];
  /** Scores a company from its own rules and the roll-up of its contacts' results. */
  evaluateAccount(company: Properties, contacts: readonly ScoreResult[]): AccountResult;
}
