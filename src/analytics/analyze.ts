/**
 * The analysis of a model on outcomes, in one streaming pass: an Analyzer takes each contact's
 * scored result (with its ledger) and outcome, keeps counts of constant size (per cell, per
 * whole score, per rule, per candidate), and `finish` turns them into the band report, the
 * threshold curve, the rule advice and the health warnings. Pure: no I/O, no clock.
 *
 * Who is analysed: every contact scored as of the as-of date, except those who converted at or
 * before it (already customers; counted apart). A conversion counts when it falls within the
 * horizon after the as-of date. Disqualified contacts (a gate) have their own line and are not
 * in the groupings; they count in the base rate and can never be MQLs.
 */
import { BANDS, bandOf } from "../engine/thresholds.js";
import type { ScoreResult } from "../engine/types.js";
import type { Model } from "../model/schema.js";
import { GroupingCounter, type GroupingReport, type GroupingSpec } from "./band-report.js";
import { EventCandidate, PropertyCandidate } from "./candidates.js";
import { binsFor, CellCounter, type CellReport, cellReport } from "./cells.js";
import { type Outcome, type Timing, timingOf } from "./conversion.js";
import { healthWarnings, type Warning } from "./health.js";
import { type Interval, wilsonInterval } from "./intervals.js";
import { adviseRules, FeatureCounter, type FeatureInput, measure, type RuleAdvice } from "./rule-advice.js";
import { ScoreHistogram, type ThresholdCurve, thresholdCurve } from "./thresholds.js";
import { TieCounter, type Ties } from "./ties.js";

export interface AnalysisSetup {
  asOfMs: number;
  /** Days after the as-of date within which a conversion counts; null: any time after it. */
  horizonDays: number | null;
  /** The period the contacts came in over, in days: MQLs per week divide by it (or give it to finish). */
  periodDays?: number;
  /** Properties and event types the model does not read, to measure as candidate rules. */
  candidateProperties?: readonly string[];
  candidateEventTypes?: readonly string[];
}

/** A contact's values of the candidates, in the setup's order. */
export interface CandidateValues {
  properties?: readonly unknown[];
  events?: readonly boolean[];
}

export interface Population {
  /** Contacts analysed (already-converted ones left out). */
  contacts: number;
  alreadyConverted: number;
  conversions: number;
  /** Conversions without a date (counted within the horizon). */
  undatedConversions: number;
  baseRate: number;
  baseInterval: Interval;
  disqualified: CellReport;
}

export interface Analysis {
  asOf: string;
  horizonDays: number | null;
  periodDays: number;
  population: Population;
  groupings: GroupingReport[];
  thresholds: ThresholdCurve;
  ties: Ties;
  rules: RuleAdvice;
  warnings: Warning[];
}

const MATRIX_CELLS = ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", "D1", "D2", "D3"];

function groupingSpecs(model: Model): GroupingSpec[] {
  const specs: GroupingSpec[] = [
    { id: "total", label: "total score", noun: "band", keys: BANDS, ordered: true },
    ...model.dimensions.map((d) => ({
      id: `dimension:${d.id}`,
      label: `${d.id} score`,
      noun: "band",
      keys: BANDS,
      ordered: true,
    })),
  ];
  const thresholds = model.thresholds;
  if (thresholds?.temperature)
    specs.push({
      id: "temperature",
      label: "temperature",
      noun: "temperature",
      keys: ["cold", "warm", "hot"],
      ordered: true,
    });
  if (thresholds?.grades?.fit && thresholds.grades.engagement)
    specs.push({ id: "matrix", label: "grade matrix", noun: "cell", keys: MATRIX_CELLS, ordered: false });
  specs.push({ id: "mql", label: "MQL", noun: "group", keys: ["MQL", "not MQL"], ordered: false });
  return specs;
}

export class Analyzer {
  private readonly groupings: GroupingCounter[];
  private readonly dimensions: { id: string; weight: number; grouping: GroupingCounter }[];
  private readonly temperature: GroupingCounter | undefined;
  private readonly matrix: GroupingCounter | undefined;
  private readonly mql: GroupingCounter;
  private readonly disqualified: CellCounter;
  private readonly histogram = new ScoreHistogram();
  private readonly ties: TieCounter;
  private readonly rules: { id: string; dimension: string; counter: FeatureCounter }[];
  private readonly ruleIndex: Map<string, number>;
  private readonly rulePoints: Float64Array;
  /** The weight of each rule's dimension. */
  private readonly ruleWeights: Float64Array;
  private readonly properties: PropertyCandidate[];
  private readonly events: EventCandidate[];
  private contacts = 0;
  private alreadyConverted = 0;
  private conversions = 0;
  private undated = 0;

