/**
 * Migration 013 on SQLite and PostgreSQL: a key created as `write` when write allowed everything
 * becomes an `admin` key (it keeps what it could do, models and merges included); read keys stay.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../src/store/database.js";
import { BACKENDS, freshDatabaseOptions } from "./helpers/service.js";

describe.each(BACKENDS)("migration 013 scopes on %s", (backend) => {
  const drops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const drop of drops.splice(0)) await drop();
  });

  it("turns old write keys into admin keys and leaves read keys alone", async () => {
    const { options, drop } = freshDatabaseOptions(backend);
    drops.push(drop);
    const before = await openDatabase({ ...options, migrateTo: "012-states-fillfactor" });
    const key = (id: string, scope: string) => ({
      id,
      name: id,
      scope,
      hash: `hash-${id}`,
      created_ms: 1,
      revoked_ms: null,
    });
    await before.db
      .insertInto("api_keys")
      .values([key("old-writer", "write"), key("old-reader", "read")])
      .execute();
    await before.close();

    const after = await openDatabase(options);
    try {
      const rows = await after.db.selectFrom("api_keys").select(["id", "scope"]).orderBy("id").execute();
      expect(rows).toEqual([
        { id: "old-reader", scope: "read" },
        { id: "old-writer", scope: "admin" },
      ]);
      expect(await after.db.selectFrom("merge_candidates").selectAll().execute()).toEqual([]);
    } finally {
      await after.close();
    }
  });
});
