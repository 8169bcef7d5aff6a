import D from "better-sqlite3";
import { parseState, serializeState } from "../dist/engine/state.js";
const db = new D(process.argv[2], { readonly: true });
const rows = db.prepare("select state from contact_states").all().map((r) => r.state);
const states = rows.map(parseState);
let before = 0, after = 0;
const out = states.map(serializeState);
for (let i = 0; i < rows.length; i++) { before += rows[i].length; after += out[i].length; }
console.log(`${rows.length} states: stored ${Math.round(before / rows.length)} B avg -> ${Math.round(after / rows.length)} B`);
for (const [name, strings] of [["old", rows], ["new", out]]) {
  let t = performance.now();
  for (let k = 0; k < 20; k++) for (const s of strings) parseState(s);
  const parse = (performance.now() - t) / 20 / strings.length * 1000;
  const parsed = strings.map(parseState);
  t = performance.now();
  for (let k = 0; k < 20; k++) for (const s of parsed) serializeState(s);
  const ser = (performance.now() - t) / 20 / strings.length * 1000;
  console.log(`${name}: parse ${parse.toFixed(1)} µs, serialize ${ser.toFixed(1)} µs per state`);
}
const bigIdx = rows.map((r, i) => [r.length, i]).filter(([l]) => l > 1500).map(([, i]) => i);
const bigRows = bigIdx.map((i) => rows[i]), bigOut = bigIdx.map((i) => out[i]);
let b = 0, a = 0; for (let i = 0; i < bigRows.length; i++) { b += bigRows[i].length; a += bigOut[i].length; }
console.log(`${bigRows.length} states over 1,500 B: ${Math.round(b / bigRows.length)} -> ${Math.round(a / bigRows.length)} B`);
// plain serialization of the same states (no dictionary) for the time comparison
for (const [name, strings] of [["big stored", bigRows], ["big new", bigOut]]) {
  let t = performance.now();
  for (let k = 0; k < 50; k++) for (const s of strings) parseState(s);
  console.log(`${name}: parse ${((performance.now() - t) / 50 / strings.length * 1000).toFixed(1)} µs`);
}
