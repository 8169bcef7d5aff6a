/**
 * Contact states name their events by seq from now on (service/scoring/evidence.ts), where they named
 * them by the sender's id. The states are derived data: they are emptied, and each contact's
 * state is rebuilt from its stored events the next time it is scored (as after publishing a
 * model version); a read in between scores the contact from its events. Kept, an old state
 * would mix the sender's ids with seqs, and a sender's id that is itself a number would be
 * read as a seq in the ledger.
 */
import { type Kysely, type Migration, sql } from "kysely";

export function statesBySeq(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`delete from contact_states`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      await sql`delete from contact_states`.execute(db);
    },
  };
}
