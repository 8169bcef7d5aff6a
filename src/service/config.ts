/**
 * Service configuration: defaults, then a config file (YAML or JSON), then environment
 * variables, then command-line options. Every value is validated; a bad one names its source.
 */
import { readFileSync } from "node:fs";
import ipaddr from "ipaddr.js";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { parseTimestamp } from "../time/timestamps.js";
import { allowEntryProblem } from "./alerts/targets.js";

/**
 * `trustProxy` as Fastify takes it: false, a number of hops, or the proxies' addresses. `true`
 * (believe any X-Forwarded-For) is refused: any client could then pick its own address and
 * escape the rate limits; name the proxies instead.
 */
function trustProxyOf(
  value: boolean | number | string | string[],
  context: z.RefinementCtx,
): false | number | string[] {
  const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  if (value === false || text === "false" || text === "" || value === 0) return false;
  if (value === true || text === "true") {
    context.addIssue({
      code: "custom",
      message:
        "true would believe X-Forwarded-For from anyone; give the proxies' addresses (10.0.0.0/8) or a number of hops",
    });
    return z.NEVER;
  }
  const hops = typeof value === "number" ? value : text && /^\d+$/.test(text) ? Number(text) : undefined;
  if (hops !== undefined) return hops;
  const entries = (Array.isArray(value) ? value : String(value).split(","))
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = entries.find((entry) => !(ipaddr.isValid(entry) || isCidr(entry)));
  if (bad !== undefined) {
    context.addIssue({
      code: "custom",
      message: `${bad} is neither an IP address nor a CIDR range (10.0.0.0/8)`,
    });
    return z.NEVER;
  }
  return entries;
}

function isCidr(text: string): boolean {
  try {
    ipaddr.parseCIDR(text);
    return true;
  } catch {
    return false;
  }
}

