/**
 * Scoring in the service names each event by its seq (see `scoringEventOf`): a contact's state
 * stores those as small numbers instead of the sender's ids (a uuid is 39 characters of JSON,
 * the difference between two seqs a few), and the state is most of what a scoring pass reads and
 * writes per contact. Every ledger that leaves the scorer goes through `withSenderEventIds`.
 */
import type { Kysely } from "kysely";
import type { LedgerLine, ScoringEvent } from "../../engine/index.js";
import { senderEventIds } from "../../store/contact-events.js";
import type { Tables } from "../../store/tables.js";
import { jsonObject } from "../shared/json.js";

/** A stored event as the service's scoring reads it: named by its seq. */
export function scoringEventOf(row: {
  seq: number;
  type: string;
  time_ms: number;
  properties: string;
}): ScoringEvent {
  return { id: String(row.seq), type: row.type, timeMs: row.time_ms, properties: jsonObject(row.properties) };
}

/** The ledger with each event named by the sender's id instead of its seq (one read for all). */
export async function withSenderEventIds(
  db: Kysely<Tables>,
  lines: readonly LedgerLine[],
): Promise<LedgerLine[]> {
  // Only seqs: anything else (none here, every event the scorer sees comes from the events table) stays as it is.
  const seqs = lines.flatMap((line) => (line.eventIds ?? []).map(Number)).filter(Number.isSafeInteger);
  if (seqs.length === 0) return [...lines];
  const ids = await senderEventIds(db, seqs);
  return lines.map((line) =>
    line.eventIds ? { ...line, eventIds: line.eventIds.map((seq) => ids.get(Number(seq)) ?? seq) } : line,
  );
}
