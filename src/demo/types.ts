import { COMPANY_FIELD_NAMES, CONTACT_FIELD_NAMES, EVENT_COLUMN_NAMES } from "../model/fields.js";
import { BUILTIN_EVENT_TYPES } from "../model/schema.js";
/**
 * Records of the demo data set. Field names are the ones model templates and importers use;
 * a field that does not apply is `undefined` (an empty CSV cell, absent from JSON) and a
 * missing text property is "" (the CRM has the column but nobody filled it).
 */

export const COMPANY_FIELDS = COMPANY_FIELD_NAMES;

/** The canonical contact fields, and when the contact converted (the outcome: never a model input). */
export const CONTACT_FIELDS = [...CONTACT_FIELD_NAMES, "convertedAt"] as const;

/** Event fields that are event properties (the others are id, contact, type and time). */
export const EVENT_PROPERTY_FIELDS = [
  "url",
  "form_id",
  "campaign",
  "content_id",
  "product",
  "value",
  "duration_s",
] as const;

export const EVENT_FIELDS = [...EVENT_COLUMN_NAMES, ...EVENT_PROPERTY_FIELDS] as const;

export const OUTCOME_FIELDS = ["contactId", "convertedAt"] as const;

export interface DemoCompany {
  id: string;
  name: string;
  domain: string;
  industry: string;
  employees: number;
  /** Yearly revenue in EUR. */
  revenue: number;
  /** ISO 3166 alpha-2 code. */
  country: string;
}

export type EmailStatus = "valid" | "bounced" | "invalid";
export type LifecycleStage = "subscriber" | "lead" | "mql" | "sql" | "opportunity" | "customer";

export interface DemoContact {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  /** "" when unknown. */
  jobTitle: string;
  /** "" when unknown. */
  phone: string;
  country: string;
  leadSource: string;
  /** "" for contacts without a company (students, freelancers, competitors). */
  companyId: string;
  lifecycleStage: LifecycleStage;
  emailStatus: EmailStatus;
  unsubscribed: boolean;
  /** Project budget in EUR, when a form asked for it. */
  budget: number | undefined;
  /** Expected purchase date, in days from the form submission, when a form asked for it. */
  purchaseTimeframeDays: number | undefined;
  /** ISO 8601 time of the first order, "" for contacts who did not convert in the window. */
  convertedAt: string;
}

/** The demo emits every built-in event type; drafts.ts indexes them by position. */
export const DEMO_EVENT_TYPES = BUILTIN_EVENT_TYPES;
export type DemoEventType = (typeof DEMO_EVENT_TYPES)[number];

export interface DemoEvent {
  id: string;
  contactId: string;
  type: DemoEventType;
  /** ISO 8601 UTC, whole seconds: "2026-05-03T10:15:22Z". */
  timestamp: string;
  /** page_view: the page path. */
  url: string | undefined;
  /** form_submission: contact, newsletter, demo or whitepaper. */
  form_id: string | undefined;
  /** Email campaign, webinar id (registration, attendance) or social network. */
  campaign: string | undefined;
  /** content_download: the piece of content. */
  content_id: string | undefined;
  /** The product concerned (content_download, email_click, order, webinars about a product). */
  product: string | undefined;
  /** order: amount in EUR. */
  value: number | undefined;
  /** page_view: seconds on the page; webinar_attendance: seconds attended. */
  duration_s: number | undefined;
}

export interface DemoContactWithEvents {
  contact: DemoContact;
  /** Sorted by time (ties keep the order they happened in). */
  events: DemoEvent[];
}

export interface DemoOptions {
  seed: number;
  contacts: number;
  /** Default: one company for every 5 contacts. */
  companies?: number;
  /** Length of the window, in calendar months before endDate. Default 6. */
  months?: number;
  /** Exclusive end of the window, ISO 8601. Default "2026-11-01T00:00:00Z". */
  endDate?: string;
  /** Mean number of events per contact. Default 50. */
  eventsPerContact?: number;
}
