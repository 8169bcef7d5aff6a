// Scoring throughput in-process on SQLite without triggers, with triggers that rarely fire, and with
// triggers that fire for every contact (outbox rows + lifecycle; delivery off). Needs `npm run build`;
// run: node bench/alerts-overhead.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { readTemplate } from "../dist/model/template-files.js";
import { loadConfig } from "../dist/service/config.js";
import { ScoringService } from "../dist/service/service.js";

const CONTACTS = 5000,
  PER = 8,
  TYPES = ["page_view", "email_open", "email_click", "content_download", "form_submission"];
async function run(label, triggers) {
  const dir = mkdtempSync(join(tmpdir(), "alertbench-"));
  const config = loadConfig({
    env: {},
    overrides: { dataDir: dir, decayIntervalSeconds: 0, scoring: false, alertDelivery: false },
  });
  const svc = await ScoringService.open(config, pino({ level: "silent" }));
  const v = await svc.publishing.upload("b2b", await readTemplate("b2b"));
  await svc.publishing.publish(v.key, v.version);
  await svc.publishing.idle();
  if (triggers) {
    const t = await svc.alerts.upload(triggers);
    await svc.alerts.publish(t.version);
  }
  const now = Date.now();
  const events = [];
  for (let c = 0; c < CONTACTS; c++)
    for (let i = 0; i < PER; i++)
      events.push({
        id: `e${c}-${i}`,
        contactId: `c${c}`,
        type: TYPES[(c + i) % TYPES.length],
        timeMs: now - (PER - i) * 3600_000,
        properties: {},
      });
  for (let i = 0; i < events.length; i += 5000) await svc.ingestor.ingest(events.slice(i, i + 5000));
  const t0 = performance.now();
  await svc.scorer.drain();
  const ms = performance.now() - t0;
  const outbox = await svc.db
    .selectFrom("alert_outbox")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  const states = await svc.db
    .selectFrom("trigger_states")
    .select((eb) => eb.fn.countAll().as("n"))
    .executeTakeFirst();
  console.log(
    `${label}: ${events.length} events in ${ms.toFixed(0)} ms = ${((events.length / ms) * 1000).toFixed(0)} events/s; outbox ${outbox.n}, trigger states ${states.n}`,
  );
  await svc.close();
  rmSync(dir, { recursive: true, force: true });
}
const hook = `{ webhook: { url: "http://127.0.0.1:9/x", secret: "0123456789abcdef" } }`;
await run("no triggers", undefined);
await run(
  "triggers, rarely fire",
  `triggers:\n  - { id: never, when: { score: total, above: 100000 }, actions: [${hook}] }\n`,
);
await run(
  "triggers, fire for every contact",
  `triggers:\n  - { id: any, when: { score: total, above: -1000 }, actions: [${hook}, { lifecycle: { stage: mql, owner: { roundRobin: [a, b] } } }] }\n`,
);
await run("no triggers (again)", undefined);
