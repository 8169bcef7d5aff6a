/**
 * Event types no published model scores: a typo (`pgae_veiw`) is stored and never counts. The
 * ingest answer names them, a counter counts them (no type label: its values are the clients'),
 * and `list` tells, per type seen, which published models score it.
 */
import type { Evaluator } from "../../engine/api.js";
import type { ModelRegistry, ModelStore } from "../models/models.js";

interface PublishedTypes {
  models: Array<{ key: string; version: number; evaluator: Evaluator }>;
  readAtMs: number;
}

export interface EventTypeUse {
  type: string;
  events: number;
  scoredBy: Array<{ key: string; version: number }>;
}

/** The store port of event types: the published models, and the types stored. */
export interface EventTypeStore {
  readonly models: ModelStore;
  /** Every event type stored, with its number of events, by type. */
  eventTypeCounts(): Promise<Array<{ type: string; events: number }>>;
}

/** How long the published models' types are reused before being read again. */
const REFRESH_MS = 1000;

export class EventTypes {
  /** Events stored whose type no published model scored at the time, since start. */
  unscoredEvents = 0;
  private published: PublishedTypes | undefined;

  constructor(
    private readonly store: EventTypeStore,
    private readonly models: ModelRegistry,
    private readonly clock: () => number,
  ) {}

  /**
   * The types of the events stored (`stored[i]`) that no published model scores, once each,
   * in order; counts those events. With no model published, nothing is reported.
   */
  async noteStored(events: ReadonlyArray<{ type: string }>, stored: readonly boolean[]): Promise<string[]> {
    const models = (await this.publishedTypes()).models;
    if (models.length === 0) return [];
    const unscored = new Set<string>();
    events.forEach((event, i) => {
      if (models.some((model) => model.evaluator.countsEventType(event.type))) return;
      unscored.add(event.type);
      if (stored[i]) this.unscoredEvents++;
    });
    return [...unscored];
  }

  /** Every type stored, with its number of events and the published models that score it. */
  async list(): Promise<EventTypeUse[]> {
    const models = (await this.publishedTypes(true)).models;
    const rows = await this.store.eventTypeCounts();
    return rows.map((row) => ({
      type: row.type,
      events: row.events,
      scoredBy: models
        .filter((model) => model.evaluator.countsEventType(row.type))
        .map(({ key, version }) => ({ key, version })),
    }));
  }

  private async publishedTypes(fresh = false): Promise<PublishedTypes> {
    const now = this.clock();
    if (!fresh && this.published && now - this.published.readAtMs < REFRESH_MS) return this.published;
    const active = await this.models.active(this.store.models);
    this.published = {
      readAtMs: now,
      models: active.map(({ key, version, evaluator }) => ({ key, version, evaluator })),
    };
    return this.published;
  }
}
