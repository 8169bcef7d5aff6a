/**
 * Training data from the contact store, as of snapshot dates. One row per contact and snapshot:
 * the contact's and its company's properties, its behaviour (event-features.ts) and the rule
 * model's scores, all computed from what was known at the snapshot; the label says whether the
 * contact became a customer within the horizon (90 days by default) after it. Contacts already
 * customers at the snapshot, and contacts not yet known then, are left out.
 *
 * Properties have no dates: they are taken as they are now, so those that change with the
 * outcome or after the snapshot must be left out (DEFAULT_EXCLUDED_PROPERTIES).
 */
import type { Evaluator } from "../engine/index.js";
import { BUILTIN_EVENT_TYPES } from "../model/schema.js";
import type { Dataset } from "./dataset.js";
import { DEFAULT_WINDOWS_DAYS, EventFeatureLayout } from "./event-features.js";
import { type ContactHistory, RowWriter } from "./feature-rows.js";
import { applySchema, type ContactDerivation, type Encoded, type FeatureSchema } from "./schema.js";
import { type InferOptions, inferSchema } from "./table.js";

const DAY_MS = 86_400_000;

export type { ContactHistory, HistoryEvent } from "./feature-rows.js";

/**
 * Properties never used, and why. The demo data set (src/demo) writes every one of the
 * outcome-related ones: its `lifecycleStage` is the stage at the window's end ("customer" for
 * every converter), `unsubscribed` and `emailStatus` are the state at the end, and
 * `convertedAt` is the outcome.
 */
export const DEFAULT_EXCLUDED_PROPERTIES: Readonly<Record<string, string>> = {
  id: "identifier",
  companyId: "identifier",
  email: "identifier",
  firstName: "personal name",
  lastName: "personal name",
  "company.id": "identifier",
  "company.name": "identifier (the company's name)",
  "company.domain": "identifier (the company's web domain)",
  convertedAt: "the outcome itself",
  lifecycleStage: 'stage at export: "customer" for every contact who converted (the outcome)',
  unsubscribed:
    "state at export: may come from an unsubscribe after the snapshot (unsubscribe events before it are counted)",
  emailStatus:
    'state at export: "bounced" may come from a bounce after the snapshot (email_bounce events before it are counted)',
};

export interface SnapshotOptions {
  /** UTC ms; one row per contact known and not yet a customer at each. */
  snapshotsMs: readonly number[];
  /** Default 90. */
  horizonDays?: number;
  /** Default 7, 30 and 90. */
  windowsDays?: readonly number[];
  /** Default: the built-in types and the rule model's custom ones. */
  eventTypes?: readonly string[];
  /** Default: DEFAULT_EXCLUDED_PROPERTIES; company properties as "company.industry". */
  excludeProperties?: Readonly<Record<string, string>>;
  /** The rule model whose scores (total, each dimension, disqualified) become features. */
  evaluator?: Evaluator;
  /** Levels, missing tokens... for the property columns. */
  inference?: Omit<InferOptions, "exclude">;
}

export interface SnapshotCounts {
  snapshotMs: number;
  rows: number;
  positives: number;
  /** Customers at the snapshot, left out. */
  alreadyCustomers: number;
  /** Neither created nor active by the snapshot, left out. */
  notYetKnown: number;
}

export interface SnapshotTable {
  dataset: Dataset;
  schema: FeatureSchema;
  notes: string[];
  /** Per row: the contact and the snapshot. */
  contactIds: string[];
  snapshotMs: Float64Array;
  counts: SnapshotCounts[];
  /** The latest event seen (UTC ms), for the history check (sufficiency.ts). */
  lastEventMs: number;
}

/** Whether the contact existed in the CRM at the date (created, or active, by then). */
function knownAt(history: ContactHistory, asOfMs: number): boolean {
  if (history.createdAtMs !== undefined && !Number.isNaN(history.createdAtMs))
    return history.createdAtMs <= asOfMs;
  return history.events.some((event) => event.timeMs <= asOfMs);
}

/** Every property name seen ("jobTitle", "company.industry"), sorted. */
function propertyNames(histories: readonly ContactHistory[]): string[] {
  const names = new Set<string>();
  for (const history of histories) {
    for (const key of Object.keys(history.properties)) names.add(key);
    for (const key of Object.keys(history.company ?? {})) names.add(`company.${key}`);
  }
  return [...names].sort();
}