export const configSchema = z.strictObject({
  port: z.coerce.number().int().min(0).max(65535).default(8080).describe("HTTP port (0 picks a free one)."),
  host: z.string().min(1).default("127.0.0.1").describe("Interface to listen on."),
  databaseUrl: z
    .string()
    .optional()
    .describe("postgres://user@host:port/db for PostgreSQL; unset for the embedded SQLite database."),
  databaseSchema: z.string().optional().describe("PostgreSQL schema (created when missing)."),
  dataDir: z.string().min(1).default(".leadscore/data").describe("Folder of the embedded SQLite database."),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  decayIntervalSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .default(3600)
    .describe("How often stored scores are brought up to date for decay and windows (0: never)."),
  scoring: z
    .union([z.boolean(), z.enum(["on", "off", "true", "false"])])
    .default(true)
    .transform((value) => value === true || value === "on" || value === "true")
    .describe(
      "on: this process applies queued events to scores. off: it only stores them (ingest-only nodes; another process on the same database scores).",
    ),
  scoringThread: z
    .union([z.boolean(), z.enum(["auto", "on", "off", "true", "false"])])
    .default("auto")
    .transform((value): boolean | "auto" =>
      value === "auto" ? "auto" : value === true || value === "on" || value === "true",
    )
    .describe(
      "on: scoring runs in a worker thread with its own database connection, on another core than the one answering requests, at a lower CPU priority (Linux) so that answers go first. off: on the thread answering requests. auto: on.",
    ),
  scoringPassEvents: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .optional()
    .describe(
      "Most queued events one scoring pass takes (default: 1,000,000 on SQLite, 20,000 on PostgreSQL). Under a backlog, bigger passes score each contact once for more of its events; a SQLite pass holds its events in memory.",
    ),
  scoredWaitSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(600)
    .default(30)
    .describe("How long POST /v1/events?wait=scored waits for scoring before answering 504."),
  maxBatch: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(5000)
    .describe("Most events or contacts in one request."),
  alertDelivery: z
    .union([z.boolean(), z.enum(["on", "off", "true", "false"])])
    .default(true)
    .transform((value) => value === true || value === "on" || value === "true")
    .describe(
      "on: this process delivers alerts from the outbox (webhooks, email). off: it only decides them.",
    ),
  alertTimeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe("Most time one webhook attempt may take."),
  alertMaxAttempts: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .describe("Attempts before a delivery becomes a dead letter."),
  alertRetryBaseMs: z.coerce
    .number()
    .int()
    .min(1)
    .default(2000)
    .describe("Backoff after the first failed attempt; doubles each time (with jitter)."),
  alertRetryMaxMs: z.coerce
    .number()
    .int()
    .min(1)
    .default(900_000)
    .describe("Longest backoff between attempts."),
  alertRetentionDays: z.coerce
    .number()
    .min(0)
    .default(30)
    .describe("Days a delivered alert stays listed in the outbox; 0 keeps them all. Dead letters stay."),
  webhookAllowedTargets: z
    .union([z.string(), z.array(z.string())])
    .default([])
    .transform((value) =>
      (typeof value === "string" ? value.split(",") : value).map((entry) => entry.trim()).filter(Boolean),
    )
    .superRefine((entries, context) => {
      for (const entry of entries) {
        const problem = allowEntryProblem(entry);
        if (problem) context.addIssue({ code: "custom", message: problem });
      }
    })
    .describe(
      "Webhook hosts, addresses and CIDR ranges allowed although loopback, private or link-local (comma-separated): 127.0.0.1, hooks.internal, 10.1.0.0/16.",
    ),
  smtpUrl: z
    .string()
    .optional()
    .describe(
      "smtp://user:pass@host:port (or smtps://) for email alerts; unset: email actions fail to dead letters.",
    ),
  smtpFrom: z.string().default("leadscore@localhost").describe("Sender address of email alerts."),
  minEventTime: z
    .string()
    .default("2000-01-01")
    .refine((value) => parseTimestamp(value) !== undefined, "not a date: give ISO 8601 (2000-01-01)")
    .describe("Earliest event time accepted (ISO 8601); an event dated before it gets a 400."),
  maxClockSkewSeconds: z.coerce
    .number()
    .int()
    .min(0)
    .max(366 * 86_400)
    .default(3600)
    .describe(
      "How far after the service's clock an event time may be (a sender's clock running ahead); later ones get a 400.",
    ),
  bodyLimitBytes: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 * 1024)
    .describe(
      "Largest request body on any route, after decompression; each route declares a smaller limit of its own under it.",
    ),
  rateLimitWindowSeconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400)
    .default(60)
    .describe("The window the rate limits below count in."),
  rateLimitAuthFailures: z.coerce
    .number()
    .int()
    .min(0)
    .default(30)
    .describe(
      "Failed authentications (missing, unknown or revoked key) one client address may make per window; past it, its requests get 429 until the window ends (0: no limit).",
    ),
  rateLimitPerKey: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe("Requests one API key may make per window, then 429 (0: no limit)."),
  rateLimitPerAddress: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .describe(
      "Requests one client address may make per window to authenticated routes, then 429 (0: no limit).",
    ),
  trustProxy: z
    .union([z.boolean(), z.number(), z.string(), z.array(z.string())])
    .default(false)
    .transform(trustProxyOf)
    .describe(
      "Proxies whose X-Forwarded-For is believed for the client's address (rate limits, logs): addresses or CIDR ranges, comma-separated (10.0.0.0/8,127.0.0.1), or a number of hops; false: the TCP peer is the client.",
    ),
  corsOrigins: z
    .union([z.array(z.string()), z.string()])
    .default([])
    .transform((value) =>
      (typeof value === "string" ? value.split(",") : value).map((origin) => origin.trim()).filter(Boolean),
    )
    .pipe(
      z.array(
        z.union([
          z.literal("*"),
          z.url({ protocol: /^https?$/ }).refine((origin) => new URL(origin).origin === origin, {
            message: "an origin is scheme://host[:port], without a path or a trailing slash",
          }),
        ]),
      ),
    )
    .describe(
      "Browser origins allowed to call the API (CORS), comma-separated (https://www.example.com), or * for any; empty: CORS off.",
    ),
});

