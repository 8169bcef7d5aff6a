const N = 2000 * 90;
const nums = Array.from({ length: N }, (_, i) => 150000 + i * 7 + (i % 13));
const strs = nums.map(String);
const re = /^(?:0|[1-9][0-9]{0,14})$/;
for (let r = 0; r < 5; r++) {
  let t = performance.now(); let x = 0;
  for (const n of nums) x += String(n).length;
  const a = (performance.now() - t) / N * 1e6;
  t = performance.now();
  for (const s of strs) if (re.test(s)) x += Number(s);
  const b = (performance.now() - t) / N * 1e6;
  t = performance.now();
  for (const s of strs) { let v = 0; const L = s.length; let ok = L > 0 && L <= 15 && (L === 1 || s.charCodeAt(0) !== 48); for (let k = 0; ok && k < L; k++) { const c = s.charCodeAt(k) - 48; if (c < 0 || c > 9) ok = false; else v = v * 10 + c; } if (ok) x += v; }
  const c = (performance.now() - t) / N * 1e6;
  if (r === 4) console.log(`String(n) ${a.toFixed(0)} ns, regex+Number ${b.toFixed(0)} ns, char loop ${c.toFixed(0)} ns`, x > 0);
}
