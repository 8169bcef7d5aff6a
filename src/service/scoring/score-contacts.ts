/**
 * The one place scores are computed and written. Given contacts (and, for ingest, their new
 * events, already inserted), it brings each contact's state under every published model up to
 * date, evaluates it now, stores the score, and appends to the history when something changed.
 *
 * Runs inside the caller's transaction, after the caller locked the contacts (PostgreSQL), so
 * two processes scoring one contact at once serialise instead of losing an update. `newEvents`
 * are events the caller claimed from the score queue (the scorer); the caller dequeues them in
 * the same transaction.
 */
import type { Kysely, Transaction } from "kysely";
import {
  advanceState,
  type ContactState,
  emptyState,
  type Properties,
  parseState,
  type ScoringEvent,
  serializeState,
} from "../../engine/index.js";
import { allEvents, queuedEvents } from "../../store/contact-events.js";
import { groupEvents } from "../../store/rows.js";
import type { ContactRow, HistoryRow, ScoreRow, ScoringStore, StateRow } from "../../store/scoring-store.js";
import { chunks } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import { recordAlerts, type ScoreChange } from "../alerts/record.js";
import type { ActiveModel } from "../models/models.js";
import { jsonObject } from "../shared/json.js";
import { historyColumnsOf, sameSnapshot, snapshotOf, snapshotOfRow } from "../shared/snapshot.js";
import { scoringEventOf, withSenderEventIds } from "./evidence.js";

export type Tx = Transaction<Tables>;

export type ScoreCause =
  | { cause: "event"; eventIds: Map<string, string[]> }
  | { cause: "properties" }
  | { cause: "company"; companyId: string }
  | { cause: "model" }
  | { cause: "decay" }
  | { cause: "merge"; mergedId: string };

export interface ScoreOutcome {
  /** Score rows written (new or changed). */
  changed: number;
  /** History rows appended. */
  history: number;
}

const IN_CHUNK = 500;

/** The contact's properties as the engine reads them, with its id and company id. */
export function contactProperties(row: {
  id: string;
  email: string | null;
  company_id: string | null;
  properties: string;
}): Properties {
  return {
    ...jsonObject(row.properties),
    id: row.id,
    email: row.email ?? undefined,
    companyId: row.company_id ?? undefined,
  };
}

export async function scoreContacts(
  store: ScoringStore,
  models: readonly ActiveModel[],
  contactIds: readonly string[],
  newEvents: ReadonlyMap<string, ScoringEvent[]>,
  reason: ScoreCause,
  nowMs: number,
): Promise<ScoreOutcome> {
  const outcome: ScoreOutcome = { changed: 0, history: 0 };
  if (models.length === 0 || contactIds.length === 0) return outcome;
  for (const ids of chunks(contactIds, IN_CHUNK)) {
    const part = await writePlan(
      store,
      await planScores(store, models, ids, newEvents, reason, nowMs),
      nowMs,
    );
    outcome.changed += part.changed;
    outcome.history += part.history;
  }
  return outcome;
}

/** What a plan was computed from: if all of it is still so, the plan is still right. */
interface PlanInputs {
  ids: readonly string[];
  models: ReadonlyArray<{ key: string; version: number }>;
  contacts: ContactRow[];
  companies: Array<{ id: string; properties: string }>;
  states: StateRow[];
  scores: ScoreRow[];
}

/** The writes that score some contacts, and what they were computed from. */
export interface ScorePlan {
  inputs: PlanInputs;
  stateRows: StateRow[];
  scoreRows: ScoreRow[];
  historyRows: HistoryRow[];
  changes: ScoreChange[];
}

/**
 * Reads the contacts and computes their new scores without writing anything, so that it can
 * run in a read transaction; `writePlan` writes the outcome. A SQLite scoring slice plans
 * outside the write lock and writes the plan if `planStillValid` (nothing it read changed).
 */
