/**
 * API keys: `lsk_<id>_<secret>`, shown once at creation; only the SHA-256 of the whole key is
 * stored (the secret has 192 random bits, so a fast hash is enough: nothing to brute-force).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Tables } from "../store/tables.js";

export type Scope = "read" | "write";
export const SCOPES: readonly Scope[] = ["read", "write"];

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

/** Does a key with this scope allow what the route needs? write includes read. */
export function allows(scope: Scope, needed: Scope): boolean {
  return scope === "write" || needed === "read";
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
    const scope = (row?.scope as Scope | undefined) ?? null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, { scope, until: now + this.ttlMs });
    return scope;
  }
}
