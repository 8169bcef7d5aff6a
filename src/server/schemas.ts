/** Request and answer shapes shared by the routes (and the OpenAPI document). */
import { z } from "zod";
import { parseTimestamp } from "../io/timestamps.js";

const id = z.string().min(1).max(256);
const properties = z.record(z.string(), z.unknown());

export const contactUpdateSchema = z
  .strictObject({
    id: id
      .optional()
      .describe("Your id for the contact. Without it, the contact is found (or created) by email."),
    email: z.email().max(320).optional(),
    companyId: id.nullable().optional().describe("The contact's company; null detaches it."),
    properties: properties
      .optional()
      .describe("Properties to set (jobTitle, country, leadSource...); null removes one; others are kept."),
  })
  .refine((value) => value.id !== undefined || value.email !== undefined, {
    message: "give an id or an email",
    path: ["id"],
  })
  .meta({ id: "ContactUpdate" });

export const contactSchema = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    companyId: z.string().nullable(),
    properties,
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: "Contact" });

export const companyUpdateSchema = z
  .strictObject({
    id,
    properties: properties.describe(
      "name, domain, industry, employees, revenue, country...; null removes one.",
    ),
  })
  .meta({ id: "CompanyUpdate" });

/** A timestamp: ISO 8601 (UTC when no offset) or epoch milliseconds. */
export const timestampSchema = z.union([z.string(), z.number()]).transform((value, context) => {
  const ms = parseTimestamp(value);
  if (ms === undefined || !Number.isFinite(ms)) {
    context.addIssue({
      code: "custom",
      message: "not a date-time: give ISO 8601 (2026-11-03T09:30:00Z) or epoch milliseconds",
    });
    return z.NEVER;
  }
  return ms;
});

export const eventSchema = z
  .strictObject({
    id: id.describe("Your id for the event: sending the same id again never counts it twice."),
    contactId: id.optional(),
    email: z.email().max(320).optional().describe("Identifies the contact when there is no contactId."),
    type: z.string().min(1).max(128).describe("page_view, form_submission, email_click... or a custom type."),
    timestamp: timestampSchema.optional().describe("When it happened; default: when it is received."),
    properties: properties.optional().describe("url, form_id, campaign, value..."),
  })
  .refine((value) => value.contactId !== undefined || value.email !== undefined, {
    message: "give a contactId or an email",
    path: ["contactId"],
  })
  .meta({ id: "Event" });

/**
 * An event as a client sends it to `POST /v1/events`, with its date as an ISO string and its
 * properties given (what the bench and the tests send).
 */
export type EventRequest = z.input<typeof eventSchema> & {
  timestamp: string;
  properties: Record<string, unknown>;
};

export const ingestResultSchema = z
  .object({
    accepted: z.number().int().describe("Events stored by this request."),
    duplicates: z.number().int().describe("Events whose id was already stored: not counted again."),
    contactIds: z.array(z.string()).describe("The contact of each event, in request order."),
  })
  .meta({ id: "IngestResult" });

const ledgerLineSchema = z.object({
  dimension: z.string(),
  ruleId: z.string(),
  kind: z.string(),
  points: z.number(),
  basePoints: z.number(),
  decayedPoints: z.number(),
  reason: z.string(),
  occurrences: z.number().optional(),
  countedOccurrences: z.number().optional(),
  fields: properties.optional(),
  eventIds: z.array(z.string()).optional(),
  value: z.number().nullable().optional(),
});

export const contactScoreSchema = z
  .object({
    model: z.object({ key: z.string(), version: z.number().int() }),
    asOf: z.string(),
    total: z.number(),
    dimensions: z.record(z.string(), z.number()),
    band: z.string(),
    temperature: z.enum(["cold", "warm", "hot"]).nullable(),
    fitGrade: z.string().nullable(),
    engagementGrade: z.string().nullable(),
    matrix: z.string().nullable(),
    mql: z.boolean(),
    disqualified: z.boolean(),
    disqualifications: z.array(
      z.object({
        gateId: z.string(),
        reason: z.string(),
        fields: properties.optional(),
        eventIds: z.array(z.string()).optional(),
      }),
    ),
    ledger: z.array(ledgerLineSchema).optional(),
    totalLines: z
      .array(z.object({ dimension: z.string(), weight: z.number(), points: z.number() }))
      .optional(),
  })
  .meta({ id: "ContactScore" });

export const historyEntrySchema = z
  .object({
    seq: z.number().int(),
    model: z.object({ key: z.string(), version: z.number().int() }),
    at: z.string().describe("When the change was recorded."),
    asOf: z.string().describe("The date the score was computed for."),
    cause: z.enum(["event", "properties", "company", "model", "decay", "merge", "lifecycle"]),
    detail: properties.describe(
      "eventIds for events, modelVersion, companyId or mergedContactId; for lifecycle (a trigger set the stage or owner; the score is unchanged): triggerId, stage, owner, previousStage, previousOwner.",
    ),
    total: z.number(),
    previousTotal: z.number().nullable(),
    dimensions: z.record(z.string(), z.number()),
    band: z.string(),
    temperature: z.string().nullable(),
    matrix: z.string().nullable(),
    mql: z.boolean(),
    disqualified: z.boolean(),
  })
  .meta({ id: "HistoryEntry" });

export const modelVersionSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    createdAt: z.string(),
    published: z.boolean(),
  })
  .meta({ id: "ModelVersion" });

export const jobSchema = z
  .object({
    id: z.string(),
    kind: z.string(),
    model: z.object({ key: z.string(), version: z.number().int() }).nullable(),
    status: z.enum(["running", "done", "failed"]),
    total: z.number().int(),
    done: z.number().int(),
    error: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: "Job" });

export const contactParams = z.object({
  id: id.describe("The contact's id (an id merged away still finds the survivor)."),
});
