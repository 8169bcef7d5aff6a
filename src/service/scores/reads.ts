/**
 * Reading a contact's scores: computed from its stored state at the asked date (now by
 * default), with every ledger line, so the answer is exact even between decay passes; and its
 * history of changes.
 */
import type { Kysely } from "kysely";
import {
  applyEvents,
  type ContactState,
  emptyState,
  evaluateState,
  parseState,
  type ScoreResult,
} from "../../engine/index.js";
import type { Dialect } from "../../store/database.js";
import { ModelQueries } from "../../store/models.js";
import type { Tables } from "../../store/tables.js";
import { isoTime } from "../../time/timestamps.js";
import type { ContactStore, ContactView } from "../contacts/contacts.js";
import type { ContactRef } from "../identity/identity.js";
import type { ModelRegistry } from "../models/models.js";
import { withSenderEventIds } from "../scoring/evidence.js";
import { contactProperties, eventsOf, queuedEventsOf } from "../scoring/score-contacts.js";
import { InvalidInput, notFound } from "../shared/errors.js";
import { jsonObject } from "../shared/json.js";

export interface ContactScore extends ScoreResult {
  model: { key: string; version: number };
  asOf: string;
}

export interface HistoryEntry {
  seq: number;
  model: { key: string; version: number };
  at: string;
  asOf: string;
  cause: string;
  detail: Record<string, unknown>;
  total: number;
  previousTotal: number | null;
  dimensions: Record<string, number>;
  band: string;
  temperature: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
}

export class ScoreReader {
  constructor(
    private readonly db: Kysely<Tables>,
    private readonly dialect: Dialect,
    private readonly models: ModelRegistry,
    private readonly contacts: ContactStore,
    private readonly clock: () => number,
  ) {}

  async contact(ref: ContactRef): Promise<ContactView> {
    const contact = await this.contacts.find(ref);
    if (!contact) throw notFound(`contact ${ref.contactId ?? ref.email ?? ""}`);
    return contact;
  }

  /** Scores under every published model (or one), with ledgers, as of a date (default now). */
  async scores(
    ref: ContactRef,
    options: { model?: string; asOfMs?: number } = {},
  ): Promise<{ contact: ContactView; scores: ContactScore[] }> {
    const contact = await this.contact(ref);
    // One snapshot for the state and the queued events: a pass committing in between would
    // otherwise make an event count twice or not at all.
    const read = this.db.transaction();
    return (this.dialect === "postgres" ? read.setIsolationLevel("repeatable read") : read).execute((tx) =>
      this.scoresIn(tx, contact, options),
    );
  }

  private async scoresIn(
    db: Kysely<Tables>,
    contact: ContactView,
    options: { model?: string; asOfMs?: number },
  ): Promise<{ contact: ContactView; scores: ContactScore[] }> {
    const row = await db
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", contact.id)
      .executeTakeFirstOrThrow();
    const company = row.company_id
      ? await db
          .selectFrom("companies")
          .select(["id", "properties"])
          .where("id", "=", row.company_id)
          .executeTakeFirst()
      : undefined;
    const companyProperties = company ? { ...jsonObject(company.properties), id: company.id } : undefined;
    let models = await this.models.active(new ModelQueries(db));
    if (options.model) {
      models = models.filter((m) => m.key === options.model);
      if (models.length === 0) throw notFound(`published model ${options.model}`);
    }
    const states = new Map<string, { version: number; state: ContactState }>();
    for (const stored of await db
      .selectFrom("contact_states")
      .select(["model_key", "model_version", "state"])
      .where("contact_id", "=", contact.id)
      .execute()) {
      states.set(stored.model_key, {
        version: stored.model_version,
        state: parseState(stored.state),
      });
    }
    // Events acknowledged but not yet applied by the scorer: a read sees every acknowledged event.
    const queued = await queuedEventsOf(db, contact.id);
    const scores: ContactScore[] = [];
    for (const model of models) {
      const stored = states.get(model.key);
      const state =
        stored && stored.version === model.version
          ? queued.length > 0
            ? applyEvents(model.evaluator, stored.state, queued)
            : stored.state
          : applyEvents(model.evaluator, emptyState(), await eventsOf(db, contact.id));
      const asOfMs = options.asOfMs ?? Math.max(this.clock(), state.watermarkMs);
      if (asOfMs < state.watermarkMs) {
        throw new InvalidInput("asOf: before the contact's latest event", [
          {
            field: "asOf",
            message: `must be on or after ${isoTime(state.watermarkMs)}, the time of the latest event kept for this contact`,
          },
        ]);
      }
      const result = evaluateState(
        model.evaluator,
        state,
        contactProperties(row),
        companyProperties,
        asOfMs,
        {
          ledger: true,
        },
      );
      scores.push({
        model: { key: model.key, version: model.version },
        asOf: isoTime(asOfMs),
        ...result,
        ledger: await withSenderEventIds(db, result.ledger ?? []),
      });
    }
    return { contact, scores };
  }

  /** Newest first; `before` is the seq to page from. */
  async history(
    ref: ContactRef,
    options: { model?: string; limit: number; before?: number },
  ): Promise<{ contact: ContactView; entries: HistoryEntry[]; next: number | null }> {
    const contact = await this.contact(ref);
    let query = this.db
      .selectFrom("score_history")
      .selectAll()
      .where("contact_id", "=", contact.id)
      .orderBy("seq", "desc")
      .limit(options.limit + 1);
    if (options.model) query = query.where("model_key", "=", options.model);
    if (options.before !== undefined) query = query.where("seq", "<", options.before);
    const rows = await query.execute();
    const entries = rows.slice(0, options.limit).map((row) => ({
      seq: row.seq,
      model: { key: row.model_key, version: row.model_version },
      at: isoTime(row.at_ms),
      asOf: isoTime(row.as_of_ms),
      cause: row.cause,
      detail: jsonObject(row.detail),
      total: row.total,
      previousTotal: row.previous_total,
      dimensions: JSON.parse(row.dimensions) as Record<string, number>,
      band: row.band,
      temperature: row.temperature,
      matrix: row.matrix,
      mql: row.mql === 1,
      disqualified: row.disqualified === 1,
    }));
    return { contact, entries, next: rows.length > options.limit ? entries[entries.length - 1].seq : null };
  }
}
