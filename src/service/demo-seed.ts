/**
 * Fills an empty database with the demo data set and the b2b starter model, published, so
 * `npm start` shows a working service at once. Uses the same paths as the API.
 */
import { generateDemo } from "../demo/generator.js";
import type { DemoContact } from "../demo/types.js";
import { readTemplate } from "../model/template-files.js";
import type { ContactUpdate } from "./contacts/contacts.js";
import type { IncomingEvent } from "./ingest/ingest.js";
import type { ScoringService } from "./service.js";

export interface SeedSummary {
  seeded: boolean;
  contacts: number;
  events: number;
}

function contactUpdate(contact: DemoContact, seenEmails: Set<string>): ContactUpdate {
  const { id, email, companyId, convertedAt: _outcome, ...rest } = contact;
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest))
    if (value !== undefined && value !== "") properties[key] = value;
  // An email identifies one contact; the demo's few shared junk addresses (test.com) stay on the first.
  const unique = !seenEmails.has(email);
  seenEmails.add(email);
  return { contactId: id, ...(unique ? { email } : {}), companyId: companyId || null, properties };
}

export async function seedDemo(
  service: ScoringService,
  options: { contacts: number; seed: number; onProgress?: (events: number) => void },
): Promise<SeedSummary> {
  if ((await service.store.countContacts()) > 0) return { seeded: false, contacts: 0, events: 0 };
  const version = await service.publishing.upload("b2b", await readTemplate("b2b"));
  await service.publishing.publish(version.key, version.version);
  await service.publishing.idle();
  // The demo's six months end today, so recent activity is still fresh and decay visible.
  const endDate = `${new Date(service.clock()).toISOString().slice(0, 10)}T00:00:00Z`;
  const demo = generateDemo({ seed: options.seed, contacts: options.contacts, endDate });
  let batch: Array<{ id: string; properties: Record<string, unknown> }> = [];
  for (const company of demo.companies()) {
    const { id, ...properties } = company;
    batch.push({ id, properties });
    if (batch.length === 1000) {
      await service.contacts.upsertCompanies(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await service.contacts.upsertCompanies(batch);
  let contacts: ContactUpdate[] = [];
  let events: IncomingEvent[] = [];
  const seenEmails = new Set<string>();
  let eventCount = 0;
  let contactCount = 0;
  const flush = async () => {
    if (contacts.length > 0) await service.contacts.upsertContacts(contacts);
    if (events.length > 0) await service.ingestor.ingest(events);
    contactCount += contacts.length;
    eventCount += events.length;
    contacts = [];
    events = [];
    options.onProgress?.(eventCount);
  };
  for (const { contact, events: demoEvents } of demo.contactsWithEvents()) {
    contacts.push(contactUpdate(contact, seenEmails));
    for (const event of demoEvents) {
      const { id, contactId, type, timestamp, ...rest } = event;
      const properties: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(rest))
        if (value !== undefined && value !== "") properties[key] = value;
      events.push({ id, contactId, type, timeMs: Date.parse(timestamp), properties });
    }
    if (events.length >= 2000) await flush();
  }
  await flush();
  await service.scorer.drain();
  return { seeded: true, contacts: contactCount, events: eventCount };
}