export type ServiceConfig = z.infer<typeof configSchema>;

const ENV: Record<string, keyof ServiceConfig> = {
  PORT: "port",
  HOST: "host",
  DATABASE_URL: "databaseUrl",
  DATABASE_SCHEMA: "databaseSchema",
  LEADSCORE_DATA_DIR: "dataDir",
  LOG_LEVEL: "logLevel",
  LEADSCORE_DECAY_INTERVAL: "decayIntervalSeconds",
  LEADSCORE_MAX_BATCH: "maxBatch",
  LEADSCORE_MIN_EVENT_TIME: "minEventTime",
  LEADSCORE_MAX_CLOCK_SKEW_SECONDS: "maxClockSkewSeconds",
  LEADSCORE_SCORING: "scoring",
  LEADSCORE_SCORING_THREAD: "scoringThread",
  LEADSCORE_SCORING_PASS_EVENTS: "scoringPassEvents",
  LEADSCORE_ALERT_DELIVERY: "alertDelivery",
  LEADSCORE_ALERT_TIMEOUT_MS: "alertTimeoutMs",
  LEADSCORE_ALERT_MAX_ATTEMPTS: "alertMaxAttempts",
  LEADSCORE_ALERT_RETRY_BASE_MS: "alertRetryBaseMs",
  LEADSCORE_ALERT_RETRY_MAX_MS: "alertRetryMaxMs",
  LEADSCORE_ALERT_RETENTION_DAYS: "alertRetentionDays",
  LEADSCORE_WEBHOOK_ALLOWED_TARGETS: "webhookAllowedTargets",
  LEADSCORE_SMTP_URL: "smtpUrl",
  LEADSCORE_SMTP_FROM: "smtpFrom",
  LEADSCORE_BODY_LIMIT_BYTES: "bodyLimitBytes",
  LEADSCORE_RATE_LIMIT_WINDOW_SECONDS: "rateLimitWindowSeconds",
  LEADSCORE_RATE_LIMIT_AUTH_FAILURES: "rateLimitAuthFailures",
  LEADSCORE_RATE_LIMIT_PER_KEY: "rateLimitPerKey",
  LEADSCORE_RATE_LIMIT_PER_ADDRESS: "rateLimitPerAddress",
  LEADSCORE_CORS_ORIGINS: "corsOrigins",
  LEADSCORE_TRUST_PROXY: "trustProxy",
};

export const CONFIG_ENV_VARS = Object.keys(ENV);

export class ConfigError extends Error {}

export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${path}: not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new ConfigError(`${path}: must be a mapping of settings`);
  return data as Record<string, unknown>;
}

export function loadConfig(
  options: {
    file?: string | undefined;
    env?: NodeJS.ProcessEnv;
    overrides?: Partial<Record<keyof ServiceConfig, unknown>>;
  } = {},
): ServiceConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.LEADSCORE_CONFIG;
  const merged: Record<string, unknown> = file ? { ...readConfigFile(file) } : {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value !== undefined && value !== "") merged[key] = value;
  }
  for (const [key, value] of Object.entries(options.overrides ?? {}))
    if (value !== undefined) merged[key] = value;
  const parsed = configSchema.safeParse(merged);
  if (!parsed.success) {
    const envOf = (key: string) => Object.entries(ENV).find(([, k]) => k === key)?.[0];
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? "");
      const where = envOf(key) ? `${key} (or ${envOf(key)})` : key;
      return `${where}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration${file ? ` (file ${file})` : ""}:\n  ${lines.join("\n  ")}`);
  }
  return parsed.data;
}
