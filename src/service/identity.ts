/**
 * Who an event or an update is about: a contact id (followed through merges) or an email.
 * Unknown contacts are created, so an event may arrive before its contact. Then the contacts
 * are locked (PostgreSQL, in id order so two transactions never deadlock) until commit.
 */
import { randomUUID } from "node:crypto";
import type { Dialect } from "../store/database.js";
import type { Tx } from "./score-contacts.js";
import { chunks } from "./util.js";

export interface ContactRef {
  contactId?: string | undefined;
  email?: string | undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Resolves each reference to a contact id, creating missing contacts; returns ids in input order. */
export async function resolveContacts(tx: Tx, refs: readonly ContactRef[], nowMs: number): Promise<string[]> {
  const ids = [...new Set(refs.flatMap((ref) => (ref.contactId ? [ref.contactId] : [])))];
  const aliases = new Map<string, string>();
  for (const part of chunks(ids, 500)) {
    const rows = await tx
      .selectFrom("contact_aliases")
      .select(["alias_id", "contact_id"])
      .where("alias_id", "in", part)
      .execute();
    for (const row of rows) aliases.set(row.alias_id, row.contact_id);
  }
  const emails = [
    ...new Set(refs.flatMap((ref) => (!ref.contactId && ref.email ? [normaliseEmail(ref.email)] : []))),
  ];
  const byEmail = new Map<string, string>();
  if (emails.length > 0) {
    await findByEmail(tx, emails, byEmail);
    const missing = emails.filter((email) => !byEmail.has(email)).sort();
    for (const part of chunks(missing, 300)) {
      await tx
        .insertInto("contacts")
        .values(
          part.map((email) => ({
            id: `c_${randomUUID()}`,
            email,
            company_id: null,
            properties: "{}",
            created_ms: nowMs,
            updated_ms: nowMs,
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    // Another process may have created some of them first: read the winners.
    if (missing.length > 0) await findByEmail(tx, missing, byEmail);
  }
  const resolved = refs.map((ref) => {
    if (ref.contactId) return aliases.get(ref.contactId) ?? ref.contactId;
    const id = byEmail.get(normaliseEmail(ref.email ?? ""));
    if (!id) throw new Error("a contact reference has neither an id nor an email");
    return id;
  });
  const unknown = [...new Set(resolved)].sort();
  for (const part of chunks(unknown, 500)) {
    await tx
      .insertInto("contacts")
      .values(
        part.map((id) => ({
          id,
          email: null,
          company_id: null,
          properties: "{}",
          created_ms: nowMs,
          updated_ms: nowMs,
        })),
      )
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
  }
  return resolved;
}

async function findByEmail(tx: Tx, emails: readonly string[], into: Map<string, string>): Promise<void> {
  for (const part of chunks(emails, 500)) {
    const rows = await tx.selectFrom("contacts").select(["id", "email"]).where("email", "in", part).execute();
    for (const row of rows) if (row.email) into.set(row.email, row.id);
  }
}

/** Row locks on the contacts until commit (PostgreSQL; SQLite has one writer at a time anyway). */
export async function lockContacts(tx: Tx, dialect: Dialect, ids: readonly string[]): Promise<void> {
  if (dialect !== "postgres") return;
  const sorted = [...new Set(ids)].sort();
  for (const part of chunks(sorted, 500)) {
    await tx.selectFrom("contacts").select("id").where("id", "in", part).orderBy("id").forUpdate().execute();
  }
}
