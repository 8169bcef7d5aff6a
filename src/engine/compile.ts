/**
 * compileModel turns a validated model into an Evaluator: conditions become closures,
 * event filters become a matcher table, and evaluation walks each contact's events once.
 */
import type { Model } from "../model/schema.js";
import { BUILTIN_EVENT_TYPES } from "../model/schema.js";
import { type ConditionAt, conditionsOfGate, conditionsOfRule } from "../model/walk.js";
import { evaluateAccount } from "./account.js";
import { Scratch } from "./accumulate.js";
import type { Evaluator } from "./api.js";
import { type EventBatch, EventBatchBuilder, StringPool } from "./batch.js";
import { compileEventPredicate, conditionFields, resolveFieldPath } from "./conditions.js";
import { type CompiledGate, compileGate } from "./gates.js";
import { MatcherTable, newBinding, SLOT_LAST_INDEX, STRIDE } from "./matchers.js";
import { type CompiledRule, compileRule, type FinalizeContext } from "./rules.js";
import { type Clamp, type ResultShape, scoreResult, type ThresholdPlan } from "./thresholds.js";
import type {
  AccountResult,
  Disqualification,
  EvaluateOptions,
  LedgerLine,
  Properties,
  ScoreResult,
} from "./types.js";

interface CompiledDimension {
  id: string;
  weight: number;
  clamp: Clamp | null;
  rules: CompiledRule[];
}

const DEFAULT_SCALE: Clamp = { min: 0, max: 100 };

function clampOf(
  value: { min?: number; max?: number } | null | undefined,
  fallback: Clamp | null,
): Clamp | null {
  if (value === null) return null;
  if (value === undefined) return fallback;
  return { min: value.min ?? Number.NEGATIVE_INFINITY, max: value.max ?? Number.POSITIVE_INFINITY };
}

/** The conditions of the model's rules and gates, in model order, with the scope a bare field name means. */
function conditionsOfModel(model: Model): { at: ConditionAt; bare: "contact" | "company" }[] {
  const inScope = (bare: "contact" | "company") => (at: ConditionAt) => ({ at, bare });
  return [
    ...model.dimensions.flatMap((d) => d.rules.flatMap((rule) => conditionsOfRule(rule))),
    ...(model.gates ?? []).flatMap((gate) => conditionsOfGate(gate)),
  ]
    .map(inScope("contact"))
    .concat((model.account?.rules ?? []).flatMap((rule) => conditionsOfRule(rule)).map(inScope("company")));
}

/** Collects every field a model reads, per scope. */
function collectFields(model: Model) {
  const contact = new Set<string>();
  const company = new Set<string>();
  for (const { at, bare } of conditionsOfModel(model)) {
    if (at.reads !== "properties") continue;
    for (const path of conditionFields(at.condition)) {
      const { scope, name } = resolveFieldPath(path, bare);
      (scope === "company" ? company : contact).add(name);
    }
  }
  return { contact: [...contact], company: [...company] };
}

/** Event properties read by `where` filters (as strings) and by aggregates (as numbers). */
function collectEventFields(model: Model) {
  const strings = new Set<string>();
  const numbers = new Set<string>();
  for (const { at } of conditionsOfModel(model))
    if (at.reads === "event") for (const field of conditionFields(at.condition)) strings.add(field);
  for (const d of model.dimensions)
    for (const r of d.rules) if (r.kind === "aggregate" && r.of) numbers.add(r.of);
  return { strings: [...strings], numbers: [...numbers] };
}

export class CompiledEvaluator implements Evaluator {
  readonly pool = new StringPool();
  readonly dimensionIds: string[];
  readonly contactFields: string[];
  readonly companyFields: string[];
  readonly eventStringFields: string[];
  readonly eventNumberFields: string[];
  readonly table = new MatcherTable();
  private readonly types = new Map<string, number>();
  private readonly otherType: number;
  private readonly binding = newBinding();
  private readonly dimensions: CompiledDimension[];
  private readonly gates: CompiledGate[];
  private readonly scratch: Scratch;
  private readonly plan: ThresholdPlan;
  private readonly accountRules: CompiledRule[];
  /** Reused for every contact: the finalisers read it, nothing keeps it. */
  private readonly context: FinalizeContext;

  constructor(
    readonly model: Model,
    options: CompileOptions = {},
  ) {
    const fields = collectFields(model);
    this.contactFields = fields.contact;
    this.companyFields = fields.company;
    const eventFields = collectEventFields(model);
    this.eventStringFields = eventFields.strings;
    this.eventNumberFields = eventFields.numbers;
    for (const type of [...BUILTIN_EVENT_TYPES, ...(model.eventTypes ?? [])])
      if (!this.types.has(type)) this.types.set(type, this.types.size);
    this.otherType = this.types.size;

    const scale = clampOf(model.scale, DEFAULT_SCALE);
    this.dimensions = model.dimensions.map((d) => ({
      id: d.id,
      weight: d.weight ?? 1,
      clamp: clampOf(d.clamp, scale),
      rules: d.rules.map((rule) => compileRule(rule, this.table, "contact")),
    }));
    this.dimensionIds = this.dimensions.map((d) => d.id);
    this.gates = (model.gates ?? []).map((gate) => compileGate(gate, this.table));
    this.accountRules = (model.account?.rules ?? []).map((rule) => compileRule(rule, this.table, "company"));
    this.table.seal({
      typeCount: this.otherType + 1,
      typeIndex: (type) => this.typeIndex(type),
      compileWhere: (where) =>
        compileEventPredicate(
          where,
          (field) => this.eventStringFields.indexOf(field),
          this.pool,
          this.binding,
        ),
      numberColumn: (field) => this.eventNumberFields.indexOf(field),
    });
    this.scratch = new Scratch(this.table, options);
    this.context = {
      contact: {},
      company: undefined,
      asOfMs: 0,
      scratch: this.scratch,
      batch: this.binding.batch,
      start: 0,
      ledger: null,
      dimension: "",
    };
    this.plan = { model, totalClamp: scale };
  }

