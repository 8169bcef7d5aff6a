/**
 * Segment-spec messages (identify, track, page, screen, group, alias) turned into Leadscore's
 * own operations: contact and company upserts, events, merges. Pure: no I/O. The routes in
 * server/routes/segment.ts validate the messages, then carry out the steps planned here in order.
 *
 * Rules (docs/sdks.md repeats them):
 * - The contact of a message is its userId, else `anon:<anonymousId>`.
 * - track: the event type is the snake_case of the event name (lowercased; every run of
 *   characters other than letters and digits becomes one `_`), then the spec names of
 *   SEGMENT_EVENT_TYPES become Leadscore's built-in types ("Form Submitted" -> form_submission).
 * - page and screen: a page_view whose `url` is the page's path, so rules such as
 *   `url matches /pricing` read the same as with /v1/events; the full URL is kept as full_url.
 * - identify: traits become contact properties under Leadscore's canonical names (fields.ts),
 *   others are kept as they are; email and company id become the contact's email and company.
 * - Times: `timestamp`, else `originalTimestamp` corrected for the sender's clock skew
 *   (receivedAt - (sentAt - originalTimestamp), as Segment does), else the time received.
 */
import { COMPANY_FIELD_NAMES, CONTACT_FIELD_NAMES } from "../../model/fields.js";
import type { CompanyUpdate, ContactUpdate } from "../contacts/contacts.js";
import type { IncomingEvent } from "../ingest/ingest.js";

export const SEGMENT_TYPES = ["identify", "track", "page", "screen", "group", "alias"] as const;
export type SegmentType = (typeof SEGMENT_TYPES)[number];

/** A validated message; times already read as UTC milliseconds. */
export interface SegmentMessage {
  type: SegmentType;
  messageId?: string | undefined;
  userId?: string | undefined;
  anonymousId?: string | undefined;
  /** track */
  event?: string | undefined;
  /** page, screen */
  name?: string | undefined;
  category?: string | undefined;
  properties?: Record<string, unknown> | undefined;
  /** identify, group */
  traits?: Record<string, unknown> | undefined;
  /** group */
  groupId?: string | undefined;
  /** alias */
  previousId?: string | undefined;
  context?: Record<string, unknown> | undefined;
  timestamp?: number | undefined;
  originalTimestamp?: number | undefined;
  sentAt?: number | undefined;
}

/** What surrounds the messages: the batch's own context and sentAt apply to each message. */
export interface SegmentEnvelope {
  receivedMs: number;
  sentAt?: number | undefined;
  context?: Record<string, unknown> | undefined;
}

/**
 * Segment spec event names (as snake_case) that mean one of Leadscore's built-in event types.
 * Any other name keeps its snake_case form as a custom type.
 */
export const SEGMENT_EVENT_TYPES: Readonly<Record<string, string>> = {
  page_viewed: "page_view",
  form_submitted: "form_submission",
  content_downloaded: "content_download",
  file_downloaded: "content_download",
  email_opened: "email_open",
  email_link_clicked: "email_click",
  email_bounced: "email_bounce",
  email_marked_as_spam: "spam_complaint",
  unsubscribed: "unsubscribe",
  webinar_registered: "webinar_registration",
  webinar_attended: "webinar_attendance",
  demo_requested: "demo_request",
  contact_requested: "contact_request",
  meeting_scheduled: "meeting_booked",
  order_completed: "order",
};

/** Lowercase; each run of characters other than letters and digits becomes one `_`; trimmed. */
export function snakeCase(name: string): string {
  return name
    .normalize("NFC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "_")
    .replace(/^_+|_+$/g, "");
}

/** The Leadscore event type of a track event name ("" when the name has no letter or digit). */
export function eventTypeOf(eventName: string): string {
  const snake = snakeCase(eventName);
  return SEGMENT_EVENT_TYPES[snake] ?? snake;
}

/** The contact a message is about: its userId, else `anon:<anonymousId>`. */
export function contactIdOf(message: Pick<SegmentMessage, "userId" | "anonymousId">): string {
  if (message.userId !== undefined) return message.userId;
  if (message.anonymousId !== undefined) return anonymousContactId(message.anonymousId);
  throw new Error("a Segment message has neither a userId nor an anonymousId");
}

export function anonymousContactId(anonymousId: string): string {
  return `anon:${anonymousId}`;
}

/** When the event happened, in UTC milliseconds (see the rules above). */
export function eventTimeMs(message: SegmentMessage, envelope: SegmentEnvelope): number {
  if (message.timestamp !== undefined) return message.timestamp;
  if (message.originalTimestamp !== undefined) {
    const sentAt = message.sentAt ?? envelope.sentAt;
    return sentAt === undefined
      ? message.originalTimestamp
      : envelope.receivedMs - (sentAt - message.originalTimestamp);
  }
  return envelope.receivedMs;
}

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return textOf(value);
}

