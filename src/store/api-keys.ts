/** The api_keys table: rows by hash (the key itself is never stored). */
import type { Kysely } from "kysely";
import type { Tables } from "./tables.js";

export type ApiKeyRow = Tables["api_keys"];

export class ApiKeyQueries {
  constructor(private readonly db: Kysely<Tables>) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto("api_keys").values(row).execute();
  }

  /** Every key, oldest first, without its hash. */
  list(): Promise<Array<Omit<ApiKeyRow, "hash">>> {
    return this.db
      .selectFrom("api_keys")
      .select(["id", "name", "scope", "created_ms", "revoked_ms"])
      .orderBy("created_ms")
      .execute();
  }

  /** Revokes an active key; false when there is none with this id. */
  async revoke(id: string, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable("api_keys")
      .set({ revoked_ms: nowMs })
      .where("id", "=", id)
      .where("revoked_ms", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** The scope of the active key with this hash, as stored. */
  async activeScope(hash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom("api_keys")
      .select("scope")
      .where("hash", "=", hash)
      .where("revoked_ms", "is", null)
      .executeTakeFirst();
    return row?.scope;
  }
}