function derivationOf(options: SnapshotOptions, properties: readonly string[]): ContactDerivation {
  const evaluator = options.evaluator;
  const excludedProperties = Object.keys(options.excludeProperties ?? DEFAULT_EXCLUDED_PROPERTIES);
  const derivation: ContactDerivation = {
    horizonDays: options.horizonDays ?? 90,
    eventTypes: [...(options.eventTypes ?? [...BUILTIN_EVENT_TYPES, ...(evaluator?.model.eventTypes ?? [])])],
    windowsDays: [...(options.windowsDays ?? DEFAULT_WINDOWS_DAYS)],
    excludedProperties,
    propertyColumns: properties.filter((name) => !excludedProperties.includes(name)),
  };
  if (evaluator) {
    const { name, version } = evaluator.model;
    derivation.ruleModel = { name, version, dimensions: [...evaluator.dimensionIds] };
  }
  return derivation;
}

/** The rows of the table: which contact at which snapshot, its label, and the counts. */
interface RowPlan {
  contactIds: string[];
  snapshotMs: number[];
  labels: number[];
  counts: SnapshotCounts[];
  lastEventMs: number;
}

/** Writes a row for each contact known and not yet a customer at each snapshot. */
function writeRows(
  histories: readonly ContactHistory[],
  snapshots: readonly number[],
  horizonMs: number,
  writer: RowWriter,
): RowPlan {
  const plan: RowPlan = {
    contactIds: [],
    snapshotMs: [],
    labels: [],
    counts: [],
    lastEventMs: Number.NEGATIVE_INFINITY,
  };
  plan.counts = snapshots.map((snapshotMs) => ({
    snapshotMs,
    rows: 0,
    positives: 0,
    alreadyCustomers: 0,
    notYetKnown: 0,
  }));
  for (const history of histories) {
    for (const event of history.events) plan.lastEventMs = Math.max(plan.lastEventMs, event.timeMs);
    const converted = history.convertedAtMs ?? Number.NaN;
    snapshots.forEach((snapshotMs, s) => {
      const counts = plan.counts[s];
      if (converted <= snapshotMs) counts.alreadyCustomers++;
      else if (!knownAt(history, snapshotMs)) counts.notYetKnown++;
      else {
        const label = converted <= snapshotMs + horizonMs ? 1 : 0;
        writer.add(history, snapshotMs);
        plan.labels.push(label);
        plan.contactIds.push(history.id);
        plan.snapshotMs.push(snapshotMs);
        counts.rows++;
        counts.positives += label;
      }
    });
  }
  return plan;
}

/** The training table: one row per contact and snapshot, labelled with conversion in the horizon. */
export function snapshotTable(histories: readonly ContactHistory[], options: SnapshotOptions): SnapshotTable {
  const properties = propertyNames(histories);
  const derivation = derivationOf(options, properties);
  const layout = new EventFeatureLayout(derivation.eventTypes, derivation.windowsDays);
  const writer = new RowWriter(derivation, layout, options.evaluator);
  const snapshots = [...options.snapshotsMs].sort((a, b) => a - b);
  const plan = writeRows(histories, snapshots, derivation.horizonDays * DAY_MS, writer);
  const table = writer.table();
  const inference = inferSchema(table, options.inference ?? {});
  const reasons = options.excludeProperties ?? DEFAULT_EXCLUDED_PROPERTIES;
  const excludedSeen = properties.filter((name) => derivation.excludedProperties.includes(name));
  const schema: FeatureSchema = {
    ...inference.schema,
    ignored: [
      ...excludedSeen.map((name) => ({ name, reason: "excluded" as const, detail: reasons[name] })),
      ...inference.schema.ignored,
    ],
    contacts: derivation,
  };
  const dataset: Dataset = { ...applySchema(schema, table).dataset, label: Uint8Array.from(plan.labels) };
  const { contactIds, counts, lastEventMs } = plan;
  const snapshotMs = Float64Array.from(plan.snapshotMs);
  return { dataset, schema, notes: inference.notes, contactIds, snapshotMs, counts, lastEventMs };
}

/**
 * Prediction: the features of every contact as of `asOfMs`, in input order, encoded with the
 * training schema. Pass the same rule model as in training (its scores are features).
 */
export function contactFeatures(
  histories: readonly ContactHistory[],
  schema: FeatureSchema,
  asOfMs: number,
  evaluator?: Evaluator,
): Encoded {
  const derivation = schema.contacts;
  if (!derivation) throw new Error("the schema was not trained on contacts");
  if (derivation.ruleModel && evaluator?.model.name !== derivation.ruleModel.name)
    throw new Error(
      `the model was trained with the rule scores of "${derivation.ruleModel.name}"; pass that model`,
    );
  const layout = new EventFeatureLayout(derivation.eventTypes, derivation.windowsDays);
  const writer = new RowWriter(derivation, layout, derivation.ruleModel ? evaluator : undefined);
  for (const history of histories) writer.add(history, asOfMs);
  return applySchema(schema, writer.table());
}