/** "first_name", "First Name" and "firstName" all squash to "firstname". */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * Trait names (squashed) and their canonical names: every canonical field under its own name in
 * any spelling, plus the Segment names that differ. The record's id and the columns (email,
 * companyId) are handled apart.
 */
function renames(canonical: readonly string[], extra: Record<string, string>): Map<string, string> {
  const map = new Map<string, string>();
  for (const name of canonical) if (name !== "id") map.set(squash(name), name);
  for (const [alias, name] of Object.entries(extra)) map.set(squash(alias), name);
  return map;
}

const CONTACT_TRAITS = renames(
  CONTACT_FIELD_NAMES.filter((name) => name !== "email" && name !== "companyId"),
  { title: "jobTitle", phoneNumber: "phone" },
);

const COMPANY_TRAITS = renames(COMPANY_FIELD_NAMES, {
  employeeCount: "employees",
  numberOfEmployees: "employees",
  annualRevenue: "revenue",
});

/**
 * Traits under canonical names. A trait already spelt canonically wins over an alias of the
 * same field (jobTitle over title); unknown traits are kept as they are.
 */
function renameTraits(
  traits: Record<string, unknown>,
  table: Map<string, string>,
  skip: ReadonlySet<string>,
): Record<string, unknown> {
  const renamed: Record<string, unknown> = {};
  const exact = new Set<string>();
  for (const [key, value] of Object.entries(traits)) {
    if (skip.has(key)) continue;
    const canonical = table.get(squash(key)) ?? key;
    if (canonical === key) {
      renamed[key] = value;
      exact.add(key);
    } else if (!exact.has(canonical)) {
      renamed[canonical] = value;
    }
  }
  return renamed;
}

/** address.country fills country when no country trait is given. */
function countryFromAddress(properties: Record<string, unknown>, traits: Record<string, unknown>): void {
  const country = textOf(objectOf(traits.address)?.country);
  if (properties.country === undefined && country !== undefined) properties.country = country;
}

/** "https://www.acme.com/about" -> "acme.com". */
function domainOf(website: string): string | undefined {
  try {
    const host = new URL(website.includes("://") ? website : `https://${website}`).hostname;
    return host.replace(/^www\./, "") || undefined;
  } catch {
    return undefined;
  }
}

/** Company traits (group traits, or identify's traits.company) as company properties. */
export function companyProperties(traits: Record<string, unknown>): Record<string, unknown> {
  const properties = renameTraits(traits, COMPANY_TRAITS, new Set(["id"]));
  countryFromAddress(properties, traits);
  const website = textOf(traits.website);
  if (properties.domain === undefined && website !== undefined) {
    const domain = domainOf(website);
    if (domain !== undefined) properties.domain = domain;
  }
  return properties;
}

export interface IdentifyPlan {
  contact: ContactUpdate & { contactId: string };
  /** When traits.company has an id: that company's properties. */
  company?: CompanyUpdate | undefined;
  /** `anon:<anonymousId>` when the message gives a userId too: merged into the user if it exists. */
  mergeCandidates: string[];
  /** No userId: the contact is `anon:<anonymousId>`. */
  anonymous: boolean;
}

const CONTACT_COLUMNS = new Set(["id", "userId", "email", "companyId", "company_id"]);