  typeIndex(type: string): number {
    return this.types.get(type) ?? this.otherType;
  }

  countsEventType(type: string): boolean {
    return this.table.byType[this.typeIndex(type)].length > 0;
  }

  newBatch(options?: { capacity?: number; keepIds?: boolean }): EventBatchBuilder {
    return new EventBatchBuilder(this, options);
  }

  evaluateRange(
    contact: Properties,
    company: Properties | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOfMs: number,
    options: EvaluateOptions = {},
  ): ScoreResult {
    const collect = options.ledger === true;
    const ledger: LedgerLine[] | null = collect ? [] : null;
    const f = this.prepare(contact, company, batch, start, end, asOfMs, ledger);
    const shape: ResultShape = { dimensionCents: [], ledger };
    for (let k = 0; k < this.dimensions.length; k++) {
      const d = this.dimensions[k];
      f.dimension = d.id;
      let sum = 0;
      for (let r = 0; r < d.rules.length; r++) sum += d.rules[r].finalize(f);
      shape.dimensionCents.push({ id: d.id, weight: d.weight, cents: clampDimension(d, sum, ledger) });
    }
    const disqualifications: Disqualification[] = [];
    for (let g = 0; g < this.gates.length; g++) this.gates[g].check(f, disqualifications);
    return scoreResult(this.plan, shape, disqualifications);
  }

  ruleValues(
    contact: Properties,
    company: Properties | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOfMs: number,
  ): Record<string, number | null> {
    const f = this.prepare(contact, company, batch, start, end, asOfMs, null);
    const values: Record<string, number | null> = {};
    for (const d of this.dimensions)
      for (const rule of d.rules) if (rule.value) values[rule.id] = rule.value(f);
    return values;
  }

  /** Accumulates the events of batch[start, end) and sets up the context the finalisers read. */
  private prepare(
    contact: Properties,
    company: Properties | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOfMs: number,
    ledger: LedgerLine[] | null,
  ): FinalizeContext {
    this.binding.batch = batch;
    this.scratch.reset(asOfMs, ledger !== null);
    this.scratch.accumulate(batch, start, end, asOfMs, ledger !== null);
    const f = this.context;
    f.contact = contact;
    f.company = company;
    f.asOfMs = asOfMs;
    f.batch = batch;
    f.start = start;
    f.ledger = ledger;
    return f;
  }

  retainedEvents(batch: EventBatch, start: number, end: number, asOfMs: number): number[] {
    this.binding.batch = batch;
    this.scratch.reset(asOfMs, true);
    this.scratch.accumulate(batch, start, end, asOfMs, true);
    const keep = new Set<number>();
    for (let m = 0; m < this.table.size; m++) {
      if (this.table.latestOnly[m] === 1) {
        const latest = this.scratch.acc[m * STRIDE + SLOT_LAST_INDEX];
        if (latest >= 0) keep.add(latest);
      } else {
        const hits = this.scratch.hits[m];
        for (let k = 0; k < hits.length; k++) keep.add(hits.items[k]);
      }
    }
    return [...keep].sort((a, b) => a - b);
  }

  evaluateAccount(company: Properties, contacts: readonly ScoreResult[]): AccountResult {
    const f: FinalizeContext = {
      contact: company,
      company,
      asOfMs: 0,
      scratch: this.scratch,
      batch: this.binding.batch,
      start: 0,
      ledger: [],
      dimension: "account",
    };
    return evaluateAccount(this.model, this.accountRules, f, contacts);
  }
}

function clampDimension(d: CompiledDimension, sum: number, ledger: LedgerLine[] | null): number {
  if (!d.clamp) return sum;
  const clamped = Math.min(Math.max(sum, Math.round(d.clamp.min * 100)), Math.round(d.clamp.max * 100));
  if (clamped !== sum && ledger) {
    const points = (clamped - sum) / 100;
    ledger.push({
      dimension: d.id,
      ruleId: "clamp",
      kind: "clamp",
      label: `kept within ${d.clamp.min} to ${d.clamp.max}`,
      points,
      basePoints: points,
      decayedPoints: points,
      reason: `${d.id} kept within ${d.clamp.min} to ${d.clamp.max} (was ${sum / 100})`,
    });
  }
  return clamped;
}

export interface CompileOptions {
  /** Generate the model's hot loop as JavaScript (default). false: the generic loop, for tests. */
  codegen?: boolean;
}

export function compileModel(model: Model, options: CompileOptions = {}): Evaluator {
  return new CompiledEvaluator(model, options);
}
