/** The shapes of the API answers the dashboard reads (see /openapi.json). */
export type Temperature = "cold" | "warm" | "hot";
export type Role = "admin" | "marketing" | "sales";

export interface User {
  id: string;
  username: string;
  role: Role;
  scope: string;
  createdAt: string;
}

export interface Session {
  user: User;
  expiresAt: string;
  csrfToken: string;
}

export interface RankedScore {
  contactId: string;
  email: string | null;
  name: string | null;
  company: string | null;
  total: number;
  dimensions: Record<string, number>;
  band: string;
  temperature: Temperature | null;
  fitGrade: string | null;
  engagementGrade: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
  scoredAt: string;
  prediction: { model: string; probability: number; tier: string } | null;
}

export interface RankedScores {
  model: { key: string; version: number };
  items: RankedScore[];
  next: string | null;
}

export interface LedgerLine {
  dimension: string;
  ruleId: string;
  kind: string;
  points: number;
  basePoints: number;
  decayedPoints: number;
  reason: string;
  /** The rule's human label, once models carry one. */
  label?: string;
  occurrences?: number;
  countedOccurrences?: number;
  fields?: Record<string, unknown>;
  eventIds?: string[];
}

export interface ContactScore {
  model: { key: string; version: number };
  asOf: string;
  total: number;
  dimensions: Record<string, number>;
  band: string;
  temperature: Temperature | null;
  fitGrade: string | null;
  engagementGrade: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
  disqualifications: { gateId: string; reason: string; label?: string }[];
  ledger?: LedgerLine[];
  totalLines?: { dimension: string; weight: number; points: number }[];
}

export interface Contact {
  id: string;
  email: string | null;
  companyId: string | null;
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface Factor {
  feature: string;
  value: string;
  effect: number;
  text: string;
}

export interface Prediction {
  model: { key: string; version: number; kind: string };
  horizonDays: number;
  asOf: string;
  probability: number;
  tier: string;
  factors: { up: Factor[]; down: Factor[] };
}

export interface ContactScores {
  contact: Contact;
  scores: ContactScore[];
  predictions?: Prediction[];
}

export interface HistoryEntry {
  seq: number;
  model: { key: string; version: number };
  at: string;
  asOf: string;
  cause: "event" | "properties" | "company" | "model" | "decay" | "merge" | "lifecycle";
  detail: Record<string, unknown>;
  total: number;
  previousTotal: number | null;
  temperature: string | null;
  mql: boolean;
}

export interface History {
  contactId: string;
  entries: HistoryEntry[];
  next: number | null;
}