export function planIdentify(message: SegmentMessage): IdentifyPlan {
  const traits = message.traits ?? {};
  const company = objectOf(traits.company);
  const companyRecordId = idOf(company?.id);
  const companyId = idOf(traits.companyId) ?? idOf(traits.company_id) ?? companyRecordId;
  const skip = new Set(CONTACT_COLUMNS);
  // The company object becomes the company's record when it has an id; without one it stays a trait.
  if (companyRecordId !== undefined) skip.add("company");
  const properties = renameTraits(traits, CONTACT_TRAITS, skip);
  countryFromAddress(properties, traits);
  const email = textOf(traits.email);
  return {
    contact: {
      contactId: contactIdOf(message),
      ...(email !== undefined ? { email } : {}),
      ...(companyId !== undefined ? { companyId } : {}),
      properties,
    },
    company:
      company && companyRecordId !== undefined
        ? { id: companyRecordId, properties: companyProperties(company) }
        : undefined,
    mergeCandidates:
      message.userId !== undefined && message.anonymousId !== undefined
        ? [anonymousContactId(message.anonymousId)]
        : [],
    anonymous: message.userId === undefined,
  };
}

/** A group message: the company's record, and the contact it is attached to. */
export function planGroup(message: SegmentMessage): { company: CompanyUpdate; contactId: string } {
  return {
    company: { id: message.groupId as string, properties: companyProperties(message.traits ?? {}) },
    contactId: contactIdOf(message),
  };
}

/** The path of a URL ("https://acme.com/pricing?x=1" -> "/pricing"); a bare path stays itself. */
export function pathOf(url: string): string | undefined {
  if (url.startsWith("/")) return url.split(/[?#]/, 1)[0];
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}

/**
 * A page or screen message's event properties: its properties, with `url` the page's path
 * (properties.path, else context.page.path, else the path of properties.url or context.page.url)
 * and the full URL as full_url; name, category, title and referrer are kept (from context.page
 * when the properties lack them).
 */
export function pageProperties(message: SegmentMessage, context: Record<string, unknown>) {
  const properties: Record<string, unknown> = { ...(message.properties ?? {}) };
  const page = objectOf(context.page) ?? {};
  const fullUrl = textOf(properties.url) ?? textOf(page.url);
  const path =
    textOf(properties.path) ?? textOf(page.path) ?? (fullUrl !== undefined ? pathOf(fullUrl) : undefined);
  if (path !== undefined) properties.url = path;
  else delete properties.url;
  if (fullUrl !== undefined && fullUrl !== path) properties.full_url = fullUrl;
  const fill = (key: string, value: unknown) => {
    if (properties[key] === undefined && value !== undefined) properties[key] = value;
  };
  fill("name", message.name);
  fill("category", message.category);
  fill("title", textOf(page.title));
  fill("referrer", textOf(page.referrer));
  return properties;
}

/** The event a track, page or screen message becomes. */
export function eventOf(message: SegmentMessage, envelope: SegmentEnvelope): IncomingEvent {
  const context = { ...(envelope.context ?? {}), ...(message.context ?? {}) };
  const isTrack = message.type === "track";
  return {
    id: message.messageId as string,
    contactId: contactIdOf(message),
    type: isTrack ? eventTypeOf(message.event ?? "") : "page_view",
    timeMs: eventTimeMs(message, envelope),
    properties: isTrack ? { ...(message.properties ?? {}) } : pageProperties(message, context),
  };
}

/** One step of a batch, carried out in message order. */
export type SegmentStep =
  /** Consecutive track/page/screen messages: one ingest. */
  | { kind: "events"; events: IncomingEvent[] }
  | ({ kind: "identify" } & IdentifyPlan)
  /** group: the company's record, and the contact's company. */
  | { kind: "group"; company: CompanyUpdate; contactId: string }
  /** alias: the contacts of previousId (as a user id or an anonymous id) merge into userId. */
  | { kind: "alias"; contactId: string; mergeCandidates: string[] };

export function planSegmentBatch(
  messages: readonly SegmentMessage[],
  envelope: SegmentEnvelope,
): SegmentStep[] {
  const steps: SegmentStep[] = [];
  for (const message of messages) {
    switch (message.type) {
      case "track":
      case "page":
      case "screen": {
        const event = eventOf(message, envelope);
        const last = steps.at(-1);
        if (last?.kind === "events") last.events.push(event);
        else steps.push({ kind: "events", events: [event] });
        break;
      }
      case "identify":
        steps.push({ kind: "identify", ...planIdentify(message) });
        break;
      case "group":
        steps.push({ kind: "group", ...planGroup(message) });
        break;
      case "alias": {
        const previousId = message.previousId as string;
        steps.push({
          kind: "alias",
          contactId: contactIdOf(message),
          mergeCandidates: [previousId, anonymousContactId(previousId)],
        });
        break;
      }
    }
  }
  return steps;
}
