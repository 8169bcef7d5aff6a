/**
 * PostgreSQL ingest in one statement for its usual case: events naming contacts that exist, by
 * id, alias or email. The statement follows aliases, finds contacts by email, holds the contacts
 * with a key-share lock (in id order, as every lock on contacts is taken), and inserts the new
 * events with their queue rows, all in its own implicit transaction: one round trip and one
 * commit instead of five (begin, aliases, hold, insert, commit). Under single-event load the
 * round trips were a visible part of each request's time, and socket writes of the serving
 * thread's CPU profile.
 *
 * When any contact is missing (an event before its contact, or merged away by a merge that
 * committed after the statement's snapshot: locking a deleted row returns nothing), the
 * statement inserts nothing and says so; the caller then takes the general path (identity.ts),
 * which creates contacts and follows merges. The statement is a function (migration 011), so
 * that it is planned once per connection rather than at every call.
 */
import { type Kysely, sql } from "kysely";
import { INGEST_FUNCTION } from "./migrations/011-ingest-function.js";
import type { EventRow } from "./scoring-store.js";
import type { Tables } from "./tables.js";

/** An event to store, naming its contact as the sender did (`contactRefKey`). */
export type KnownContactEvent = Omit<EventRow, "contact_id"> & { contact_ref: string };

export interface KnownContactsIngest {
  /** The contact each reference resolved to (through aliases). */
  contactOf: Map<string, string>;
  /** The seq of each event inserted, by event id (those missing were duplicates). */
  inserted: Map<string, number>;
}

interface ResultRow {
  kind: "contact" | "event" | "held";
  key: string;
  value: string;
}

/** How an event names its contact: `id:<contact id>` or `email:<normalised email>`. */
export function contactRefKey(ref: { contactId?: string | undefined; email?: string | undefined }): string {
  if (ref.contactId) return `id:${ref.contactId}`;
  if (ref.email) return `email:${ref.email}`;
  throw new Error("a contact reference has neither an id nor an email");
}

/**
 * Stores the events if every contact named in `contactRefs` (keys from `contactRefKey`: those
 * of the events, and of any duplicates the caller answers for) exists; undefined (and nothing
 * written) when one does not. `events` must have distinct ids.
 */
export async function insertEventsOfKnownContacts(
  db: Kysely<Tables>,
  contactRefs: readonly string[],
  events: readonly KnownContactEvent[],
): Promise<KnownContactsIngest | undefined> {
  const refs = [...new Set([...contactRefs, ...events.map((event) => event.contact_ref)])];
  const ids = refs.flatMap((ref) => (ref.startsWith("id:") ? [ref.slice(3)] : []));
  const emails = refs.flatMap((ref) => (ref.startsWith("email:") ? [ref.slice(6)] : []));
  // Sorted by event id, as the general path inserts them: two statements inserting the same
  // new ids wait for each other in one order, never in a cycle.
  const sorted = [...events].sort((a, b) => (a.event_id < b.event_id ? -1 : 1));
  const column = <K extends keyof KnownContactEvent>(key: K) => sorted.map((event) => event[key]);
  const result = await sql<ResultRow>`select kind, key, value from ${sql.raw(INGEST_FUNCTION)}(
    ${ids}::text[], ${emails}::text[], ${column("event_id")}::text[], ${column("contact_ref")}::text[],
    ${column("type")}::text[], ${column("time_ms")}::bigint[], ${column("properties")}::text[],
    ${column("received_ms")}::bigint[])`.execute(db);
  const ready = result.rows.find((row) => row.kind === "held");
  if (ready?.value !== "true") return undefined;
  const contactOf = new Map<string, string>();
  const inserted = new Map<string, number>();
  for (const row of result.rows) {
    if (row.kind === "contact") contactOf.set(row.key, row.value);
    else if (row.kind === "event") inserted.set(row.key, Number(row.value));
  }
  return { contactOf, inserted };
}
