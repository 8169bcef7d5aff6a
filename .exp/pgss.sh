#!/bin/bash
# usage: pgss.sh LOG OUT : resets pg_stat_statements at the single phase's start, dumps at its end
LOG=$1; OUT=$2
until grep -q "single events at 1,000" $LOG; do sleep 0.5; done
psql -h 127.0.0.1 -U postgres test -qc "select pg_stat_statements_reset()" > /dev/null
until grep -q "postgres single x10:" $LOG; do sleep 0.5; done
psql -h 127.0.0.1 -U postgres test -c "select calls, round(total_exec_time::numeric,0) exec_ms, round(total_plan_time::numeric,0) plan_ms, round((total_exec_time/greatest(calls,1))::numeric,3) mean, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 150) q from pg_stat_statements order by total_exec_time + total_plan_time desc limit 25" > $OUT
