/**
 * Ingest over HTTP: a real `leadscore serve` in a child process (so the load generator and the
 * server do not share an event loop), loaded by autocannon from this process, on SQLite and on
 * PostgreSQL. Two scenarios: (a) sustained batches of events as fast as the server answers,
 * (b) single events at a fixed request rate. After each run, the events stored in the database
 * and the server's leadscore_events_ingested_total must both equal 2xx answers x events each.
 * SQLite lives in a temporary folder; PostgreSQL in a new database on the server of
 * BENCH_DATABASE_URL (or TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/test), dropped
 * afterwards; PostgreSQL is skipped with a message when that server does not answer.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import SQLite from "better-sqlite3";
import pg from "pg";
import { type ProfileSummary, profileTable, summariseProfile } from "./cpu-profile.js";
import {
  EVENT_ID_FORMATS,
  EventFactory,
  type EventIdFormat,
  type SetupData,
  setupData,
} from "./ingest-events.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "bin/leadscore.js");
const MODEL_FILE = join(ROOT, "src/model/templates/b2b.yaml");
const DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/test";

export type IngestBackend = "sqlite" | "postgres";

export interface IngestOptions {
  backends: IngestBackend[];
  contacts: number;
  eventsPerRequest: number;
  /** Scenario (a): connection counts, one run each, and the target length of a run. */
  batchedConnections: number[];
  batchedSeconds: number;
  /** Scenario (b). */
  singleRate: number;
  singleSeconds: number;
  singleConnections: number[];
  /** Also run scenario (a) once more per backend under `node --cpu-prof` and summarise it. */
  profile: boolean;
  postgresUrl: string;
  /** How the events are named (bench/ingest-events.ts). */
  ids: EventIdFormat;
}

export interface ScenarioResult {
  backend: IngestBackend;
  scenario: "batched" | "single";
  connections: number;
  eventsPerRequest: number;
  /** Scenario (b): requests per second asked of autocannon. */
  targetRate: number | null;
  seconds: number;
  requests2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  requestsPerSecond: number;
  /** Events acknowledged per second of the load. */
  eventsPerSecond: number;
  /** Events still waiting to be scored when the load ended. */
  queuedAtEnd: number;
  /** From the load's start until the last of its events was scored. */
  scoredSeconds: number;
  /** Events acknowledged and scored, per second: what the service sustains end to end. */
  scoredEventsPerSecond: number;
  /** Exact percentiles of the 2xx answers' latencies (autocannon's response times). */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Events the database gained during the run. */
  storedEvents: number;
  /** Growth of leadscore_events_ingested_total during the run. */
  metricEvents: number;
  /** Sum of `accepted` and of `duplicates` in the 2xx answers. */
  acceptedInAnswers: number;
  duplicatesInAnswers: number;
  /** stored = metric = accepted = 2xx x events per request, and no duplicates. */
  countsAgree: boolean;
  scoreHistoryRowsAdded: number;
  /**
   * Batched runs: contact property updates sent one at a time during the load (one every 200 ms),
   * timed. On PostgreSQL a scoring pass holds its contacts' row locks until it commits, and an
   * update of one of them waits for it.
   */
  contactUpdateMs: { count: number; p50: number; p90: number; p99: number; max: number } | null;
  /** When the load ran, in microseconds of the monotonic clock (to cut a CPU profile). */
  monotonicMicros: { from: number; to: number };
  /** CPU used during the run, in percent of one core. */
  cpuPercent: {
    server: number;
    loadGenerator: number;
    postgres: number | null;
    /** Everything else on the machine (other jobs): high means the figures were disturbed. */
    others: number;
    /** All processes, of 100% x cores. */
    machine: number;
  };
}

export interface IngestReport {
  node: string;
  /** The code measured: git commit, with "+changes" when the work tree differed from it. */
  commit: string | null;
  options: IngestOptions;
  scenarios: ScenarioResult[];
  profiles: Array<{ backend: IngestBackend; run: ScenarioResult; summary: ProfileSummary }>;
  skipped: string[];
}

const log = (text: string) => process.stderr.write(`[ingest] ${text}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function flag(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function positive(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${value}`);
  return n;
}

