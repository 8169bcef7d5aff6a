import type { Kysely } from "kysely";
import type { ScoringEvent } from "../../src/engine/index.js";
import { senderEventIds } from "../../src/store/contact-events.js";
import type { Tables } from "../../src/store/tables.js";

/** The sender's ids of events as the service's scoring names them (by seq, service/scoring/evidence.ts). */
export async function senderIdsOf(db: Kysely<Tables>, events: readonly ScoringEvent[]): Promise<string[]> {
  const ids = await senderEventIds(
    db,
    events.map((event) => Number(event.id)),
  );
  return events.map((event) => ids.get(Number(event.id)) ?? `no event with seq ${event.id}`);
}
