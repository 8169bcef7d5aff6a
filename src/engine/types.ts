/** Public types of the scoring engine. */
import type { RuleKind } from "../model/schema.js";

/** A contact's or a company's properties, as read from a CRM export or the API. */
export type Properties = Readonly<Record<string, unknown>>;

/** One behavioural event, as given to the convenience API (`evaluate`). */
export interface ScoringEvent {
  /** The sender's event id; it appears in the ledger as evidence. */
  id?: string;
  /** page_view, form_submission, ... or a declared custom type. */
  type: string;
  /** When it happened, UTC milliseconds. */
  timeMs: number;
  /** url, form_id, campaign, value... */
  properties?: Properties;
}

export type Temperature = "cold" | "warm" | "hot";
export type FitGrade = "A" | "B" | "C" | "D";
export type EngagementGrade = "1" | "2" | "3";

/** A line of a rule (the rule's kind), of a clamp, or of an account's roll-up of its contacts. */
export type LedgerLineKind = RuleKind | "clamp" | "rollup";

/** One contribution to a dimension's score. The lines of a dimension add up to its score. */
export interface LedgerLine {
  dimension: string;
  ruleId: string;
  kind: LedgerLineKind;
  /** What the line means, for people: the rule's `label`, or a description generated from the rule. */
  label: string;
  /** Points that count, after decay and caps (2 decimals). */
  points: number;
  /** Points before decay and caps: occurrences x points, or the rule's points. */
  basePoints: number;
  /** Points after decay, before caps. */
  decayedPoints: number;
  /** A sentence a marketer can read. */
  reason: string;
  /** Matching occurrences and how many of them counted (event rules). */
  occurrences?: number;
  countedOccurrences?: number;
  /** The properties behind a property rule, with their values. */
  fields?: Record<string, unknown>;
  /** The events behind an event rule: their ids (or their position in the input when they have none). */
  eventIds?: string[];
  /** The number the bands of an aggregate or recency rule were read on. */
  value?: number | null;
}

export interface Disqualification {
  gateId: string;
  reason: string;
  fields?: Record<string, unknown>;
  eventIds?: string[];
}

/** Weighted contribution of one dimension to the total. */
export interface TotalLine {
  dimension: string;
  weight: number;
  points: number;
}

export interface ScoreResult {
  total: number;
  dimensions: Record<string, number>;
  /** "0-20", "21-40", "41-60", "61-80", "81-100" (on the rounded total; below 0 is "0-20", above 100 is "81-100"). */
  band: string;
  temperature: Temperature | null;
  fitGrade: FitGrade | null;
  engagementGrade: EngagementGrade | null;
  /** A1 ... D3 when both grades are defined. */
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
  disqualifications: Disqualification[];
  /** Present when asked for: every contribution, per dimension. */
  ledger?: LedgerLine[];
  /** Present with the ledger: how the dimensions make the total (plus a "clamp" line when clamped). */
  totalLines?: TotalLine[];
}

export interface EvaluateOptions {
  /** Build the ledger (slower). Default false. */
  ledger?: boolean;
}

export interface AccountResult {
  companyId?: string;
  score: number;
  temperature: Temperature | null;
  contacts: number;
  ledger: LedgerLine[];
}
