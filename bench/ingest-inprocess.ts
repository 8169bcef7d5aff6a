/**
 * Where ingest and scoring time goes on SQLite, without HTTP: the service in this process on a
 * fresh SQLite folder (log checkpoints in a worker thread, as when serving), the b2b model and
 * 10,000 demo contacts; events stored in requests of 100 with 16 in flight (scoring off), then
 * scored by the scorer's own passes. Every statement run on the connection is timed (a wrapper
 * around better-sqlite3's `prepare`), per phase. `npm run bench -- --inprocess` (with
 * `--inprocess-events 200000`); results in bench/out/inprocess-<date>.json.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import pino from "pino";
import { loadConfig } from "../src/service/config.js";
import type { IncomingEvent } from "../src/service/ingest/ingest.js";
import { ScoringService } from "../src/service/service.js";
import { startCheckpointer } from "../src/store/checkpointer.js";
import { EventFactory, setupData } from "./ingest-events.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MODEL_FILE = join(ROOT, "src/model/templates/b2b.yaml");
const CONTACTS = 10_000;
const PER_REQUEST = 100;
const IN_FLIGHT = 16;

export interface StatementTime {
  phase: "ingest" | "score";
  sql: string;
  calls: number;
  ms: number;
}

export interface InProcessReport {
  events: number;
  contacts: number;
  /** CPU-bound wall time per event of each phase, in µs (one thread does everything). */
  ingestMicrosPerEvent: number;
  scoreMicrosPerEvent: number;
  scoringPasses: number;
  /** The statements that took most time, slowest first. */
  statements: StatementTime[];
}

export function inProcessEvents(argv: string[]): number {
  const index = argv.indexOf("--inprocess-events");
  if (index < 0) return 200_000;
  const value = Number(argv[index + 1]);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--inprocess-events must be a positive integer, got ${argv[index + 1]}`);
  return value;
}

/** Times every run/all/get of the statements prepared from now on, by phase and SQL text. */
function timeStatements(sqlite: BetterSqlite3.Database, phase: () => "ingest" | "score") {
  const times = new Map<string, StatementTime>();
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = ((source: string) => {
    const statement = prepare(source);
    const text = source.replace(/\s+/g, " ").slice(0, 90);
    for (const method of ["run", "all", "get"] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        const started = performance.now();
        try {
          return original(...args);
        } finally {
          const key = `${phase()} ${text}`;
          const entry = times.get(key) ?? { phase: phase(), sql: text, calls: 0, ms: 0 };
          entry.calls++;
          entry.ms += performance.now() - started;
          times.set(key, entry);
        }
      };
    }
    return statement;
  }) as typeof sqlite.prepare;
  return times;
}

export async function benchIngestInProcess(events: number): Promise<InProcessReport> {
  const dir = mkdtempSync(join(tmpdir(), "leadscore-inprocess-"));
  // Scoring on this thread: every statement of both phases runs on the one connection timed here.
  const config = loadConfig({
    env: {},
    overrides: { dataDir: dir, scoring: false, scoringThread: false, port: 0 },
  });
  const service = await ScoringService.open(config, pino({ level: "silent" }));
  const sqlite = service.database.sqlite;
  if (!sqlite) throw new Error("the in-process benchmark runs on SQLite");
  let phase: "ingest" | "score" = "ingest";
  const times = timeStatements(sqlite, () => phase);
  const checkpointer = startCheckpointer(sqlite.name, (error) =>
    process.stderr.write(`checkpoint worker failed, checkpoints run inline: ${error.message}\n`),
  );
  try {
    const version = await service.publishing.upload("b2b", readFileSync(MODEL_FILE, "utf8"));
    await service.publishing.publish("b2b", version.version);
    await service.publishing.idle();
    const data = setupData(CONTACTS, 7);
    await service.contacts.upsertCompanies(data.companies);
    for (let i = 0; i < data.contacts.length; i += 2000)
      await service.contacts.upsertContacts(
        data.contacts.slice(i, i + 2000).map((contact) => ({
          contactId: contact.id,
          email: contact.email,
          companyId: contact.companyId,
          properties: contact.properties,
        })),
      );
    const factory = new EventFactory("uuid", data.contacts, 1);
    const request = (): IncomingEvent[] =>
      Array.from({ length: PER_REQUEST }, () => {
        const event = factory.event(Date.now());
        return {
          id: event.id,
          contactId: event.contactId,
          email: event.email,
          type: event.type,
          timeMs: Date.parse(event.timestamp),
          properties: event.properties,
        };
      });
    const requests = Array.from({ length: Math.ceil(events / PER_REQUEST) }, request);
    const total = requests.length * PER_REQUEST;
    times.clear(); // the setup is not measured

    let started = performance.now();
    for (let i = 0; i < requests.length; i += IN_FLIGHT)
      await Promise.all(requests.slice(i, i + IN_FLIGHT).map((events) => service.ingestor.ingest(events)));
    const ingestMs = performance.now() - started;

    phase = "score";
    started = performance.now();
    await service.scorer.drain();
    const scoreMs = performance.now() - started;

    return {
      events: total,
      contacts: CONTACTS,
      ingestMicrosPerEvent: (ingestMs * 1000) / total,
      scoreMicrosPerEvent: (scoreMs * 1000) / total,
      scoringPasses: service.scorer.stats.passes,
      statements: [...times.values()].sort((a, b) => b.ms - a.ms).slice(0, 20),
    };
  } finally {
    checkpointer.stop();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function inProcessTable(report: InProcessReport): string {
  const per = (ms: number) => ((ms * 1000) / report.events).toFixed(2);
  return [
    `in-process SQLite: ${report.events.toLocaleString("en-US")} events, ${report.contacts.toLocaleString("en-US")} contacts: ` +
      `storing ${report.ingestMicrosPerEvent.toFixed(1)} µs/event, scoring ${report.scoreMicrosPerEvent.toFixed(1)} µs/event ` +
      `(${report.scoringPasses} passes)`,
    "",
    "| phase | statement | calls | ms | µs per event |",
    "|---|---|---|---|---|",
    ...report.statements.map(
      (s) =>
        `| ${s.phase} | \`${s.sql.replaceAll("|", "\\|")}\` | ${s.calls} | ${s.ms.toFixed(0)} | ${per(s.ms)} |`,
    ),
  ].join("\n");
}
