/**
 * Column names of common CRM exports, and the canonical names Leadscore reads. A contact row
 * may carry its company's fields (a Salesforce lead has Company, Industry, NumberOfEmployees):
 * those map to "company.<field>" and stand in for the company when no companies file has it.
 */

import { COMPANY_FIELD_NAMES, CONTACT_FIELD_NAMES, EVENT_COLUMN_NAMES } from "../model/fields.js";

export type Entity = "contact" | "company" | "event";

export const CANONICAL_COLUMNS: Record<Entity, readonly string[]> = {
  contact: CONTACT_FIELD_NAMES,
  company: COMPANY_FIELD_NAMES,
  event: EVENT_COLUMN_NAMES,
};

export interface CrmTable {
  /** Shown in the run's report: "HubSpot contacts". */
  readonly name: string;
  readonly entity: Entity;
  /** Canonical name → the export's column names for it. */
  readonly columns: Readonly<Record<string, readonly string[]>>;
}

export const CRM_TABLES: readonly CrmTable[] = [
  {
    name: "HubSpot contacts",
    entity: "contact",
    columns: {
      id: ["Record ID", "Contact ID"],
      firstName: ["First Name"],
      lastName: ["Last Name"],
      email: ["Email"],
      jobTitle: ["Job Title"],
      phone: ["Phone Number", "Mobile Phone Number"],
      country: ["Country/Region"],
      leadSource: ["Original Source", "Original Traffic Source"],
      lifecycleStage: ["Lifecycle Stage"],
      companyId: ["Associated Company ID", "Company ID", "Primary Associated Company ID"],
      "company.name": ["Company name", "Company Name", "Associated Company"],
      "company.domain": ["Company Domain Name", "Website URL"],
      "company.industry": ["Industry"],
      "company.employees": ["Number of Employees"],
      "company.revenue": ["Annual Revenue"],
    },
  },
  {
    name: "Salesforce leads/contacts",
    entity: "contact",
    columns: {
      id: ["Id", "Lead ID", "Contact ID"],
      firstName: ["FirstName", "First Name"],
      lastName: ["LastName", "Last Name"],
      email: ["Email"],
      jobTitle: ["Title"],
      phone: ["Phone", "MobilePhone"],
      country: ["Country", "MailingCountry"],
      leadSource: ["LeadSource"],
      companyId: ["AccountId", "Account ID"],
      lifecycleStage: ["Status", "Lead Status"],
      unsubscribed: ["HasOptedOutOfEmail"],
      "company.name": ["Company"],
      "company.domain": ["Website"],
      "company.industry": ["Industry"],
      "company.employees": ["NumberOfEmployees"],
      "company.revenue": ["AnnualRevenue"],
    },
  },
  {
    name: "HubSpot companies",
    entity: "company",
    columns: {
      id: ["Record ID", "Company ID"],
      name: ["Company name", "Company Name", "Name"],
      domain: ["Company Domain Name", "Website URL"],
      industry: ["Industry"],
      employees: ["Number of Employees"],
      revenue: ["Annual Revenue"],
      country: ["Country/Region"],
    },
  },
  {
    name: "Salesforce accounts",
    entity: "company",
    columns: {
      id: ["Id", "Account ID", "AccountId"],
      name: ["Name", "Account Name"],
      domain: ["Website"],
      industry: ["Industry"],
      employees: ["NumberOfEmployees", "Employees"],
      revenue: ["AnnualRevenue", "Annual Revenue"],
      country: ["BillingCountry", "Billing Country"],
    },
  },
  {
    name: "common event exports",
    entity: "event",
    columns: {
      id: ["event_id", "eventId", "Event ID"],
      contactId: ["contact_id", "Contact ID", "contactID", "lead_id", "leadId"],
      type: ["event_type", "eventType", "Event Type"],
      timestamp: ["timeMs", "time", "occurred_at", "occurredAt", "created_at", "Timestamp", "Date"],
    },
  },
];

/** A table is applied when at least this many of its column names are in the header. */
export const MIN_MATCHING_COLUMNS = 3;
