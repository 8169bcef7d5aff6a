/**
 * Who an event or an update is about: a contact id (followed through merges) or an email.
 * Unknown contacts are created, so an event may arrive before its contact. Then the contacts
 * are locked (PostgreSQL, in id order so two transactions never deadlock) until commit.
 */
import { randomUUID } from "node:crypto";
import type { ScoringStore } from "../../store/scoring-store.js";

export interface ContactRef {
  contactId?: string | undefined;
  email?: string | undefined;
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Resolves each reference to a contact id, creating missing contacts; returns ids in input order. */
export async function resolveContacts(
  store: ScoringStore,
  refs: readonly ContactRef[],
  nowMs: number,
): Promise<string[]> {
  const ids = [...new Set(refs.flatMap((ref) => (ref.contactId ? [ref.contactId] : [])))];
  const aliases = await store.aliases(ids);
  const emails = [
    ...new Set(refs.flatMap((ref) => (!ref.contactId && ref.email ? [normaliseEmail(ref.email)] : []))),
  ];
  const byEmail = emails.length > 0 ? await store.contactIdsByEmail(emails) : new Map<string, string>();
  const missing = emails.filter((email) => !byEmail.has(email));
  if (missing.length > 0) {
    await store.insertMissingContacts(missing.map((email) => newContact(`c_${randomUUID()}`, email, nowMs)));
    // Another process may have created some of them first: read the winners.
    for (const [email, id] of await store.contactIdsByEmail(missing)) byEmail.set(email, id);
  }
  let resolved = refs.map((ref) => {
    if (ref.contactId) return aliases.get(ref.contactId) ?? ref.contactId;
    const id = byEmail.get(normaliseEmail(ref.email ?? ""));
    if (!id) throw new Error("a contact reference has neither an id nor an email");
    return id;
  });
  // PostgreSQL: a merge may commit between the alias read and the event insert, and the events
  // would then name a contact that no longer exists. Held contacts cannot be merged away until
  // this commits; of the others (new ones, or merged meanwhile), those with an alias now are
  // replaced by their survivor, held in turn (aliases always name the last survivor, so one more
  // round is the most it takes). Contacts held exist until commit (a merge waits for the hold):
  // no insert is tried for them (on PostgreSQL a refused insert per request was a sixth of
  // ingest's statements).
  let existing: Set<string> | undefined;
  for (let round = 0; round < 3; round++) {
    const ids = [...new Set(resolved)];
    const held = await store.holdContacts(ids);
    if (!held) break;
    const missing = ids.filter((id) => !held.has(id));
    const merged = missing.length > 0 ? await store.aliases(missing) : new Map<string, string>();
    if (merged.size === 0) {
      existing = held;
      break;
    }
    resolved = resolved.map((id) => merged.get(id) ?? id);
  }
  const unknown = [...new Set(resolved)].filter((id) => !existing?.has(id));
  if (unknown.length > 0) await store.insertMissingContacts(unknown.map((id) => newContact(id, null, nowMs)));
  return resolved;
}

function newContact(id: string, email: string | null, nowMs: number) {
  return { id, email, company_id: null, properties: "{}", created_ms: nowMs, updated_ms: nowMs };
}