/**
 * Options from the command line: --ingest-backends sqlite,postgres, --ingest-connections 4,16
 * (batched runs), --ingest-seconds 25, --ingest-rate 1000 and --ingest-single-connections 10,50
 * (single-event runs), --ingest-contacts 10000, --ingest-ids uuid (or segment-node),
 * --ingest-profile.
 */
export function ingestOptions(argv: string[]): IngestOptions {
  const backends = (flag(argv, "--ingest-backends") ?? "sqlite,postgres").split(",");
  for (const backend of backends)
    if (backend !== "sqlite" && backend !== "postgres")
      throw new Error(`--ingest-backends: unknown backend ${backend}; use sqlite, postgres`);
  const connections = (flag(argv, "--ingest-connections") ?? "4,16")
    .split(",")
    .map((c) => Math.round(positive(c, "--ingest-connections", 1)));
  const seconds = positive(flag(argv, "--ingest-seconds"), "--ingest-seconds", 25);
  const ids = flag(argv, "--ingest-ids") ?? "uuid";
  if (!EVENT_ID_FORMATS.includes(ids as EventIdFormat))
    throw new Error(`--ingest-ids: unknown format ${ids}; use ${EVENT_ID_FORMATS.join(", ")}`);
  return {
    ids: ids as EventIdFormat,
    backends: backends as IngestBackend[],
    contacts: Math.round(positive(flag(argv, "--ingest-contacts"), "--ingest-contacts", 10_000)),
    eventsPerRequest: 100,
    batchedConnections: connections,
    batchedSeconds: seconds,
    singleRate: Math.round(positive(flag(argv, "--ingest-rate"), "--ingest-rate", 1000)),
    singleSeconds: Math.min(seconds, 20),
    singleConnections: (flag(argv, "--ingest-single-connections") ?? "10,50")
      .split(",")
      .map((c) => Math.round(positive(c, "--ingest-single-connections", 1))),
    profile: argv.includes("--ingest-profile"),
    postgresUrl: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_POSTGRES_URL,
  };
}

// ------------------------------------------------------------------------------- databases

interface BenchDatabase {
  backend: IngestBackend;
  /** Environment of `leadscore serve` and `leadscore keys` for this database. */
  env: Record<string, string>;
  count(table: "events" | "score_history" | "score_queue"): Promise<number>;
  /**
   * True once every stored event is scored. Polled every 20 ms while the scorer drains, so it
   * must cost next to nothing: on SQLite, the implicit queue's watermark against the last event
   * (counting the queue view would scan the whole backlog each time, on the server's cores).
   */
  drained(): Promise<boolean>;
  /**
   * After the contacts are loaded and after each run: what autovacuum does within a minute of
   * such writes (PostgreSQL's VACUUM ANALYZE), so that a run measures a service whose planner
   * knows its tables, not its first minute after a load nor the dead rows of the run before.
   * The CI machine's server has autovacuum off (its conf.d/90-ci.conf): without this, every
   * run inherited the bloat of all the runs before it.
   */
  maintain(): Promise<void>;
  /** Closes the reader and deletes the database. */
  drop(): Promise<void>;
}

