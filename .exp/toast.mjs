import pg from "pg";
import { randomUUID } from "node:crypto";
const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:5432/test", max: 1 });
const N = 10000, ROWS = 100, ITER = 150;
function state(n) {
  const ids = Array.from({ length: n }, () => randomUUID());
  const ms = Array.from({ length: n }, () => Math.floor(Math.random() * 1e6));
  return JSON.stringify({ v: 2, w: 1790000000000, k: ["page", "email_open", "form"], t: ms.map((x) => x % 3), ms, id: ids, p: { url: ms.map((x) => (x % 5 ? "/pricing" : null)) } });
}
const variants = {
  pglz: "",
  //lz4: "alter table st alter column state set compression lz4",
  //external: "alter table st alter column state set storage external",
  //main8160: "alter table st alter column state set storage main; alter table st set (toast_tuple_target = 8160)",
  //lz4main8160: "alter table st alter column state set compression lz4; alter table st alter column state set storage main; alter table st set (toast_tuple_target = 8160)",
};
const size = Number(process.argv[2] ?? 45);
for (const [name, ddl] of Object.entries(variants)) {
  const c = await pool.connect();
  await c.query("drop schema if exists x_toast cascade; create schema x_toast; set search_path = x_toast");
  await c.query("create table st (contact_id text not null, model_key text not null, model_version int not null, state text not null, primary key (contact_id, model_key))");
  if (ddl) await c.query(ddl);
  const ids = Array.from({ length: N }, (_, i) => `c${String(i).padStart(6, "0")}`);
  for (let i = 0; i < N; i += 500) {
    const part = ids.slice(i, i + 500);
    await c.query("insert into st select * from unnest($1::text[], $2::text[], $3::int[], $4::text[])", [part, part.map(() => "b2b"), part.map(() => 1), part.map(() => state(size))]);
  }
  await c.query("vacuum analyze st");
  const sql = "insert into st (contact_id, model_key, model_version, state) select * from unnest($1::text[], $2::text[], $3::int[], $4::text[]) on conflict (contact_id, model_key) do update set model_version = excluded.model_version, state = excluded.state";
  const sel = "select * from st where contact_id = any($1::text[])";
  const times = [], reads = [];
  const wal0 = (await c.query("select pg_current_wal_lsn() as l")).rows[0].l;
  for (let k = 0; k < ITER; k++) {
    const part = Array.from({ length: ROWS }, () => ids[Math.floor(Math.random() * N)]);
    const uniq = [...new Set(part)].sort();
    const states = uniq.map(() => state(size));
    let t = performance.now();
    await c.query(sel, [uniq]);
    reads.push(performance.now() - t);
    t = performance.now();
    await c.query(sql, [uniq, uniq.map(() => "b2b"), uniq.map(() => 1), states]);
    times.push(performance.now() - t);
  }
  const wal1 = (await c.query("select pg_current_wal_lsn() as l")).rows[0].l;
  const walBytes = (await c.query("select pg_wal_lsn_diff($1, $2) as d", [wal1, wal0])).rows[0].d;
  const sz = (await c.query("select pg_total_relation_size('st') as s")).rows[0].s;
  const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.floor(a.length * p)].toFixed(2);
  const mean = (a) => (a.reduce((s, x) => s + x, 0) / a.length).toFixed(2);
  console.log(`${name}: state ${state(size).length} B; upsert mean ${mean(times)} p50 ${q(times, 0.5)} p99 ${q(times, 0.99)} ms; read mean ${mean(reads)} ms; WAL/upsert ${(walBytes / ITER / 1024).toFixed(0)} KB; size ${(sz / 1e6).toFixed(1)} MB`);
  c.release();
}
await pool.query("drop schema if exists x_toast cascade");
await pool.end();
