/**
 * A contact's events, read through the applied-events index (contact_events, migration 006) and
 * the score queue: events has no index by contact, so that storing an event stays cheap.
 */
import type { Kysely } from "kysely";
import { chunks } from "./rows.js";
import type { Tables } from "./tables.js";

/** Events already applied to the contacts' scores, up to a time if given. */
export function appliedEvents(db: Kysely<Tables>, contactIds: readonly string[], upToMs?: number) {
  let query = db
    .selectFrom("contact_events as c")
    .innerJoin("events as e", "e.seq", "c.seq")
    .select(["e.seq", "c.contact_id", "e.event_id", "e.type", "e.time_ms", "e.properties"])
    .where("c.contact_id", "in", contactIds);
  if (upToMs !== undefined) query = query.where("c.time_ms", "<=", upToMs);
  return query;
}

/** Events of the contacts still waiting in the score queue, up to a time if given. */
export function queuedEvents(db: Kysely<Tables>, contactIds: readonly string[], upToMs?: number) {
  let query = db
    .selectFrom("score_queue as q")
    .innerJoin("events as e", "e.seq", "q.seq")
    .select(["e.seq", "e.contact_id", "e.event_id", "e.type", "e.time_ms", "e.properties"])
    .where("e.contact_id", "in", contactIds);
  if (upToMs !== undefined) query = query.where("e.time_ms", "<=", upToMs);
  return query;
}

/** Every event of the contacts (applied, then queued), up to a time if given. */
export async function allEvents(db: Kysely<Tables>, contactIds: readonly string[], upToMs?: number) {
  if (contactIds.length === 0) return [];
  const applied = await appliedEvents(db, contactIds, upToMs).execute();
  const queued = await queuedEvents(db, contactIds, upToMs).execute();
  return [...applied, ...queued];
}

/**
 * Moves every event of `fromId` to `toId` (a merge): the events' contact, and the applied
 * events' index. Queued events are found through the queue.
 */
export async function moveEvents(db: Kysely<Tables>, fromId: string, toId: string): Promise<void> {
  await db
    .updateTable("events")
    .set({ contact_id: toId })
    .where("seq", "in", (eb) =>
      eb.selectFrom("contact_events").select("seq").where("contact_id", "=", fromId),
    )
    .execute();
  await db
    .updateTable("events")
    .set({ contact_id: toId })
    .where("seq", "in", (eb) =>
      eb
        .selectFrom("score_queue as q")
        .innerJoin("events as queued", "queued.seq", "q.seq")
        .select("q.seq")
        .where("queued.contact_id", "=", fromId),
    )
    .execute();
  await db.updateTable("contact_events").set({ contact_id: toId }).where("contact_id", "=", fromId).execute();
}

/**
 * The sender's ids of events named by their seq (the service's scoring names events by seq, which
 * keeps contact states short; a ledger shown to anyone names them by the sender's id).
 */
export async function senderEventIds(
  db: Kysely<Tables>,
  seqs: readonly number[],
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks([...new Set(seqs)], 500)) {
    const rows = await db.selectFrom("events").select(["seq", "event_id"]).where("seq", "in", part).execute();
    for (const row of rows) out.set(Number(row.seq), row.event_id);
  }
  return out;
}
