/**
 * The real `leadscore serve` as a child process, for the tests that kill, stop or duplicate it:
 * spawned from bin/leadscore.js on port 0, its URL read from the banner on standard output.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import http from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";
import type { Scope } from "../../src/service/api-keys/api-keys.js";
import { ROOT } from "./cli.js";
import { send } from "./http.js";
import { type Backend, freshDatabase } from "./service.js";

const BIN = join(ROOT, "bin", "leadscore.js");

/** Where the child's data lives: a SQLite folder, or a PostgreSQL URL and schema. */
export interface ChildDatabase {
  dataDir: string;
  databaseUrl?: string | undefined;
  databaseSchema?: string | undefined;
}

/** The child's environment: ours without any database setting of the caller's, then the database's. */
function childEnv(database: ChildDatabase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", LOG_LEVEL: "warn" };
  for (const name of ["DATABASE_URL", "DATABASE_SCHEMA", "LEADSCORE_CONFIG", "PORT", "HOST"])
    delete env[name];
  env.LEADSCORE_DATA_DIR = database.dataDir;
  env.LEADSCORE_DECAY_INTERVAL = "0";
  if (database.databaseUrl) env.DATABASE_URL = database.databaseUrl;
  if (database.databaseSchema) env.DATABASE_SCHEMA = database.databaseSchema;
  return env;
}

/** Creates an API key with `leadscore keys create` (the child's own database) and returns it. */
export async function createKeyWithCli(database: ChildDatabase, scope: Scope = "admin"): Promise<string> {
  const { stdout } = await promisify(execFile)(
    "node",
    [BIN, "keys", "create", "--name", `test ${scope}`, "--scope", scope],
    { cwd: ROOT, env: childEnv(database) },
  );
  const key = stdout.trim();
  if (!/^lsk_/.test(key)) throw new Error(`keys create printed no key: ${stdout}`);
  return key;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Everything the child printed so far. */
  output(): { stdout: string; stderr: string };
  /** The child's log lines of level error or fatal, and its standard error: for failure messages. */
  errors(): string;
  /** Resolves when the child has exited. */
  exited: Promise<Exit>;
  /** Sends a signal, then waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<Exit>;
}

const running = new Set<ChildProcess>();
// A test that fails half-way must not leave servers behind it.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/** Kills every server this process started that still runs (for afterAll). */
export async function killLeftoverServers(): Promise<void> {
  const exits = [...running].map((child) => new Promise((resolve) => child.once("exit", resolve)));
  for (const child of running) child.kill("SIGKILL");
  await Promise.all(exits);
}

/** Starts `leadscore serve --port 0` and resolves once its banner names the URL. */
export async function spawnServer(
  database: ChildDatabase,
  timeoutMs = 20_000,
  /** More environment variables (LEADSCORE_SCORING=off...). */
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = spawn("node", [BIN, "serve", "--port", "0", "--host", "127.0.0.1"], {
    cwd: ROOT,
    env: { ...childEnv(database), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  running.add(child);
  const exited = new Promise<Exit>((resolve) =>
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`leadscore serve printed no URL in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    const look = () => {
      const found = /Leadscore dashboard: (http:\/\/\S+)/.exec(stdout);
      if (!found) return;
      clearTimeout(timer);
      child.stdout?.off("data", look);
      resolve(found[1]);
    };
    child.stdout?.on("data", look);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`leadscore serve exited (${exit.code ?? exit.signal}) before listening:\n${stderr}`));
    });
  });
  return {
    url,
    child,
    output: () => ({ stdout, stderr }),
    errors: () =>
      [...stdout.split("\n").filter((line) => /"level":(50|60)/.test(line)), stderr].join("\n").trim(),
    exited,
    stop: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** JSON over HTTP with a bearer key; network failures are returned, not thrown. */
export async function request(
  url: string,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown } | { status: "failed"; error: string }> {
  try {
    const { status, text, json } = await send(url, key, method, path, body);
    // A body that is not JSON is kept as text (error pages, CSV).
    return { status, body: json !== undefined ? json : text || undefined };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { status: "failed", error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** Waits until the server's score queue is empty (every stored event applied to scores). */
export async function waitForScoring(url: string, key: string, timeoutMs = 30_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    const { text } = await send(url, key, "GET", "/metrics");
    const depth = /^leadscore_score_queue_events (\d+)$/m.exec(text)?.[1];
    if (depth === "0") return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the score queue of ${url} did not empty in ${timeoutMs} ms`);
}

/** Uploads a model version, publishes it, and waits until its rescoring job is done. */
export async function publishModel(
  url: string,
  key: string,
  modelKey: string,
  source: string,
): Promise<void> {
  const upload = await request(url, key, "POST", `/v1/models/${modelKey}/versions`, source);
  if (upload.status !== 201) throw new Error(`upload of ${modelKey}: ${JSON.stringify(upload)}`);
  const version = (upload as { body: { version: number } }).body.version;
  const publish = await request(url, key, "POST", `/v1/models/${modelKey}/versions/${version}/publish`);
  if (publish.status !== 202) throw new Error(`publish of ${modelKey}: ${JSON.stringify(publish)}`);
  const jobId = (publish as { body: { id: string } }).body.id;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    const job = await request(url, key, "GET", `/v1/jobs/${jobId}`);
    const status = (job as { body?: { status?: string } }).body?.status;
    if (status === "done") return;
    if (status !== "running") throw new Error(`rescoring job of ${modelKey}: ${JSON.stringify(job)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`rescoring job of ${modelKey} did not finish in 20 s`);
}

/**
 * POSTs JSON on a connection the server has already accepted (a keep-alive socket opened by a
 * GET /health first), so the request cannot be lost in the listen backlog. `sent` resolves
 * once the body is written; `answer` with the status and body, or "failed".
 */
export function postOnOpenConnection(
  url: string,
  key: string,
  path: string,
  body: unknown,
): Promise<{
  sent: Promise<void>;
  answer: Promise<{ status: number | "failed"; body?: unknown; error?: string }>;
}> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const call = (method: string, target: string, payload?: string, onSent?: () => void) =>
    new Promise<{ status: number | "failed"; body?: unknown; error?: string }>((resolve) => {
      const req = http.request(
        `${url}${target}`,
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${key}`,
            ...(payload
              ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
              : {}),
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8").on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
          );
          res.on("error", (error) => resolve({ status: "failed", error: error.message }));
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) =>
        resolve({ status: "failed", error: error.code ?? error.message }),
      );
      req.on("finish", () => onSent?.());
      req.end(payload);
    });
  return call("GET", "/health").then((health) => {
    if (health.status !== 200) throw new Error(`GET /health: ${JSON.stringify(health)}`);
    let markSent: () => void = () => undefined;
    const sent = new Promise<void>((resolve) => {
      markSent = resolve;
    });
    const answer = call("POST", path, JSON.stringify(body), () => markSent()).finally(() => agent.destroy());
    return { sent, answer };
  });
}

/**
 * Fresh databases for child processes: call at a test file's top level; after the file's tests
 * it kills leftover servers and drops every database it made.
 */
export function childDatabases(): (backend: Backend) => ChildDatabase {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await killLeftoverServers();
    for (const drop of drops) await drop();
  });
  return (backend) => {
    const fresh = freshDatabase(backend);
    drops.push(fresh.drop);
    return {
      dataDir: fresh.settings.dataDir as string,
      databaseUrl: fresh.settings.databaseUrl,
      databaseSchema: fresh.settings.databaseSchema,
    };
  };
}