async function postgresReachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query("select 1");
    return null;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function freshSqlite(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), "leadscore-bench-ingest-"));
  let reader: SQLite.Database | undefined;
  return {
    backend: "sqlite",
    env: { LEADSCORE_DATA_DIR: dir },
    async count(table) {
      // Opened once the server created the file; WAL lets it read while the server writes.
      reader ??= new SQLite(join(dir, "leadscore.db"), { readonly: true, fileMustExist: true });
      return (reader.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    },
    async drained() {
      reader ??= new SQLite(join(dir, "leadscore.db"), { readonly: true, fileMustExist: true });
      const row = reader
        .prepare(
          "select (select coalesce(max(seq), 0) from events) <= (select value from counters where name = 'scored_through') as done",
        )
        .get() as { done: number };
      return row.done === 1;
    },
    // SQLite reuses the pages of deleted rows and plans by the keys: nothing to maintain.
    async maintain() {},
    async drop() {
      reader?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A new database on the same PostgreSQL server, dropped afterwards. A database rather than a
 * schema of the shared one, so that nothing else there (tests running meanwhile, their schemas)
 * shares its catalog with the run; before d1ad03b, another schema's migration tables even made
 * Kysely's migrator fail on a fresh schema.
 */
async function freshPostgres(url: string): Promise<BenchDatabase> {
  const name = `leadscore_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  let reader: pg.Client | undefined;
  const query = async (statement: string) => {
    if (!reader) {
      reader = new pg.Client({ connectionString: target.toString() });
      await reader.connect();
    }
    return (await reader.query(statement)).rows[0];
  };
  const count = async (table: string) =>
    Number((await query(`select count(*)::bigint as n from ${table}`)).n);
  return {
    backend: "postgres",
    env: { DATABASE_URL: target.toString() },
    count,
    // Polled every 20 ms: a count would read the whole backlog each time, on PostgreSQL's core.
    drained: async () =>
      (await query("select exists (select 1 from score_queue) as queued")).queued === false,
    maintain: async () => {
      await query("vacuum analyze");
    },
    async drop() {
      await reader?.end();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

// ---------------------------------------------------------------------------------- server

interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * The environment of the child: this database only, whatever the bench itself was given.
 * `BENCH_SERVER_NODE_OPTIONS` becomes the server's NODE_OPTIONS (node flags for the server alone,
 * say `--max-semi-space-size=32`, without changing the load generator's).
 */
function childEnv(database: BenchDatabase): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ["DATABASE_URL", "DATABASE_SCHEMA", "LEADSCORE_DATA_DIR", "LEADSCORE_CONFIG"])
    delete env[name];
  if (process.env.BENCH_SERVER_NODE_OPTIONS !== undefined)
    env.NODE_OPTIONS = process.env.BENCH_SERVER_NODE_OPTIONS;
  return {
    ...env,
    ...database.env,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
    LEADSCORE_DECAY_INTERVAL: "0",
  };
}

function createKey(database: BenchDatabase): string {
  const out = execFileSync(
    process.execPath,
    [CLI, "keys", "create", "--name", "ingest bench", "--scope", "admin"],
    { env: childEnv(database), encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const key = out.trim().split("\n").at(-1) ?? "";
  if (!key.startsWith("lsk_")) throw new Error(`leadscore keys create printed no key: ${out}`);
  return key;
}

async function startServer(database: BenchDatabase, nodeArgs: string[]): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, CLI, "serve"], {
    env: childEnv(database),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[server] ${chunk}`));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 60 s")), 60_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const banner = /Leadscore dashboard: (http:\/\/\S+)/.exec(line);
      if (banner) {
        clearTimeout(timer);
        resolve(banner[1]);
      } else if (line.trim()) process.stderr.write(`[server] ${line}\n`);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (code ${code}) before it listened`));
    });
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An API call whose answer must be 2xx; its JSON answer (or text, for /metrics). */
async function call<T>(url: string, key: string, method: string, path: string, body?: unknown): Promise<T> {
  const isText = typeof body === "string";
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": isText ? "application/yaml" : "application/json" }),
    },
    body: body === undefined ? undefined : isText ? body : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 500)}`);
  return (path === "/metrics" ? text : text ? JSON.parse(text) : undefined) as T;
}

