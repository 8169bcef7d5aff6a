/**
 * SQLite: a counter, `scoring_inputs`, that every change to what a score is computed from bumps
 * through triggers: contacts changed or deleted (new contacts are not read by a plan made
 * before them), companies, contact states, scores and published model versions. A scoring slice
 * computes its scores outside the write lock (score-contacts.ts `planScores`); when the counter
 * is the same under the lock as when the plan read its inputs, nothing the plan read can have
 * changed and it is written without reading them again (`planStillValid` compares them
 * otherwise). Triggers rather than calls in the code: every writer is covered, another process
 * included. The row exists on PostgreSQL too, unused: there a pass locks its contacts instead.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

const WATCHED: ReadonlyArray<{ table: string; on: readonly string[] }> = [
  { table: "contacts", on: ["update", "delete"] },
  { table: "companies", on: ["insert", "update", "delete"] },
  { table: "contact_states", on: ["insert", "update", "delete"] },
  { table: "scores", on: ["insert", "update", "delete"] },
  { table: "model_heads", on: ["insert", "update", "delete"] },
];

const triggers = WATCHED.flatMap(({ table, on }) =>
  on.map((event) => ({ table, event, name: `${table}_${event}_scoring_inputs` })),
);

export function scoringInputs(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await sql`insert into counters (name, value) values ('scoring_inputs', 0)`.execute(db);
      if (dialect !== "sqlite") return;
      for (const { table, event, name } of triggers) {
        await sql
          .raw(
            `create trigger ${name} after ${event} on ${table} begin update counters set value = value + 1 where name = 'scoring_inputs'; end`,
          )
          .execute(db);
      }
    },
    async down(db: Kysely<unknown>) {
      if (dialect === "sqlite")
        for (const { name } of triggers) await sql.raw(`drop trigger ${name}`).execute(db);
      await sql`delete from counters where name = 'scoring_inputs'`.execute(db);
    },
  };
}
