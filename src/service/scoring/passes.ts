/**
 * A pass over every contact, page by page (keyset on the id, one transaction per page): brings
 * each contact's scores up to date with the published models and the clock. Used to rescore
 * after a publish and, periodically, so that decay and time windows move stored scores.
 */
import type { Kysely } from "kysely";
import { retriedTransaction } from "../../store/conflicts.js";
import type { Database } from "../../store/database.js";
import { lockContacts } from "../../store/locks.js";
import { ModelQueries } from "../../store/models.js";
import { scoringStore } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import type { ModelRegistry } from "../models/models.js";
import { type ScoreCause, scoreContacts } from "./score-contacts.js";

export interface PassProgress {
  done: number;
  changed: number;
  /** True when shouldStop ended the pass early. */
  stopped?: boolean;
}

export async function countContacts(db: Kysely<Tables>): Promise<number> {
  const row = await db
    .selectFrom("contacts")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function rescoreAll(
  database: Database,
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
    const ids = (
      await database.db
        .selectFrom("contacts")
        .select("id")
        .where("id", ">", after)
        .orderBy("id")
        .limit(pageSize)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    const outcome = await retriedTransaction(database, async (tx) => {
      await lockContacts(tx, database.dialect, ids);
      return scoreContacts(
        scoringStore(database, tx),
        await models.active(new ModelQueries(tx)),
        ids,
        new Map(),
        reason,
        clock(),
      );
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
