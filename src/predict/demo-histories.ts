/**
 * The demo data set as contact histories for the snapshot features: every contact with its
 * company, its events and when it converted. The records keep every field the demo writes
 * (lifecycleStage and the other outcome-related ones too); DEFAULT_EXCLUDED_PROPERTIES keeps
 * them out of the features.
 */
import type { DemoDataSet } from "../demo/generator.js";
import { EVENT_PROPERTY_FIELDS } from "../demo/types.js";
import type { ContactHistory, HistoryEvent } from "./features.js";

export function demoHistories(demo: DemoDataSet): ContactHistory[] {
  const companies = new Map<string, Record<string, unknown>>();
  for (const company of demo.companies()) companies.set(company.id, { ...company });
  const histories: ContactHistory[] = [];
  for (const { contact, events } of demo.contactsWithEvents()) {
    const history: ContactHistory = {
      id: contact.id,
      properties: { ...contact },
      events: events.map((event): HistoryEvent => {
        const properties: Record<string, unknown> = {};
        for (const name of EVENT_PROPERTY_FIELDS)
          if (event[name] !== undefined) properties[name] = event[name];
        return { id: event.id, type: event.type, timeMs: Date.parse(event.timestamp), properties };
      }),
      convertedAtMs: contact.convertedAt === "" ? undefined : Date.parse(contact.convertedAt),
    };
    const company = companies.get(contact.companyId);
    if (company) history.company = company;
    histories.push(history);
  }
  return histories;
}
