/**
 * Merge candidates: two contacts that look like one person, recorded instead of merged because
 * the request came with an ingest key (the key a website embeds, which anyone can read, must
 * not be able to fold a known contact into another). An admin lists them and merges with
 * POST /v1/contacts/merge; a merge removes the candidates it settles.
 */

export type MergeReason = "email" | "alias";

export interface MergeCandidate {
  survivorId: string;
  mergedId: string;
  reason: MergeReason;
  /** The email both contacts claim (reason email). */
  email: string | null;
  createdAt: string;
}

interface MergeCandidateRow {
  survivor_id: string;
  merged_id: string;
  reason: string;
  email: string | null;
  created_ms: number;
}

/** The store port of merge candidates (store/merge-candidates.ts). */
export interface MergeCandidateStore {
  /** Records a candidate once: the same pair seen again keeps its first record. */
  record(row: MergeCandidateRow): Promise<void>;
  /** Open candidates, oldest first: both contacts still exist on their own (not merged since). */
  open(limit: number): Promise<MergeCandidateRow[]>;
  /** Removes the candidates naming this contact. */
  settle(mergedId: string): Promise<void>;
}

/** Records a candidate once: the same pair seen again keeps its first record. */
export function recordMergeCandidate(
  store: MergeCandidateStore,
  candidate: { survivorId: string; mergedId: string; reason: MergeReason; email?: string | undefined },
  nowMs: number,
): Promise<void> {
  return store.record({
    survivor_id: candidate.survivorId,
    merged_id: candidate.mergedId,
    reason: candidate.reason,
    email: candidate.email ?? null,
    created_ms: nowMs,
  });
}

/** Open candidates, oldest first: both contacts still exist on their own (not merged since). */
export async function listMergeCandidates(
  store: MergeCandidateStore,
  limit: number,
): Promise<MergeCandidate[]> {
  const rows = await store.open(limit);
  return rows.map((row) => ({
    survivorId: row.survivor_id,
    mergedId: row.merged_id,
    reason: row.reason as MergeReason,
    email: row.email,
    createdAt: new Date(row.created_ms).toISOString(),
  }));
}

/** After a merge: candidates naming the merged contact are settled (it is now an alias). */
export function settleMergeCandidates(store: MergeCandidateStore, mergedId: string): Promise<void> {
  return store.settle(mergedId);
}
