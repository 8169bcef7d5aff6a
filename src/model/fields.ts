/**
 * The canonical field names Leadscore reads from contacts, companies and events: what CRM
 * exports are mapped to, what the demo data writes, and what the templates use.
 */
export const CONTACT_FIELD_NAMES = [
  "id",
  "email",
  "firstName",
  "lastName",
  "jobTitle",
  "phone",
  "country",
  "leadSource",
  "companyId",
  "lifecycleStage",
  "emailStatus",
  "unsubscribed",
  "budget",
  "purchaseTimeframeDays",
] as const;

export const COMPANY_FIELD_NAMES = [
  "id",
  "name",
  "domain",
  "industry",
  "employees",
  "revenue",
  "country",
] as const;

/** The columns every event has; every other column is an event property. */
export const EVENT_COLUMN_NAMES = ["id", "contactId", "type", "timestamp"] as const;
