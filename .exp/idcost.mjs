import { parseState, serializeState } from "../dist/engine/state.js";
import { randomUUID } from "node:crypto";
const n = 90;
const pages = ["/", "/pricing", "/product/crm", "/blog/a", "/blog/b", "/careers", "/product/support"];
function state(idOf) {
  const times = [], ids = [], types = [], url = [], dur = [];
  let t = 1790000000000, seq = 100000 + Math.floor(Math.random() * 1e5);
  for (let i = 0; i < n; i++) { t += Math.floor(Math.random() * 1e7); seq += 1 + Math.floor(Math.random() * 30); times.push(t); ids.push(idOf(seq)); types.push(i % 3); url.push(i % 3 === 0 ? pages[i % 7] : null); dur.push(i % 3 === 0 ? i * 7 : null); }
  return { watermarkMs: t, typeNames: ["page_view", "email_open", "form"], types, timesMs: times, ids, properties: { url, duration_s: dur } };
}
for (const [name, idOf] of [["uuid", () => randomUUID()], ["seq", (s) => String(s)]]) {
  const states = Array.from({ length: 2000 }, () => state(idOf));
  const json = states.map(serializeState);
  for (let round = 0; round < 3; round++) {
    let t = performance.now();
    for (const s of states) serializeState(s);
    const ser = (performance.now() - t) / states.length * 1000;
    t = performance.now();
    for (const s of json) parseState(s);
    const par = (performance.now() - t) / states.length * 1000;
    if (round === 2) console.log(`${name}: ${Math.round(json.reduce((a, s) => a + s.length, 0) / json.length)} B, serialize ${ser.toFixed(1)} µs, parse ${par.toFixed(1)} µs`);
  }
}
