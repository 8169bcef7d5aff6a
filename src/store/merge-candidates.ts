/** The merge_candidates table: pairs of contacts an admin may merge. */
import type { Kysely } from "kysely";
import type { Tables } from "./tables.js";

export type MergeCandidateRow = Tables["merge_candidates"];

export class MergeCandidateQueries {
  constructor(private readonly db: Kysely<Tables>) {}

  /** Records a candidate once: the same pair seen again keeps its first record. */
  async record(row: MergeCandidateRow): Promise<void> {
    await this.db
      .insertInto("merge_candidates")
      .values(row)
      .onConflict((oc) => oc.columns(["survivor_id", "merged_id"]).doNothing())
      .execute();
  }

  /** Open candidates, oldest first: both contacts still exist on their own (not merged since). */
  open(limit: number): Promise<MergeCandidateRow[]> {
    return this.db
      .selectFrom("merge_candidates as m")
      .innerJoin("contacts as s", "s.id", "m.survivor_id")
      .innerJoin("contacts as d", "d.id", "m.merged_id")
      .select(["m.survivor_id", "m.merged_id", "m.reason", "m.email", "m.created_ms"])
      .orderBy("m.created_ms")
      .orderBy("m.survivor_id")
      .orderBy("m.merged_id")
      .limit(limit)
      .execute();
  }

  /** Removes the candidates naming this contact (merged: it is now an alias). */
  async settle(mergedId: string): Promise<void> {
    await this.db
      .deleteFrom("merge_candidates")
      .where((eb) => eb.or([eb("survivor_id", "=", mergedId), eb("merged_id", "=", mergedId)]))
      .execute();
  }
}
