/**
 * PostgreSQL: the one-statement ingest (store/pg-ingest.ts) as a function whose statement is
 * planned once per connection. Sent as a statement, it was planned again at every call (the
 * connections plan every statement for its parameters: `plan_cache_mode = force_custom_plan`,
 * store/database.ts), and planning its joins took longer than running them (under single-event
 * load, by pg_stat_statements; bench/HISTORY.md has the figures). PL/pgSQL
 * keeps the plan of its statements; the function's own `plan_cache_mode` makes that plan the
 * generic one from the first call. A generic plan guesses 10 rows per array: every table is
 * read through a lateral look-up by key (`limit 1` keeps the planner from turning it back into a
 * join: both keys are unique), so that the plan probes the index for each key
 * whatever the guess and the table's size (as a join, the plan chose to scan all 10,000
 * contacts of the bench to hold one). And no table is scanned whole (`enable_seqscan = off`): a
 * plan lives as long as its connection, and one made while a table was empty (contact_aliases,
 * before any merge) chose to scan it for each key, which would stay so as the table grew.
 * SQLite has no such statement.
 */
import { type Kysely, type Migration, sql } from "kysely";
import type { Dialect } from "../database.js";

export const INGEST_FUNCTION = "leadscore_ingest_known_contacts";

export function ingestFunction(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await sql
        .raw(`create or replace function ${INGEST_FUNCTION}(
  p_ids text[], p_emails text[], p_event_ids text[], p_refs text[], p_types text[],
  p_times bigint[], p_properties text[], p_received bigint[])
returns table (kind text, key text, value text)
language plpgsql volatile
set plan_cache_mode = force_generic_plan
set enable_seqscan = off
as $fn$
#variable_conflict use_column
begin
  return query
  with refs as (
    select 'id:' || r.id as ref, coalesce(a.contact_id, r.id) as contact_id
    from unnest(p_ids) as r(id)
    left join lateral (select contact_id from contact_aliases where alias_id = r.id limit 1) a on true
    union all
    select 'email:' || r.email, c.id
    from unnest(p_emails) as r(email)
    left join lateral (select id from contacts where email = r.email limit 1) c on true
  ),
  held as (
    select c.id
    from (select distinct contact_id from refs where contact_id is not null order by contact_id) r
    cross join lateral (select id from contacts where id = r.contact_id for key share) c
  ),
  ready as (
    select (select count(*) from held) = (select count(distinct contact_id) from refs)
      and not exists (select 1 from refs where contact_id is null) as ok
  ),
  inserted as (
    insert into events (event_id, contact_id, type, time_ms, properties, received_ms)
    select e.event_id, refs.contact_id, e.type, e.time_ms, e.properties, e.received_ms
    from unnest(p_event_ids, p_refs, p_types, p_times, p_properties, p_received)
      with ordinality as e(event_id, ref, type, time_ms, properties, received_ms, n)
    join refs on refs.ref = e.ref
    where (select ok from ready)
    order by e.n
    on conflict (event_id) do nothing
    returning event_id, seq
  ),
  queued as (
    insert into score_queue (seq) select seq from inserted
  )
  select 'held'::text, ''::text, (select ok from ready)::text
  union all select 'contact'::text, ref, contact_id from refs
  union all select 'event'::text, event_id, seq::text from inserted;
end
$fn$`)
        .execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (dialect !== "postgres") return;
      await sql
        .raw(
          `drop function if exists ${INGEST_FUNCTION}(text[], text[], text[], text[], text[], bigint[], text[], bigint[])`,
        )
        .execute(db);
    },
  };
}