/** b2b model published, then companies and contacts through the batch endpoints. */
async function setUp(url: string, key: string, data: SetupData): Promise<void> {
  const version = await call<{ version: number }>(
    url,
    key,
    "POST",
    "/v1/models/b2b/versions",
    readFileSync(MODEL_FILE, "utf8"),
  );
  const job = await call<{ id: string }>(
    url,
    key,
    "POST",
    `/v1/models/b2b/versions/${version.version}/publish`,
  );
  for (;;) {
    const state = await call<{ status: string; error: string | null }>(url, key, "GET", `/v1/jobs/${job.id}`);
    if (state.status === "done") break;
    if (state.status === "failed") throw new Error(`publishing the b2b model failed: ${state.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (let i = 0; i < data.companies.length; i += 1000)
    await call(url, key, "POST", "/v1/companies/batch", { companies: data.companies.slice(i, i + 1000) });
  for (let i = 0; i < data.contacts.length; i += 2000)
    await call(url, key, "POST", "/v1/contacts/batch", { contacts: data.contacts.slice(i, i + 2000) });
}

async function ingestedMetric(url: string, key: string): Promise<number> {
  const text = await call<string>(url, key, "GET", "/metrics");
  const match = /^leadscore_events_ingested_total (\d+)/m.exec(text);
  if (!match) throw new Error("/metrics has no leadscore_events_ingested_total");
  return Number(match[1]);
}

// ------------------------------------------------------------------------------------- CPU

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds used so far by a process (Linux /proc), NaN elsewhere. */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds so far of each process named postgres (the server's backends and helpers). */
function postgresCpu(): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === "postgres")
        byPid.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return byPid;
}

/** CPU used between two readings by postgres processes alive at the end (those that ended are lost). */
function postgresCpuUsed(start: Map<number, number>, end: Map<number, number>): number {
  let used = 0;
  for (const [pid, seconds] of end) used += seconds - (start.get(pid) ?? 0);
  return used;
}

/** Busy CPU seconds of the whole machine, all cores. */
function machineCpuSeconds(): number {
  try {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + fields[4];
    return (fields.reduce((a, b) => a + b, 0) - idle) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

interface CpuMark {
  wallMs: number;
  server: number;
  self: number;
  postgres: Map<number, number>;
  machine: number;
}

function cpuMark(serverPid: number, withPostgres: boolean): CpuMark {
  const usage = process.cpuUsage();
  return {
    wallMs: performance.now(),
    server: processCpuSeconds(serverPid),
    self: (usage.user + usage.system) / 1e6,
    postgres: withPostgres ? postgresCpu() : new Map(),
    machine: machineCpuSeconds(),
  };
}

// ------------------------------------------------------------------------------------- runs

interface LoadSpec {
  scenario: "batched" | "single";
  connections: number;
  /** Ends the run after this many answers (every sent request is answered: exact counts)... */
  amount?: number;
  /** ...or after this many seconds (in-flight requests are abandoned: warm-up only). */
  seconds?: number;
  overallRate?: number;
}

interface LoadOutcome {
  result: autocannon.Result;
  latencies: number[];
  accepted: number;
  duplicates: number;
}

async function load(url: string, key: string, factory: EventFactory, perRequest: number, spec: LoadSpec) {
  const latencies: number[] = [];
  let accepted = 0;
  let duplicates = 0;
  const single = spec.scenario === "single";
  let finish: (error: Error | null, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url,
      connections: spec.connections,
      ...(spec.amount ? { amount: spec.amount } : { duration: spec.seconds }),
      ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
      // Raw latencies: autocannon's correction for a fixed rate fills in values 1 ms apart.
      ignoreCoordinatedOmission: spec.overallRate !== undefined,
      timeout: 60,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      requests: [
        {
          method: "POST",
          path: single ? "/v1/events" : "/v1/events/batch",
          // Called before every request: each one carries new event ids.
          setupRequest: (request) => {
            request.body = single ? factory.singleBody() : factory.batchBody(perRequest);
            return request;
          },
          onResponse: (status, body) => {
            if (status < 200 || status > 299) return;
            const answer = JSON.parse(body) as { accepted: number; duplicates: number };
            accepted += answer.accepted;
            duplicates += answer.duplicates;
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on("response", (_client, status, _bytes, responseTime) => {
    if (status >= 200 && status <= 299) latencies.push(responseTime);
  });
  const result = await finished;
  return { result, latencies, accepted, duplicates } satisfies LoadOutcome;
}

function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** p50, p90, p99 and max of some latencies, in ms. */
function latencySummary(latencies: readonly number[]) {
  const sorted = Float64Array.from(latencies).sort();
  return {
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : Number.NaN,
  };
}

/**
 * Waits until the database stops growing (requests abandoned by a timed run are still
 * committed) and every stored event is scored.
 */
async function settle(database: BenchDatabase): Promise<void> {
  let last = -1;
  for (;;) {
    const now = await database.count("events");
    if (now === last && (await database.drained())) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Waits until the score queue is empty; returns the monotonic time then, in ms. */
async function scoredAt(database: BenchDatabase): Promise<number> {
  while (!(await database.drained())) await new Promise((resolve) => setTimeout(resolve, 20));
  return performance.now();
}

async function measured(
  database: BenchDatabase,
  server: ServerProcess,
  key: string,
  factory: EventFactory,
  perRequest: number,
  spec: LoadSpec,
): Promise<ScenarioResult> {
  const eventsBefore = await database.count("events");
  const historyBefore = await database.count("score_history");
  const metricBefore = await ingestedMetric(server.url, key);
  const withPostgres = database.backend === "postgres";
  const start = cpuMark(server.pid, withPostgres);
  const from = Number(process.hrtime.bigint() / 1000n);
  const probe =
    spec.scenario === "batched" ? probeContactUpdates(server.url, key, factory.contacts) : undefined;
  const outcome = await load(server.url, key, factory, perRequest, spec);
  const to = Number(process.hrtime.bigint() / 1000n);
  const end = cpuMark(server.pid, withPostgres);
  // After the marks: an update still waiting must not stretch the load's duration.
  const updates = probe ? await probe.stop() : undefined;
  const queuedAtEnd = await database.count("score_queue");
  const scoredSeconds = ((await scoredAt(database)) - start.wallMs) / 1000;
  const storedEvents = (await database.count("events")) - eventsBefore;
  const scoreHistoryRowsAdded = (await database.count("score_history")) - historyBefore;
  const metricEvents = (await ingestedMetric(server.url, key)) - metricBefore;
  const { result } = outcome;
  const ok = result["2xx"];
  const seconds = (end.wallMs - start.wallMs) / 1000;
  const expected = ok * perRequest;
  const percent = (cpu: number) => (100 * cpu) / seconds;
  const used = {
    server: end.server - start.server,
    loadGenerator: end.self - start.self,
    postgres: postgresCpuUsed(start.postgres, end.postgres),
    machine: end.machine - start.machine,
  };
  return {
    backend: database.backend,
    scenario: spec.scenario,
    connections: spec.connections,
    eventsPerRequest: perRequest,
    targetRate: spec.overallRate ?? null,
    seconds,
    requests2xx: ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    requestsPerSecond: ok / seconds,
    eventsPerSecond: expected / seconds,
    queuedAtEnd,
    scoredSeconds,
    scoredEventsPerSecond: expected / scoredSeconds,
    latencyMs: latencySummary(outcome.latencies),
    storedEvents,
    metricEvents,
    acceptedInAnswers: outcome.accepted,
    duplicatesInAnswers: outcome.duplicates,
    countsAgree:
      storedEvents === expected &&
      metricEvents === expected &&
      outcome.accepted === expected &&
      outcome.duplicates === 0,
    scoreHistoryRowsAdded,
    contactUpdateMs: updates ? { count: updates.length, ...latencySummary(updates) } : null,
    monotonicMicros: { from, to },
    cpuPercent: {
      server: percent(used.server),
      loadGenerator: percent(used.loadGenerator),
      postgres: withPostgres ? percent(used.postgres) : null,
      others: Math.max(0, percent(used.machine - used.server - used.loadGenerator - used.postgres)),
      machine: percent(used.machine),
    },
  };
}

function describe(run: ScenarioResult): string {
  return (
    `${run.backend} ${run.scenario} x${run.connections}: ${fmt(run.requests2xx)} x 2xx in ${run.seconds.toFixed(1)} s, ` +
    `${fmt(run.eventsPerSecond)} events/s acknowledged, ${fmt(run.scoredEventsPerSecond)} scored (${fmt(run.queuedAtEnd)} queued at the end), p50 ${run.latencyMs.p50.toFixed(1)} ms, p99 ${run.latencyMs.p99.toFixed(1)} ms, ` +
    `non-2xx ${run.non2xx}, errors ${run.errors}; stored ${fmt(run.storedEvents)}, metric ${fmt(run.metricEvents)}, ` +
    `answers ${fmt(run.acceptedInAnswers)} (${run.countsAgree ? "counts agree" : "COUNTS DIFFER"}); ` +
    `CPU server ${run.cpuPercent.server.toFixed(0)}%, load ${run.cpuPercent.loadGenerator.toFixed(0)}%` +
    `${run.cpuPercent.postgres === null ? "" : `, postgres ${run.cpuPercent.postgres.toFixed(0)}%`}, others ${run.cpuPercent.others.toFixed(0)}%` +
    (run.contactUpdateMs
      ? `; ${run.contactUpdateMs.count} contact updates meanwhile: p50 ${run.contactUpdateMs.p50.toFixed(1)} ms, p99 ${run.contactUpdateMs.p99.toFixed(1)} ms, max ${run.contactUpdateMs.max.toFixed(1)} ms`
      : "")
  );
}

/**
 * During a batched run: one contact property update at a time, every 200 ms, each timed, on the
 * contacts the events go to.
 */
function probeContactUpdates(url: string, key: string, contacts: readonly { id: string }[]) {
  const latencies: number[] = [];
  let stopped = false;
  // A failed update ends the probe; `stop` reports it (no unhandled rejection meanwhile).
  let failure: unknown;
  const running = (async () => {
    for (let i = 0; !stopped; i++) {
      const contact = contacts[(i * 7919) % contacts.length];
      const started = performance.now();
      await call(url, key, "POST", "/v1/contacts", { id: contact.id, properties: { benchProbe: i } });
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    async stop(): Promise<number[]> {
      stopped = true;
      await running;
      if (failure !== undefined) throw failure;
      return latencies;
    },
  };
}

/** Batched ingest at one connection count: a short timed warm-up sizes the exact-count run. */
async function batched(
  database: BenchDatabase,
  server: ServerProcess,
  key: string,
  factory: EventFactory,
  options: IngestOptions,
  connections: number,
): Promise<ScenarioResult> {
  const perRequest = options.eventsPerRequest;
  log(`${database.backend}: batched warm-up, ${connections} connections, 4 s`);
  const warm = await load(server.url, key, factory, perRequest, {
    scenario: "batched",
    connections,
    seconds: 4,
  });
  await settle(database);
  const rate = Math.max(connections, warm.result["2xx"] / 4);
  const amount = Math.max(connections, Math.round(rate * options.batchedSeconds));
  log(
    `${database.backend}: batched, ${connections} connections, ${fmt(amount)} requests (~${options.batchedSeconds} s)`,
  );
  const run = await measured(database, server, key, factory, perRequest, {
    scenario: "batched",
    connections,
    amount,
  });
  log(describe(run));
  return run;
}

async function single(
  database: BenchDatabase,
  server: ServerProcess,
  key: string,
  factory: EventFactory,
  options: IngestOptions,
  connections: number,
): Promise<ScenarioResult> {
  const amount = options.singleRate * options.singleSeconds;
  log(
    `${database.backend}: single events at ${fmt(options.singleRate)} requests/s, ${connections} connections, ${fmt(amount)} requests`,
  );
  const run = await measured(database, server, key, factory, 1, {
    scenario: "single",
    connections,
    amount,
    overallRate: options.singleRate,
  });
  log(describe(run));
  return run;
}

async function withServer<T>(
  backend: IngestBackend,
  options: IngestOptions,
  data: SetupData,
  nodeArgs: string[],
  work: (database: BenchDatabase, server: ServerProcess, key: string) => Promise<T>,
): Promise<T> {
  const database = backend === "sqlite" ? freshSqlite() : await freshPostgres(options.postgresUrl);
  let server: ServerProcess | undefined;
  try {
    const key = createKey(database);
    server = await startServer(database, nodeArgs);
    const started = performance.now();
    await setUp(server.url, key, data);
    await database.maintain();
    log(
      `${backend}: ${server.url}, b2b published, ${fmt(data.companies.length)} companies and ${fmt(data.contacts.length)} contacts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return await work(database, server, key);
  } finally {
    await server?.stop();
    await database.drop();
  }
}

function measuredCommit(): string | null {
  try {
    const git = (...args: string[]) =>
      execFileSync("git", args, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--", "src", "bin") ? "+changes" : ""}`;
  } catch {
    return null;
  }
}

export async function benchIngest(options: IngestOptions): Promise<IngestReport> {
  const report: IngestReport = {
    node: process.version,
    commit: measuredCommit(),
    options,
    scenarios: [],
    profiles: [],
    skipped: [],
  };
  const data = setupData(options.contacts, 7);
  let runs = 0;
  const factory = () => new EventFactory(options.ids, data.contacts, ++runs);
  const backends: IngestBackend[] = [];
  for (const backend of options.backends) {
    if (backend === "postgres") {
      const problem = await postgresReachable(options.postgresUrl);
      if (problem) {
        const message = `PostgreSQL skipped: ${options.postgresUrl} is not reachable (${problem})`;
        log(message);
        report.skipped.push(message);
        continue;
      }
    }
    backends.push(backend);
  }
  for (const backend of backends) {
    await withServer(backend, options, data, [], async (database, server, key) => {
      const events = factory();
      for (const connections of options.batchedConnections) {
        report.scenarios.push(await batched(database, server, key, events, options, connections));
        await database.maintain();
      }
      for (const connections of options.singleConnections) {
        report.scenarios.push(await single(database, server, key, events, options, connections));
        await database.maintain();
      }
    });
  }
  if (!options.profile) return report;
  for (const backend of backends) {
    const dir = join(ROOT, "bench/out/profiles", `ingest-${backend}-${Date.now().toString(36)}`);
    mkdirSync(dir, { recursive: true });
    const connections = options.batchedConnections.at(-1)!;
    log(`${backend}: profiling the server (node --cpu-prof) under batched load, ${connections} connections`);
    const run = await withServer(
      backend,
      options,
      data,
      ["--cpu-prof", "--cpu-prof-dir", dir],
      (database, server, key) => batched(database, server, key, factory(), options, connections),
    );
    const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
    if (!file) throw new Error(`no .cpuprofile was written in ${dir}`);
    const summary = summariseProfile(join(dir, file), {
      fromMicros: run.monotonicMicros.from,
      toMicros: run.monotonicMicros.to,
    });
    report.profiles.push({ backend, run, summary });
    process.stdout.write(`\n${profileTable(summary)}\n`);
  }
  return report;
}

export function ingestTable(report: IngestReport): string {
  const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : "-");
  const cpu = ({ cpuPercent: c }: ScenarioResult) =>
    [c.server, c.loadGenerator, c.postgres, c.others]
      .map((n) => (n === null ? "-" : n.toFixed(0)))
      .join(" / ");
  const lines = [
    "| ingest over HTTP | connections | run (s) | 2xx requests | non-2xx / errors | events/s acknowledged | queued at the end | events/s scored (until the queue is empty) | requests/s | p50 (ms) | p99 (ms) | stored = 2xx x events | CPU % server / bench / postgres / other jobs (during the load) | target |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...report.scenarios.map((r) => {
      const what =
        r.scenario === "batched"
          ? `${r.backend}, batches of ${r.eventsPerRequest}, ${report.options.ids} ids`
          : `${r.backend}, single events at ${fmt(r.targetRate ?? 0)}/s, ${report.options.ids} ids`;
      const target =
        r.scenario === "batched"
          ? r.backend === "sqlite"
            ? `50,000 events/s scored: ${r.scoredEventsPerSecond >= 50_000 ? "met" : "missed"}`
            : "-"
          : `p99 < 20 ms: ${r.latencyMs.p99 < 20 ? "met" : "missed"}`;
      return `| ${what} | ${r.connections} | ${r.seconds.toFixed(1)} | ${fmt(r.requests2xx)} | ${r.non2xx} / ${r.errors} | ${fmt(r.eventsPerSecond)} | ${fmt(r.queuedAtEnd)} | ${fmt(r.scoredEventsPerSecond)} | ${fmt(r.requestsPerSecond)} | ${ms(r.latencyMs.p50)} | ${ms(r.latencyMs.p99)} | ${r.countsAgree ? "yes" : "NO"} (${fmt(r.storedEvents)}) | ${cpu(r)} | ${target} |`;
    }),
  ];
  for (const message of report.skipped) lines.push("", message);
  return lines.join("\n");
}