  constructor(
    private readonly model: Model,
    private readonly setup: AnalysisSetup,
  ) {
    const bins = binsFor(setup.horizonDays);
    this.groupings = groupingSpecs(model).map((spec) => new GroupingCounter(spec, bins));
    const find = (id: string) => this.groupings.find((g) => g.spec.id === id);
    this.dimensions = model.dimensions.map((d) => ({
      id: d.id,
      weight: d.weight ?? 1,
      grouping: find(`dimension:${d.id}`)!,
    }));
    this.temperature = find("temperature");
    this.matrix = find("matrix");
    this.mql = find("mql")!;
    this.disqualified = new CellCounter(bins);
    const scale = model.scale === null ? null : (model.scale?.max ?? (model.scale ? null : 100));
    this.ties = new TieCounter(scale);
    this.rules = model.dimensions.flatMap((d) =>
      d.rules.map((rule) => ({ id: rule.id, dimension: d.id, counter: new FeatureCounter() })),
    );
    this.ruleIndex = new Map(this.rules.map((rule, i) => [rule.id, i]));
    this.rulePoints = new Float64Array(this.rules.length);
    const weightOf = new Map(this.dimensions.map((d) => [d.id, d.weight]));
    this.ruleWeights = Float64Array.from(this.rules, (rule) => weightOf.get(rule.dimension)!);
    this.properties = (setup.candidateProperties ?? []).map((name) => new PropertyCandidate(name));
    this.events = (setup.candidateEventTypes ?? []).map((type) => new EventCandidate(type));
  }

  /** Feeds one contact: its result must carry the ledger. Returns where its conversion fell. */
  add(result: ScoreResult, outcome: Outcome, candidates: CandidateValues = {}): Timing {
    const timing = timingOf(outcome, this.setup.asOfMs, this.setup.horizonDays);
    if (timing.kind === "before") {
      this.alreadyConverted++;
      return timing;
    }
    if (!result.ledger)
      throw new Error("the analysis needs each result's ledger (evaluate with ledger: true)");
    const converted = timing.kind === "within";
    const days = timing.kind === "within" ? (timing.days ?? Number.NaN) : Number.NaN;
    this.contacts++;
    if (converted) {
      this.conversions++;
      if (timing.days === undefined) this.undated++;
    }
    const unclamped = this.countRules(result, converted);
    this.countCandidates(candidates, converted);
    this.histogram.add(result.total, converted, !result.disqualified);
    if (result.disqualified) {
      this.disqualified.add(converted, days);
      return timing;
    }
    this.ties.add(result.total, unclamped);
    this.groupings[0].add(result.band, converted, days);
    for (const d of this.dimensions) d.grouping.add(bandOf(result.dimensions[d.id] ?? 0), converted, days);
    if (this.temperature && result.temperature) this.temperature.add(result.temperature, converted, days);
    if (this.matrix && result.matrix) this.matrix.add(result.matrix, converted, days);
    this.mql.add(result.mql ? "MQL" : "not MQL", converted, days);
    return timing;
  }

  /**
   * Counts the rules that gave points, and returns the total before any clamp: the engine
   * gives the clamped total only, so the ledger's lines (clamp lines left out) are summed and
   * weighted as the engine weighs the dimensions.
   */
  private countRules(result: ScoreResult, converted: boolean): number {
    const points = this.rulePoints;
    points.fill(0);
    let unclamped = 0;
    for (const line of result.ledger!) {
      if (line.kind === "clamp") continue;
      const i = this.ruleIndex.get(line.ruleId);
      if (i !== undefined) points[i] += line.points;
    }
    for (let i = 0; i < this.rules.length; i++) {
      if (points[i] === 0) continue;
      unclamped += this.ruleWeights[i] * points[i];
      this.rules[i].counter.add(converted, points[i]);
    }
    return unclamped;
  }

  private countCandidates(candidates: CandidateValues, converted: boolean): void {
    for (let i = 0; i < this.properties.length; i++)
      this.properties[i].add(candidates.properties?.[i], converted);
    for (let i = 0; i < this.events.length; i++)
      this.events[i].add(candidates.events?.[i] === true, converted);
  }

  /** periodDays: when known only at the end of the pass (the span of the events read). */
  finish(periodDays = this.setup.periodDays): Analysis {
    if (periodDays === undefined) throw new Error("the analysis needs the period's length in days");
    const baseRate = this.contacts === 0 ? Number.NaN : this.conversions / this.contacts;
    const population: Population = {
      contacts: this.contacts,
      alreadyConverted: this.alreadyConverted,
      conversions: this.conversions,
      undatedConversions: this.undated,
      baseRate,
      baseInterval: wilsonInterval(this.conversions, this.contacts),
      disqualified: cellReport("disqualified", this.disqualified, this.contacts, baseRate),
    };
    const counts = { contacts: this.contacts, conversions: this.conversions };
    const rules = this.rules.map((rule) => measure({ kind: "rule", ...rule }, counts));
    const candidateInputs: FeatureInput[] = [
      ...this.properties.flatMap((p) => p.features(this.contacts)),
      ...this.events.flatMap((e) => e.features()),
    ];
    const skipped = this.properties.flatMap((p) =>
      p.skippedReason ? [{ property: p.property, reason: p.skippedReason }] : [],
    );
    const analysis: Omit<Analysis, "warnings"> = {
      asOf: new Date(this.setup.asOfMs).toISOString(),
      horizonDays: this.setup.horizonDays,
      periodDays,
      population,
      groupings: this.groupings.map((g) => g.report(baseRate)),
      thresholds: thresholdCurve(this.histogram, periodDays),
      ties: this.ties.result(),
      rules: adviseRules(
        rules,
        candidateInputs.map((c) => measure(c, counts)),
        skipped,
      ),
    };
    return { ...analysis, warnings: healthWarnings(analysis, this.model) };
  }
}
