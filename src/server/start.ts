/**
 * Running the service: open the database (migrations run), optionally seed the demo, listen,
 * and shut down gracefully on SIGTERM/SIGINT (stop accepting, finish requests and queued
 * events, stop jobs between pages, close the database).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { createApiKey } from "../service/api-keys/api-keys.js";
import type { ServiceConfig } from "../service/config.js";
import { seedDemo } from "../service/demo-seed.js";
import { ScoringService } from "../service/service.js";
import { buildApp } from "./app.js";

/** Where `serve --demo` keeps the demo key (in the SQLite data folder). */
function demoKeyFile(config: ServiceConfig): string {
  return join(config.dataDir, "demo-api-key.txt");
}

export interface RunningServer {
  url: string;
  service: ScoringService;
  servedRoutes: readonly { method: string; url: string }[];
  close(): Promise<void>;
}

export interface StartOptions {
  demo?: { contacts: number; seed: number } | undefined;
  /** Print the banner (URL, demo key) on standard output. */
  banner?: boolean;
  logger?: Logger;
  /** The service's clock (tests); default Date.now. */
  clock?: () => number;
  /** The dashboard admin's password when the database has no user yet (default: a random one, printed). */
  adminPassword?: string | undefined;
}

export async function startServer(config: ServiceConfig, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? pino({ level: config.logLevel, redact: ["req.headers.authorization"] });
  const service = await ScoringService.open(config, log, options.clock);
  const say = (text: string) => {
    if (options.banner) process.stdout.write(`${text}\n`);
  };
  let demoKey: string | undefined;
  if (options.demo) {
    const started = Date.now();
    say(`Loading the demo data set (${options.demo.contacts} contacts and their events)...`);
    const seeded = await seedDemo(service, options.demo);
    if (seeded.seeded) {
      say(
        `  ${seeded.contacts} contacts, ${seeded.events} events scored in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      demoKey = (await createApiKey(service.store.apiKeys, "demo (npm start)", "admin", service.clock())).key;
      // Demo only: the key is kept beside the demo database so a restart can show it again.
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      writeFileSync(demoKeyFile(config), `${demoKey}\n`, { mode: 0o600 });
    } else {
      say("  the database already has contacts: kept as they are");
      demoKey = existsSync(demoKeyFile(config))
        ? readFileSync(demoKeyFile(config), "utf8").trim()
        : undefined;
    }
  }
  const admin = await service.users.ensureAdmin(options.adminPassword);
  const { app, servedRoutes } = await buildApp(service, log);
  service.startBackground();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  say(`\nLeadscore dashboard: ${url}`);
  if (admin && options.adminPassword)
    say(`  log in as ${admin.username} with the password of LEADSCORE_ADMIN_PASSWORD`);
  else if (admin)
    say(
      `  log in as ${admin.username}, password ${admin.password}  (shown this once; set LEADSCORE_ADMIN_PASSWORD to choose it)`,
    );
  else say("  log in with your dashboard user (the admin was created on the first start)");
  say(`  service running (database: ${service.database.location})`);
  say(`  API reference: ${url}/openapi.json    health: ${url}/health`);
  if (demoKey) {
    say(
      `  demo API key (admin scope: it can do everything, so never embed it in a website; also in ${demoKeyFile(config)}): ${demoKey}`,
    );
    say(`  try: curl -H "Authorization: Bearer ${demoKey}" "${url}/v1/scores?temperature=hot&limit=5"`);
  } else {
    say("  create an API key with: leadscore keys create --name me --scope admin  (or ingest, read, write)");
  }
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      await app.close();
      await service.close();
    })();
    return closing;
  };
  return { url, service, servedRoutes, close };
}

/** Closes on SIGTERM or SIGINT, then exits. */
export function closeOnSignals(server: RunningServer, log: (text: string) => void): void {
  const stop = (signal: string) => {
    log(`${signal}: finishing requests and queued events, then stopping`);
    server.close().then(
      () => process.exit(0),
      (error) => {
        process.stderr.write(`leadscore: shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}
