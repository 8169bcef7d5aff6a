/**
 * What the ingest benchmark sends: the demo's contacts and companies (for setup), and events
 * of the types the b2b model scores, with the demo's pages, forms, content and campaigns.
 * Every event gets a new id, so nothing sent is ever a duplicate.
 */
import { randomUUID } from "node:crypto";
import { CONTENT, FORM_IDS, PRODUCTS, SOCIAL_NETWORKS, WEBINAR_TOPICS } from "../src/demo/catalog.js";
import { PAGE_CATEGORIES } from "../src/demo/drafts.js";
import { generateDemo } from "../src/demo/generator.js";
import { Random, type WeightedTable, weightedTable } from "../src/random/random.js";
import type { EventRequest } from "../src/server/schemas.js";

export interface SetupData {
  companies: Array<{ id: string; properties: Record<string, unknown> }>;
  contacts: Array<{
    id: string;
    email?: string;
    companyId: string | null;
    properties: Record<string, unknown>;
  }>;
}

/** The demo's first `contacts` contacts and their companies, as the API's upsert bodies. */
export function setupData(contacts: number, seed: number): SetupData {
  const demo = generateDemo({
    seed,
    contacts,
    endDate: `${new Date().toISOString().slice(0, 10)}T00:00:00Z`,
  });
  const companies = [...demo.companies()].map(({ id, ...properties }) => ({ id, properties }));
  const seenEmails = new Set<string>();
  const people = [...demo.contacts()].map((contact) => {
    const { id, email, companyId, convertedAt: _outcome, ...rest } = contact;
    const properties: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest))
      if (value !== undefined && value !== "") properties[key] = value;
    // The demo shares a few junk addresses (test.com) between contacts: an email names one contact.
    const unique = !seenEmails.has(email);
    seenEmails.add(email);
    return { id, ...(unique ? { email } : {}), companyId: companyId || null, properties };
  });
  return { companies, contacts: people };
}

type EventType =
  | "page_view"
  | "email_open"
  | "email_click"
  | "form_submission"
  | "content_download"
  | "social_interaction"
  | "webinar_registration"
  | "webinar_attendance"
  | "demo_request"
  | "contact_request"
  | "meeting_booked";

/** A plausible mix: mostly page views and emails, a few strong signals. */
const TYPE_WEIGHTS: ReadonlyArray<readonly [EventType, number]> = [
  ["page_view", 55],
  ["email_open", 12],
  ["email_click", 8],
  ["form_submission", 4],
  ["content_download", 5],
  ["social_interaction", 5],
  ["webinar_registration", 3],
  ["webinar_attendance", 2],
  ["demo_request", 1],
  ["contact_request", 1],
  ["meeting_booked", 1],
];

/**
 * How senders name their events: `uuid`, a random UUID v4 (RudderStack's messageId, the mobile
 * SDKs); `segment-node`, the time-prefixed id of @segment/analytics-node
 * (`node-next-<epoch ms>-<uuid>`), which sorts in sending order.
 */
export type EventIdFormat = "uuid" | "segment-node";
export const EVENT_ID_FORMATS: readonly EventIdFormat[] = ["uuid", "segment-node"];

export class EventFactory {
  private readonly random: Random;
  private readonly types: WeightedTable<EventType>;
  private readonly pages: WeightedTable<readonly string[]>;
  private sequence = 0;

  constructor(
    private readonly idFormat: EventIdFormat,
    readonly contacts: SetupData["contacts"],
    seed: number,
    /** Share of events that name their contact by email instead of id. */
    private readonly byEmailShare = 0.1,
  ) {
    this.random = new Random(seed);
    this.types = weightedTable(TYPE_WEIGHTS);
    this.pages = weightedTable(PAGE_CATEGORIES.map((category) => [category.urls, category.weight] as const));
  }

  get created(): number {
    return this.sequence;
  }

  /** One event of a random contact, within the last hour, as the API takes it. */
  event(nowMs: number): EventRequest {
    const random = this.random;
    const contact = random.pick(this.contacts);
    const type = random.pickWeighted(this.types);
    const who =
      contact.email && random.chance(this.byEmailShare)
        ? { email: contact.email }
        : { contactId: contact.id };
    return {
      id: this.eventId(),
      ...who,
      type,
      timestamp: new Date(nowMs - random.int(0, 3_600_000)).toISOString(),
      properties: this.properties(type),
    };
  }

  private eventId(): string {
    this.sequence++;
    return this.idFormat === "uuid" ? randomUUID() : `node-next-${Date.now()}-${randomUUID()}`;
  }

  /** A POST /v1/events/batch body of `size` new events. */
  batchBody(size: number): string {
    const now = Date.now();
    const events = new Array(size);
    for (let i = 0; i < size; i++) events[i] = this.event(now);
    return JSON.stringify({ events });
  }

  /** A POST /v1/events body: one new event. */
  singleBody(): string {
    return JSON.stringify(this.event(Date.now()));
  }

  private properties(type: EventType): Record<string, unknown> {
    const random = this.random;
    const pick = <T>(list: readonly T[]): T => random.pick(list);
    const product = () => pick(PRODUCTS).id;
    switch (type) {
      case "page_view":
        return { url: random.pick(random.pickWeighted(this.pages)), duration_s: random.int(3, 600) };
      case "email_open":
        return { campaign: "newsletter-2026-11" };
      case "email_click":
        return { campaign: "newsletter-2026-11", product: product() };
      case "form_submission":
        return { form_id: pick(FORM_IDS) };
      case "content_download": {
        const content = pick(CONTENT);
        return { content_id: content.id, product: PRODUCTS[content.product].id };
      }
      case "social_interaction":
        return { campaign: pick(SOCIAL_NETWORKS) };
      case "webinar_registration":
        return { campaign: pick(WEBINAR_TOPICS).id };
      case "webinar_attendance":
        return { campaign: pick(WEBINAR_TOPICS).id, duration_s: random.int(300, 3600) };
      default:
        return { product: product() };
    }
  }
}
