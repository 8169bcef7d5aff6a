/**
 * API keys: `lsk_<id>_<secret>`, shown once at creation; only the SHA-256 of the whole key is
 * stored (the secret has 192 random bits, so a fast hash is enough: nothing to brute-force).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Tables } from "../../store/tables.js";

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

export async function createApiKey(
  db: Kysely<Tables>,
  name: string,
  scope: Scope,
): Promise<{ key: string; info: ApiKeyInfo }> {
  const id = randomBytes(6).toString("hex");
  const key = `lsk_${id}_${randomBytes(24).toString("base64url")}`;
  const created_ms = Date.now();
  await db
    .insertInto("api_keys")
    .values({ id, name, scope, hash: hashKey(key), created_ms, revoked_ms: null })
    .execute();
  return { key, info: { id, name, scope, createdAt: new Date(created_ms).toISOString(), revokedAt: null } };
}

export async function listApiKeys(db: Kysely<Tables>): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom("api_keys")
    .select(["id", "name", "scope", "created_ms", "revoked_ms"])
    .orderBy("created_ms")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    scope: row.scope as Scope,
    createdAt: new Date(row.created_ms).toISOString(),
    revokedAt: row.revoked_ms === null ? null : new Date(row.revoked_ms).toISOString(),
  }));
}

export async function revokeApiKey(db: Kysely<Tables>, id: string): Promise<boolean> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_ms: Date.now() })
    .where("id", "=", id)
    .where("revoked_ms", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Looks keys up by hash, remembering answers briefly so ingest does not query per request. */
export class KeyChecker {
  private readonly cache = new Map<string, { scope: Scope | null; until: number }>();

  constructor(
    private readonly db: Kysely<Tables>,
    private readonly ttlMs = 10_000,
  ) {}

  async scopeOf(key: string): Promise<Scope | null> {
    const hash = hashKey(key);
    const now = Date.now();
    const hit = this.cache.get(hash);
    if (hit && hit.until > now) return hit.scope;
    const row = await this.db
      .selectFrom("api_keys")
      .select("scope")
      .where("hash", "=", hash)
      .where("revoked_ms", "is", null)
      .executeTakeFirst();
    // A scope this version does not know (a newer one's key) gives no access rather than a guess.
    const scope = row && isScope(row.scope) ? row.scope : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { scope, until: now + this.ttlMs });
    return scope;
  }
}