export async function planScores(
  store: ScoringStore,
  models: readonly ActiveModel[],
  ids: readonly string[],
  newEvents: ReadonlyMap<string, ScoringEvent[]>,
  reason: ScoreCause,
  nowMs: number,
): Promise<ScorePlan> {
  const inputs = await readInputs(store, models, ids);
  const contacts = inputs.contacts;
  const companies = new Map<string, Properties>();
  for (const row of inputs.companies) {
    companies.set(row.id, { ...jsonObject(row.properties), id: row.id });
  }
  const states = new Map<string, { version: number; state: ContactState }>();
  for (const row of inputs.states) {
    states.set(`${row.model_key}\u0000${row.contact_id}`, {
      version: row.model_version,
      state: parseState(row.state),
    });
  }
  const previous = new Map<string, ScoreRow>();
  for (const row of inputs.scores) previous.set(`${row.model_key}\u0000${row.contact_id}`, row);
  // The stored events of the contacts whose state must be rebuilt (new contact, new model
  // version), in one read; events still queued are not among them: they are applied by whoever
  // claimed them (`newEvents` here when that is this transaction), on top of the rebuilt state.
  const rebuild = contacts
    .filter((contact) =>
      models.some((model) => states.get(`${model.key}\u0000${contact.id}`)?.version !== model.version),
    )
    .map((contact) => contact.id);
  const allEvents = new Map<string, ScoringEvent[]>();
  for (const [contactId, rows] of await store.events(rebuild))
    allEvents.set(contactId, rows.map(scoringEventOf));

  const stateRows: StateRow[] = [];
  const scoreRows: ScoreRow[] = [];
  const historyRows: HistoryRow[] = [];
  const changes: ScoreChange[] = [];
  for (const contact of contacts) {
    const properties = contactProperties(contact);
    const company = contact.company_id ? companies.get(contact.company_id) : undefined;
    for (const model of models) {
      const key = `${model.key}\u0000${contact.id}`;
      const stored = states.get(key);
      const current = stored !== undefined && stored.version === model.version;
      const added = newEvents.get(contact.id) ?? [];
      const startState = current ? stored.state : emptyState();
      const applied = current ? added : rebuiltWith(allEvents.get(contact.id) ?? [], added);
      const { state, result, asOfMs } = advanceState(
        model.evaluator,
        startState,
        applied,
        properties,
        company,
        nowMs,
      );
      // A contact last scored by another version of the model changed because of the new version.
      const cause: ScoreCause = stored && stored.version !== model.version ? { cause: "model" } : reason;
      const snapshot = snapshotOf(result);
      // advanceState returns the very state it was given when no event was added: a decay pass
      // or a property change then leaves the stored state as it is instead of rewriting it.
      if (!current || state !== stored.state) {
        stateRows.push({
          contact_id: contact.id,
          model_key: model.key,
          model_version: model.version,
          state: serializeState(state),
        });
      }
      const before = previous.get(key);
      const beforeSnapshot = before ? snapshotOfRow(before) : undefined;
      // A merge is always recorded: the merged contact's history now belongs to the survivor,
      // and the survivor's history must end at its current score even when the merge left it as is.
      if (
        reason.cause !== "merge" &&
        beforeSnapshot &&
        before?.model_version === model.version &&
        sameSnapshot(beforeSnapshot, snapshot)
      )
        continue;
      // Serialised once for the score row and the history row.
      const columns = historyColumnsOf(snapshot);
      scoreRows.push({
        contact_id: contact.id,
        model_key: model.key,
        model_version: model.version,
        ...columns,
        fit_grade: snapshot.fitGrade,
        engagement_grade: snapshot.engagementGrade,
        as_of_ms: asOfMs,
        updated_ms: nowMs,
      });
      const detail = detailOf(cause, contact.id, model.version);
      changes.push({
        contact: { id: contact.id, email: contact.email, properties },
        modelKey: model.key,
        modelVersion: model.version,
        before: beforeSnapshot,
        after: snapshot,
        cause: cause.cause,
        detail,
        ledger: () =>
          withSenderEventIds(
            store.transaction,
            advanceState(model.evaluator, startState, applied, properties, company, nowMs, { ledger: true })
              .result.ledger ?? [],
          ),
      });
      historyRows.push({
        contact_id: contact.id,
        model_key: model.key,
        model_version: model.version,
        at_ms: nowMs,
        as_of_ms: asOfMs,
        cause: cause.cause,
        detail: JSON.stringify(detail),
        ...columns,
        previous_total: beforeSnapshot?.total ?? null,
      });
    }
  }
  return { inputs, stateRows, scoreRows, historyRows, changes };
}

