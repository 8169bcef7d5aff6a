/**
 * Merge candidates: two contacts that look like one person, recorded instead of merged because
 * the request came with an ingest key (the key a website embeds, which anyone can read, must
 * not be able to fold a known contact into another). An admin lists them and merges with
 * POST /v1/contacts/merge; a merge removes the candidates it settles.
 */
import type { Kysely } from "kysely";
import type { Tables } from "../../store/tables.js";

export type MergeReason = "email" | "alias";

export interface MergeCandidate {
  survivorId: string;
  mergedId: string;
  reason: MergeReason;
  /** The email both contacts claim (reason email). */
  email: string | null;
  createdAt: string;
}

/** Records a candidate once: the same pair seen again keeps its first record. */
export async function recordMergeCandidate(
  db: Kysely<Tables>,
  candidate: { survivorId: string; mergedId: string; reason: MergeReason; email?: string | undefined },
  nowMs: number,
): Promise<void> {
  await db
    .insertInto("merge_candidates")
    .values({
      survivor_id: candidate.survivorId,
      merged_id: candidate.mergedId,
      reason: candidate.reason,
      email: candidate.email ?? null,
      created_ms: nowMs,
    })
    .onConflict((oc) => oc.columns(["survivor_id", "merged_id"]).doNothing())
    .execute();
}

/** Open candidates, oldest first: both contacts still exist on their own (not merged since). */
export async function listMergeCandidates(db: Kysely<Tables>, limit: number): Promise<MergeCandidate[]> {
  const rows = await db
    .selectFrom("merge_candidates as m")
    .innerJoin("contacts as s", "s.id", "m.survivor_id")
    .innerJoin("contacts as d", "d.id", "m.merged_id")
    .select(["m.survivor_id", "m.merged_id", "m.reason", "m.email", "m.created_ms"])
    .orderBy("m.created_ms")
    .orderBy("m.survivor_id")
    .orderBy("m.merged_id")
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    reason: row.reason as MergeReason,
    email: row.email,
    createdAt: new Date(row.created_ms).toISOString(),
  }));
}

/** After a merge: candidates naming the merged contact are settled (it is now an alias). */
export async function settleMergeCandidates(db: Kysely<Tables>, mergedId: string): Promise<void> {
  await db
    .deleteFrom("merge_candidates")
    .where((eb) => eb.or([eb("survivor_id", "=", mergedId), eb("merged_id", "=", mergedId)]))
    .execute();
}
