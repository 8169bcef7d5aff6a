/**
 * Where imported rows go: a running service's batch endpoints over HTTP, or the service's
 * database opened in this process, through the very methods the API handlers call.
 */
import pino from "pino";
import { statusOf } from "../../server/errors.js";
import { toUpdate } from "../../server/routes/contacts.js";
import { toIncoming } from "../../server/routes/events.js";
import type { ServiceConfig } from "../../service/config.js";
import { ScoringService } from "../../service/service.js";
import { DomainError, type FieldIssue } from "../../service/shared/errors.js";
import { describeUrl } from "../../store/database.js";
import { UserError } from "../errors.js";
import type { Item, Kind } from "./rows.js";

export interface Stored {
  /** Rows written (created or updated; for events, new events). */
  stored: number;
  /** Events whose id the service already had. */
  duplicates: number;
}

/** The service refused a batch as a whole (400 or 409): nothing of it was written. */
export class Rejection extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: readonly FieldIssue[],
  ) {
    super(message);
    this.name = "Rejection";
  }
}

export interface Target {
  /** For the report: the URL, or the database's location (never a key or a password). */
  readonly description: string;
  send<K extends Kind>(kind: K, items: readonly Item<K>[]): Promise<Stored>;
  close(): Promise<void>;
}

export async function openDirectTarget(config: ServiceConfig): Promise<Target> {
  const service = await ScoringService.open(config, pino({ level: "silent" }));
  // SQLite: from the ids saved by the service's last stop, rather than every stored id.
  service.rememberStoredEvents();
  const calls = {
    companies: async (items: readonly Item<"companies">[]) => {
      await service.contacts.upsertCompanies(items.map((item) => item.parsed));
      return { stored: items.length, duplicates: 0 };
    },
    contacts: async (items: readonly Item<"contacts">[]) => {
      await service.contacts.upsertContacts(items.map((item) => toUpdate(item.parsed)));
      return { stored: items.length, duplicates: 0 };
    },
    events: async (items: readonly Item<"events">[]) => {
      const now = Date.now();
      const result = await service.ingestor.ingest(items.map((item) => toIncoming(item.parsed, now)));
      return { stored: result.accepted, duplicates: result.duplicates };
    },
  };
  return {
    description: `${service.database.dialect === "sqlite" ? "SQLite" : "PostgreSQL"} ${service.database.location}`,
    async send(kind, items) {
      try {
        return await (calls[kind] as (items: readonly Item<Kind>[]) => Promise<Stored>)(items);
      } catch (error) {
        if (error instanceof DomainError) throw new Rejection(statusOf(error), error.message, error.issues);
        throw error;
      }
    },
    // Direct imports score what they stored before they exit, so the scores are ready at once.
    close: async () => {
      await service.scorer.drain();
      await service.close();
    },
  };
}

export interface HttpSettings {
  url: string;
  key: string | undefined;
  /** Attempts per request when the service is unreachable or answers 5xx. */
  attempts?: number;
  /** Delay before the first retry; doubled for each next one. */
  retryDelayMs?: number;
}

interface ErrorAnswer {
  error?: { code?: string; message?: string; issues?: FieldIssue[] };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why fetch failed, from its cause: "connect ECONNREFUSED 127.0.0.1:8080". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message ?? cause?.code ?? (error as Error).message;
}

export function openHttpTarget(settings: HttpSettings): Target {
  const base = settings.url.replace(/\/+$/, "");
  const shown = describeUrl(base).replace(/\/+$/, "");
  const attempts = settings.attempts ?? 4;
  const retryDelayMs = settings.retryDelayMs ?? 500;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (settings.key) headers.authorization = `Bearer ${settings.key}`;

  async function post(path: string, body: unknown): Promise<unknown> {
    const payload = JSON.stringify(body);
    let failure = "";
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (attempt > 1) await sleep(retryDelayMs * 2 ** (attempt - 2));
      let response: Response;
      try {
        response = await fetch(`${base}${path}`, { method: "POST", headers, body: payload });
      } catch (error) {
        failure = `cannot reach ${shown}: ${networkReason(error)}`;
        continue;
      }
      const text = await response.text();
      let answer: unknown;
      try {
        answer = text ? JSON.parse(text) : undefined;
      } catch {
        answer = undefined;
      }
      if (response.ok) return answer;
      const error = (answer as ErrorAnswer | undefined)?.error;
      const message = error?.message ?? (text.slice(0, 200) || response.statusText);
      if (response.status >= 500 || response.status === 429) {
        failure = `${shown}${path} answered ${response.status}: ${message}`;
        continue;
      }
      if (response.status === 401 || response.status === 403)
        throw new UserError(
          `${shown} refused the API key (${response.status}: ${message}); give a write key with --key or LEADSCORE_API_KEY`,
          1,
        );
      if (response.status === 404)
        throw new UserError(`${shown}${path} answered 404: is this a Leadscore service? (${message})`, 1);
      if (response.status === 413) throw new UserError(`${shown}: ${message}; lower --batch-size`, 1);
      throw new Rejection(response.status, message, error?.issues ?? []);
    }
    throw new UserError(`${failure} (tried ${attempts} times)`, 1);
  }

  return {
    description: shown,
    async send(kind, items) {
      const answer = (await post(`/v1/${kind}/batch`, { [kind]: items.map((item) => item.body) })) as {
        accepted?: number;
        duplicates?: number;
      };
      if (kind !== "events") return { stored: items.length, duplicates: 0 };
      return { stored: answer?.accepted ?? 0, duplicates: answer?.duplicates ?? 0 };
    },
    async close() {},
  };
}
