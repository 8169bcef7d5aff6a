/**
 * A pass over every contact, page by page (keyset on the id, one transaction per page): brings
 * each contact's scores up to date with the published models and the clock. Used to rescore
 * after a publish and, periodically, so that decay and time windows move stored scores.
 */
import type { ScoringStore } from "../../store/scoring-store.js";
import type { ModelRegistry, ModelStore } from "../models/models.js";
import { type ScoreCause, scoreContacts } from "./score-contacts.js";

/** The store port of a pass (store/store.ts). */
export interface PassStore {
  contactIdsAfter(after: string, limit: number): Promise<string[]>;
  countContacts(): Promise<number>;
  retriedTransaction<T>(
    work: (tx: {
      readonly scoring: ScoringStore;
      readonly models: ModelStore;
      lockContacts(ids: readonly string[]): Promise<void>;
    }) => Promise<T>,
  ): Promise<T>;
}

export interface PassProgress {
  done: number;
  changed: number;
  /** True when shouldStop ended the pass early. */
  stopped?: boolean;
}

export async function rescoreAll(
  store: PassStore,
  models: ModelRegistry,
  reason: ScoreCause,
  options: {
    /** The service's clock: contacts are scored as of it. */
    clock: () => number;
    pageSize?: number;
    /** Checked between pages: a pass can stop cleanly (shutdown) and be run again later. */
    shouldStop?: () => boolean;
    onPage?: (progress: PassProgress) => Promise<void> | void;
  },
): Promise<PassProgress> {
  const pageSize = options.pageSize ?? 500;
  const clock = options.clock;
  const progress: PassProgress = { done: 0, changed: 0 };
  let after = "";
  for (;;) {
    if (options.shouldStop?.()) return { ...progress, stopped: true };
    const ids = await store.contactIdsAfter(after, pageSize);
    if (ids.length === 0) break;
    const outcome = await store.retriedTransaction(async (tx) => {
      await tx.lockContacts(ids);
      return scoreContacts(tx.scoring, await models.active(tx.models), ids, new Map(), reason, clock());
    });
    progress.done += ids.length;
    progress.changed += outcome.changed;
    after = ids[ids.length - 1];
    await options.onPage?.(progress);
    // Let queued ingest run between pages: a long pass must not starve real-time scoring.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return progress;
}
