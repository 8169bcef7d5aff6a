/**
 * A real Leadscore service for tests: real HTTP on 127.0.0.1 (a free port), on a fresh SQLite
 * folder or, when TEST_DATABASE_URL / DATABASE_URL is set, on a fresh PostgreSQL schema that is
 * dropped afterwards. No mocks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import pino from "pino";
import { expect } from "vitest";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { createApiKey, type Scope } from "../../src/service/api-keys/api-keys.js";
import { loadConfig, type ServiceConfig } from "../../src/service/config.js";
import { send } from "./http.js";

export type Backend = "sqlite" | "postgres";

export const POSTGRES_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || "";

/** The backends to run service tests on: SQLite always, PostgreSQL when a URL is given. */
export const BACKENDS: Backend[] = POSTGRES_URL ? ["sqlite", "postgres"] : ["sqlite"];
if (!POSTGRES_URL) {
  process.stderr.write(
    "service tests: TEST_DATABASE_URL/DATABASE_URL not set, PostgreSQL runs skipped (SQLite only)\n",
  );
}

export interface TestService {
  url: string;
  server: RunningServer;
  /** A key of each scope; `call` uses the admin key unless given another. */
  adminKey: string;
  writeKey: string;
  ingestKey: string;
  readKey: string;
  config: ServiceConfig;
  /** fetch with the admin key (or the key given), JSON in and out. */
  call(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

let counter = 0;

/** Settings for a fresh database: a temp SQLite folder or a new PostgreSQL schema. */
export function freshDatabase(backend: Backend): {
  settings: Partial<ServiceConfig>;
  drop: () => Promise<void>;
} {
  if (backend === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "leadscore-svc-"));
    return { settings: { dataDir: dir }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
  return {
    settings: { databaseUrl: POSTGRES_URL, databaseSchema: schema, dataDir: tmpdir() },
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A fresh database as `openDatabase` options, for tests that open it themselves (a migration
 * test opens it at one version, then at the latest); `drop` deletes it.
 */
export function freshDatabaseOptions(backend: Backend): {
  options: { dataDir: string; databaseUrl: string | undefined; databaseSchema: string | undefined };
  drop: () => Promise<void>;
} {
  const fresh = freshDatabase(backend);
  return {
    options: {
      dataDir: fresh.settings.dataDir as string,
      databaseUrl: fresh.settings.databaseUrl,
      databaseSchema: fresh.settings.databaseSchema,
    },
    drop: fresh.drop,
  };
}

export async function startTestService(
  backend: Backend,
  overrides: Partial<ServiceConfig> = {},
  options: { demo?: { contacts: number; seed: number }; clock?: () => number } = {},
): Promise<TestService> {
  const database = freshDatabase(backend);
  const config = loadConfig({
    env: {},
    overrides: {
      port: 0,
      host: "127.0.0.1",
      logLevel: "silent",
      decayIntervalSeconds: 0,
      ...database.settings,
      ...overrides,
    },
  });
  const server = await startServer(config, {
    logger: pino({ level: "silent" }),
    demo: options.demo,
    clock: options.clock,
  });
  const keyOf = async (scope: Scope) =>
    (await createApiKey(server.service.store.apiKeys, `test ${scope}`, scope, Date.now())).key;
  const [adminKey, writeKey, ingestKey, readKey] = [
    await keyOf("admin"),
    await keyOf("write"),
    await keyOf("ingest"),
    await keyOf("read"),
  ];
  const call: TestService["call"] = async (method, path, body, key = adminKey) => {
    const { status, text, json } = await send(server.url, key, method, path, body);
    return { status, body: json, text };
  };
  return {
    url: server.url,
    server,
    adminKey,
    writeKey,
    ingestKey,
    readKey,
    config,
    call,
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}

/** Uploads a model as version 1 under `key`, publishes it and waits until everyone is scored. */
export async function publishModel(
  svc: Pick<TestService, "call" | "server">,
  key: string,
  source: string,
): Promise<void> {
  expect((await svc.call("POST", `/v1/models/${key}/versions`, source)).status).toBe(201);
  expect((await svc.call("POST", `/v1/models/${key}/versions/1/publish`)).status).toBe(202);
  await svc.server.service.publishing.idle();
}
