import pg from "pg";
import { randomUUID } from "node:crypto";
const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:5432/test", max: 1 });
const N = 10000, ROWS = 100, ITER = 150;
function state(n) {
  const ids = Array.from({ length: n }, () => randomUUID());
  const ms = Array.from({ length: n }, () => Math.floor(Math.random() * 1e6));
  return JSON.stringify({ v: 2, w: 1790000000000, k: ["page", "email_open", "form"], t: ms.map((x) => x % 3), ms, id: ids, p: { url: ms.map((x) => (x % 5 ? "/pricing" : null)) } });
}
const size = Number(process.argv[2] ?? 45);
const c = await pool.connect();
await c.query("drop schema if exists x_toast cascade; create schema x_toast; set search_path = x_toast");
await c.query("create table st (contact_id text not null, model_key text not null, model_version int not null, state text not null, primary key (contact_id, model_key))");
const ids = Array.from({ length: N }, (_, i) => `c${String(i).padStart(6, "0")}`);
for (let i = 0; i < N; i += 500) {
  const part = ids.slice(i, i + 500);
  await c.query("insert into st select * from unnest($1::text[], $2::text[], $3::int[], $4::text[])", [part, part.map(() => "b2b"), part.map(() => 1), part.map(() => state(size))]);
}
await c.query("vacuum analyze st");
const conflict = " on conflict (contact_id, model_key) do update set model_version = excluded.model_version, state = excluded.state";
const forms = {
  unnest: (uniq, states) => ["insert into st (contact_id, model_key, model_version, state) select * from unnest($1::text[], $2::text[], $3::int[], $4::text[])" + conflict, [uniq, uniq.map(() => "b2b"), uniq.map(() => 1), states]],
  values: (uniq, states) => ["insert into st (contact_id, model_key, model_version, state) values " + uniq.map((_, i) => `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}::int, $${4 * i + 4})`).join(", ") + conflict, uniq.flatMap((id, i) => [id, "b2b", 1, states[i]])],
  unnestStatesValues: (uniq, states) => ["insert into st (contact_id, model_key, model_version, state) select u.c, 'b2b', 1, s.s from unnest($1::text[]) with ordinality u(c, n) join (values " + states.map((_, i) => `(${i + 1}, $${i + 2}::text)`).join(", ") + ") s(n, s) on s.n = u.n" + conflict, [uniq, ...states]],
};
for (let round = 0; round < 2; round++)
for (const [name, form] of Object.entries(forms)) {
  const times = [], prep = [];
  for (let k = 0; k < ITER; k++) {
    const part = Array.from({ length: ROWS }, () => ids[Math.floor(Math.random() * N)]);
    const uniq = [...new Set(part)].sort();
    const states = uniq.map(() => state(size));
    const t = performance.now();
    const [text, values] = form(uniq, states);
    await c.query(text, values);
    times.push(performance.now() - t);
  }
  const q = (a, p) => a.slice().sort((x, y) => x - y)[Math.floor(a.length * p)].toFixed(2);
  const mean = (a) => (a.reduce((s, x) => s + x, 0) / a.length).toFixed(2);
  console.log(`${name}: upsert mean ${mean(times)} p50 ${q(times, 0.5)} p99 ${q(times, 0.99)} ms`);
}
// where is the time: node-side array serialization alone
const states = Array.from({ length: 100 }, () => state(size));
let t = performance.now();
for (let i = 0; i < 100; i++) pg.types && (await import("pg/lib/utils.js")).default.prepareValue(states);
console.log(`node prepareValue of 100 states: ${((performance.now() - t) / 100).toFixed(2)} ms`);
c.release();
await pool.query("drop schema if exists x_toast cascade");
await pool.end();