export async function writePlan(store: ScoringStore, plan: ScorePlan, nowMs: number): Promise<ScoreOutcome> {
  await store.writeStates(plan.stateRows);
  await store.writeScores(plan.scoreRows);
  await store.appendHistory(plan.historyRows);
  // Alerts are decided here, in the scoring transaction: committed with the score or not at all.
  await recordAlerts(store.transaction, plan.changes, nowMs);
  return { changed: plan.scoreRows.length, history: plan.historyRows.length };
}

async function readInputs(
  store: ScoringStore,
  models: readonly ActiveModel[],
  ids: readonly string[],
): Promise<PlanInputs> {
  const contacts = await store.contacts(ids);
  const companyIds = [...new Set(contacts.map((c) => c.company_id).filter((id): id is string => !!id))];
  return {
    ids,
    models: models.map((model) => ({ key: model.key, version: model.version })),
    contacts,
    companies: await store.companies(companyIds),
    states: await store.states(ids),
    scores: await store.scores(ids),
  };
}

/**
 * Whether the plan's contacts, companies, states, scores and published models are as they were
 * when it was computed (read again in the caller's write transaction, which holds the lock).
 */
export async function planStillValid(
  store: ScoringStore,
  plan: ScorePlan,
  models: readonly ActiveModel[],
): Promise<boolean> {
  const now = await readInputs(store, models, plan.inputs.ids);
  const was = plan.inputs;
  return (
    sameRows(now.models, was.models, (m) => m.key) &&
    sameRows(now.contacts, was.contacts, (c) => c.id) &&
    sameRows(now.companies, was.companies, (c) => c.id) &&
    sameRows(now.states, was.states, (row) => `${row.model_key}\u0000${row.contact_id}`) &&
    sameRows(now.scores, was.scores, (row) => `${row.model_key}\u0000${row.contact_id}`)
  );
}

/** The same rows, column for column, whatever their order. */
function sameRows<T extends object>(a: readonly T[], b: readonly T[], keyOf: (row: T) => string): boolean {
  if (a.length !== b.length) return false;
  const byKey = new Map(b.map((row) => [keyOf(row), row]));
  for (const row of a) {
    const other = byKey.get(keyOf(row));
    if (!other) return false;
    for (const column of Object.keys(row) as Array<keyof T>) if (row[column] !== other[column]) return false;
  }
  return true;
}

/**
 * A rebuilt state's events: the stored ones and the new ones. A SQLite slice takes its events off
 * the queue before scoring them, so the stored ones may already hold them: each counts once.
 */
function rebuiltWith(stored: readonly ScoringEvent[], added: readonly ScoringEvent[]): ScoringEvent[] {
  if (added.length === 0) return [...stored];
  const addedIds = new Set(added.map((event) => event.id));
  return [...stored.filter((event) => !addedIds.has(event.id)), ...added];
}

function detailOf(reason: ScoreCause, contactId: string, version: number): Record<string, unknown> {
  switch (reason.cause) {
    case "event":
      return { eventIds: reason.eventIds.get(contactId) ?? [] };
    case "company":
      return { companyId: reason.companyId };
    case "model":
      return { modelVersion: version };
    case "merge":
      return { mergedContactId: reason.mergedId };
    default:
      return {};
  }
}

/** Every stored event of a contact, as the engine reads them, in time order. */
export async function eventsOf(tx: Kysely<Tables>, contactId: string): Promise<ScoringEvent[]> {
  const rows = groupEvents(await allEvents(tx, [contactId])).get(contactId) ?? [];
  return rows.map(scoringEventOf);
}

/** The contact's events still waiting in the score queue. */
export async function queuedEventsOf(tx: Kysely<Tables>, contactId: string): Promise<ScoringEvent[]> {
  return (await queuedEvents(tx, [contactId]).execute()).map(scoringEventOf);
}
