/**
 * One measurement of bench/request-cost.ts, in its own process: the HTTP stack of the checkout
 * at `root` (its dist/ built), through Fastify's inject (no sockets), on a fresh SQLite folder
 * with the b2b model published and scoring off. After a warm-up, `batches` requests of 100
 * events, 16 in flight, are timed (process CPU) and their allocations sampled (V8's sampling
 * heap profiler, objects freed by GC included). Prints one JSON line.
 * Usage: node request-cost-child.js <root> <warmup batches> <batches>
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

const totalBytes = (node: SamplingNode): number =>
  node.children.reduce((sum, child) => sum + totalBytes(child), node.selfSize);

const [root, warmupArg, batchesArg] = process.argv.slice(2);
// Another checkout's build: its modules are loaded by path, typed loosely on purpose.
// biome-ignore lint/suspicious/noExplicitAny: modules of another version of the project
const load = (path: string): Promise<any> => import(join(root, "dist", path));
const { loadConfig } = await load("service/config.js");
const { ScoringService } = await load("service/service.js");
const { buildApp } = await load("server/app.js");
const { createApiKey, SCOPES } = await load("service/api-keys.js");

const dir = mkdtempSync(join(tmpdir(), "leadscore-request-cost-"));
const log = pino({ level: "silent" });
const service = await ScoringService.open(
  loadConfig({ env: {}, overrides: { dataDir: dir, scoring: false, port: 0 } }),
  log,
);
const model = await service.publishing.upload(
  "b2b",
  readFileSync(join(root, "src/model/templates/b2b.yaml"), "utf8"),
);
await service.publishing.publish("b2b", model.version);
await service.publishing.idle();
const { app } = await buildApp(service, log);
await app.ready();
// Versions before scopes had read and write; later ones have admin.
const scope = (SCOPES as string[]).includes("admin") ? "admin" : "write";
const key = (await createApiKey(service.db, "bench", scope)).key;

// The same pseudo-random events in every process: contacts, types and times from a fixed seed.
let seed = 12345;
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const TYPES = ["page_view", "email_open", "form_submit", "webinar_attended", "email_click"];
const START_MS = Date.now() - 30 * 86_400_000;
let sequence = 0;
function body(): string {
  const events = Array.from({ length: 100 }, () => {
    sequence++;
    return {
      id: `ev-${sequence}`,
      contactId: `c-${Math.floor(random() * 10_000)}`,
      type: TYPES[Math.floor(random() * TYPES.length)],
      timestamp: new Date(START_MS + sequence * 1000).toISOString(),
      properties: { url: "/pricing", campaign: "winter", n: sequence % 7 },
    };
  });
  return JSON.stringify({ events });
}

const send = (batches: number) => sendPrepared(Array.from({ length: batches }, body));

async function sendPrepared(all: string[]): Promise<void> {
  for (let i = 0; i < all.length; i += 16) {
    const bodies = all.slice(i, i + 16);
    const answers = await Promise.all(
      bodies.map((payload) =>
        app.inject({
          method: "POST",
          url: "/v1/events/batch",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          payload,
        }),
      ),
    );
    for (const answer of answers)
      if (answer.statusCode !== 200) throw new Error(`${answer.statusCode}: ${answer.body}`);
  }
}

const batches = Number(batchesArg);
await send(Number(warmupArg));
const bodies = Array.from({ length: batches }, body);
// Sampling records stacks, which counted instructions would include: request-instructions.sh
// turns it off.
const sampleHeap = process.env.REQUEST_COST_HEAP !== "off";
const session = new Session();
session.connect();
if (sampleHeap)
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
const cpuBefore = process.cpuUsage();
await sendPrepared(bodies);
const cpu = process.cpuUsage(cpuBefore);
const allocated = sampleHeap
  ? totalBytes((await session.post("HeapProfiler.stopSampling")).profile.head as SamplingNode)
  : Number.NaN;
session.disconnect();
process.stdout.write(
  `${JSON.stringify({
    cpuMicrosPerBatch: (cpu.user + cpu.system) / batches,
    allocatedKiBPerBatch: allocated / batches / 1024,
  })}\n`,
);
await app.close();
await service.close();
rmSync(dir, { recursive: true, force: true });
