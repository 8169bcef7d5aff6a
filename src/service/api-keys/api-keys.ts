/**
 * API keys: `lsk_<id>_<secret>`, shown once at creation; only the SHA-256 of the whole key is
 * stored (the secret has 192 random bits, so a fast hash is enough: nothing to brute-force).
 */
import { createHash, randomBytes } from "node:crypto";

/**
 * ingest: events and the Segment-spec calls (the key a website or app embeds); read: scores,
 * lists, metrics; write: what a CRM sync needs (ingest, contact and company upserts, reads);
 * admin: everything, with keys, models, triggers, merges, decay and dead-letter replay.
 */
export const SCOPES = ["ingest", "read", "write", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes each scope includes (itself too): a route needing one of them accepts the key. */
const INCLUDED: Record<Scope, ReadonlySet<Scope>> = {
  ingest: new Set(["ingest"]),
  read: new Set(["read"]),
  write: new Set(["write", "ingest", "read"]),
  admin: new Set(["admin", "write", "ingest", "read"]),
};

/** One line per scope, for help texts and the API description. */
export const SCOPE_DESCRIPTIONS: Record<Scope, string> = {
  ingest: "events and Segment-spec calls only (the key a website or app embeds)",
  read: "scores, contacts, lists, metrics",
  write: "ingest, contact and company upserts, and reads (a CRM sync)",
  admin: "everything: models, triggers, merges, decay, dead-letter replay, and all of write",
};

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: Scope;
  createdAt: string;
  revokedAt: string | null;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Does a key with this scope allow what the route needs? */
export function allows(scope: Scope, needed: Scope): boolean {
  return INCLUDED[scope].has(needed);
}

/** The scopes whose keys are allowed on a route needing `needed`, narrowest first. */
export function scopesAllowing(needed: Scope): Scope[] {
  return SCOPES.filter((scope) => allows(scope, needed));
}

/** The store port of API keys: what this feature asks of the database (store/api-keys.ts). */
export interface ApiKeyStore {
  insert(row: {
    id: string;
    name: string;
    scope: string;
    hash: string;
    created_ms: number;
    revoked_ms: number | null;
  }): Promise<void>;
  list(): Promise<
    Array<{ id: string; name: string; scope: string; created_ms: number; revoked_ms: number | null }>
  >;
  revoke(id: string, nowMs: number): Promise<boolean>;
  activeScope(hash: string): Promise<string | undefined>;
}

export async function createApiKey(
  store: ApiKeyStore,
  name: string,
  scope: Scope,
  nowMs: number,
): Promise<{ key: string; info: ApiKeyInfo }> {
  const id = randomBytes(6).toString("hex");
  const key = `lsk_${id}_${randomBytes(24).toString("base64url")}`;
  await store.insert({ id, name, scope, hash: hashKey(key), created_ms: nowMs, revoked_ms: null });
  return { key, info: { id, name, scope, createdAt: new Date(nowMs).toISOString(), revokedAt: null } };
}

export async function listApiKeys(store: ApiKeyStore): Promise<ApiKeyInfo[]> {
  const rows = await store.list();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    scope: row.scope as Scope,
    createdAt: new Date(row.created_ms).toISOString(),
    revokedAt: row.revoked_ms === null ? null : new Date(row.revoked_ms).toISOString(),
  }));
}

export function revokeApiKey(store: ApiKeyStore, id: string, nowMs: number): Promise<boolean> {
  return store.revoke(id, nowMs);
}

/** Looks keys up by hash, remembering answers briefly so ingest does not query per request. */
export class KeyChecker {
  private readonly cache = new Map<string, { scope: Scope | null; until: number }>();

  constructor(
    private readonly store: ApiKeyStore,
    private readonly clock: () => number,
    private readonly ttlMs = 10_000,
  ) {}

  async scopeOf(key: string): Promise<Scope | null> {
    const hash = hashKey(key);
    const now = this.clock();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.scope;
    const stored = await this.store.activeScope(hash);
    // A scope this version does not know (a newer one's key) gives no access rather than a guess.
    const scope = stored !== undefined && isScope(stored) ? stored : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { scope, until: now + this.ttlMs });
    return scope;
  }
}
