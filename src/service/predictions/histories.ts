/**
 * Contact histories from the store, as the predictive features read them (src/predict/
 * features.ts): the contact's properties (with its id, email and company id, as the CLI's
 * contacts file has them), its company's properties, and its events up to a date. The same
 * shape `leadscore predict --contacts` builds from files, so both compute the same features.
 */
import type { Kysely } from "kysely";
import type { ContactHistory, HistoryEvent } from "../../predict/features.js";
import { allEvents } from "../../store/contact-events.js";
import { chunks } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import { contactProperties } from "../scoring/score-contacts.js";
import { jsonObject } from "../shared/json.js";

/** Histories of the contacts, in the order of `ids` (unknown ids are left out). */
export async function readHistories(
  db: Kysely<Tables>,
  ids: readonly string[],
  asOfMs: number,
): Promise<ContactHistory[]> {
  if (ids.length === 0) return [];
  const contacts = [];
  for (const part of chunks([...ids], 500))
    contacts.push(...(await db.selectFrom("contacts").selectAll().where("id", "in", part).execute()));
  const companyIds = [...new Set(contacts.flatMap((row) => (row.company_id ? [row.company_id] : [])))];
  const companies = new Map<string, Record<string, unknown>>();
  for (const part of chunks(companyIds, 500)) {
    const rows = await db
      .selectFrom("companies")
      .select(["id", "properties"])
      .where("id", "in", part)
      .execute();
    for (const row of rows) companies.set(row.id, { ...jsonObject(row.properties), id: row.id });
  }
  const events = new Map<string, HistoryEvent[]>();
  for (const part of chunks([...ids], 500)) {
    // Events after the date cannot count: leave them in the database.
    const rows = await allEvents(db, part, asOfMs);
    for (const row of rows) {
      const list = events.get(row.contact_id) ?? [];
      list.push({
        id: row.event_id,
        type: row.type,
        timeMs: row.time_ms,
        properties: jsonObject(row.properties),
      });
      events.set(row.contact_id, list);
    }
  }
  const byId = new Map(contacts.map((row) => [row.id, row]));
  return ids.flatMap((id): ContactHistory[] => {
    const row = byId.get(id);
    if (!row) return [];
    const history: ContactHistory = {
      id,
      properties: contactProperties(row),
      events: events.get(id) ?? [],
      createdAtMs: row.created_ms,
    };
    const company = row.company_id ? companies.get(row.company_id) : undefined;
    if (company) history.company = company;
    return [history];
  });
}
