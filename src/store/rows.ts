/** Small helpers shared by the scoring stores. */
import type { StoredEventRow } from "./scoring-store.js";

export function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Events by contact, each list sorted by time then id. */
export function groupEvents(rows: StoredEventRow[]): Map<string, StoredEventRow[]> {
  const byContact = new Map<string, StoredEventRow[]>();
  for (const row of rows) {
    const list = byContact.get(row.contact_id);
    if (list) list.push(row);
    else byContact.set(row.contact_id, [row]);
  }
  for (const list of byContact.values()) {
    list.sort(
      (a, b) => a.time_ms - b.time_ms || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0),
    );
  }
  return byContact;
}
