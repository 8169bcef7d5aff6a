/** Row locks on contacts, taken by every transaction that changes a contact's scores or merges it. */
import type { Kysely } from "kysely";
import type { Dialect } from "./database.js";
import { anyOf } from "./pg-bulk.js";
import { chunks } from "./rows.js";
import type { Tables } from "./tables.js";

/**
 * Row locks on the contacts until commit (PostgreSQL; SQLite has one writer at a time anyway).
 * Scoring and property changes take NO KEY UPDATE locks: they serialise with each other but not
 * with ingest's key-share hold on the contacts it attaches events to. A merge, which deletes the
 * merged contact, takes `delete` (FOR UPDATE): it waits for those ingests, and they for it.
 */
export async function lockContacts(
  tx: Kysely<Tables>,
  dialect: Dialect,
  ids: readonly string[],
  purpose: "write" | "delete" = "write",
): Promise<void> {
  if (dialect !== "postgres") return;
  const sorted = [...new Set(ids)].sort();
  for (const part of chunks(sorted, 5000)) {
    const query = tx
      .selectFrom("contacts")
      .select("id")
      .where(anyOf("id", part, "text"))
      .orderBy("id");
    await (purpose === "delete" ? query.forUpdate() : query.forNoKeyUpdate()).execute();
  }
}
