/** Request and answer shapes shared by the routes (and the OpenAPI document). */
import { z } from "zod";
import type { ServiceConfig } from "../service/config.js";
import { isoTime, MAX_DATE_MS, parseTimestamp } from "../time/timestamps.js";
import { INPUT_LIMITS, type InputLimits, limitProblem } from "./input-limits.js";

/** What every write route and the importer accept: one set of rules, built per service. */
export interface InputRules {
  /** The earliest event time accepted. */
  minEventTimeMs: number;
  /** How far after `clock()` an event time may be. */
  maxClockSkewMs: number;
  /** "now" of the accepted range: the service's clock (the importer's own). */
  clock: () => number;
  limits: InputLimits;
}

export function inputRulesOf(
  config: Pick<ServiceConfig, "minEventTime" | "maxClockSkewSeconds">,
  clock: () => number,
): InputRules {
  return {
    minEventTimeMs: parseTimestamp(config.minEventTime) as number,
    maxClockSkewMs: config.maxClockSkewSeconds * 1000,
    clock,
    limits: INPUT_LIMITS,
  };
}

// A lone UTF-16 surrogate cannot be stored as UTF-8 text faithfully (each send would be a new
// id), and PostgreSQL refuses NUL in text. isWellFormed (Node 20, not yet in the ES2022 lib
// typings) is faster than a regular expression, and it runs on every id of every event.
const wellFormed = (String.prototype as unknown as { isWellFormed: (this: string) => boolean }).isWellFormed;

export function isValidText(value: string): boolean {
  return wellFormed.call(value) && !value.includes("\u0000");
}

const INVALID_TEXT_MESSAGE = "holds invalid Unicode (a lone UTF-16 surrogate) or a NUL character";

/** Text that identifies something (ids, types, emails): valid Unicode only. */
export function validText<T extends z.ZodString | z.ZodEmail>(schema: T) {
  return schema.refine(isValidText, INVALID_TEXT_MESSAGE);
}

export const idSchema = validText(z.string().min(1).max(256));
export const emailSchema = validText(z.email().max(320));
const id = idSchema;
const properties = z.record(z.string(), z.unknown());

/** A properties object within the limits (depth, keys, string length, size). */
export function boundedObject(limits: InputLimits) {
  return z.record(z.string(), z.unknown()).superRefine((value, context) => {
    const problem = limitProblem(value, limits);
    if (problem) context.addIssue({ code: "custom", path: problem.path, message: problem.message });
  });
}

/**
 * Milliseconds of a timestamp, or an issue on `context` when it is none (or, with `maxAbsMs`,
 * beyond that range).
 */
function timeOrIssue(
  value: string | number,
  context: z.RefinementCtx,
  maxAbsMs = Infinity,
): number | undefined {
  const ms = parseTimestamp(value);
  if (ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= maxAbsMs) return ms;
  context.addIssue({
    code: "custom",
    message: "not a date-time: give ISO 8601 (2026-11-03T09:30:00Z) or epoch milliseconds",
  });
  return undefined;
}

/** A timestamp: ISO 8601 (UTC when no offset) or epoch milliseconds, within Date's range. */
export const timestampSchema = z
  .union([z.string(), z.number()])
  .transform((value, context) => timeOrIssue(value, context, MAX_DATE_MS) ?? z.NEVER);

function dateText(ms: number): string {
  const iso = isoTime(ms);
  return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso;
}

function durationText(ms: number): string {
  const seconds = ms / 1000;
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

/**
 * Why an event time is refused ("9999-01-01T00:00:00.000Z is after the accepted range
 * 2000-01-01 .. now + 1h"), or undefined when it is in the range. A number that would be in the
 * range as seconds or microseconds is said to look like them.
 */
export function eventTimeProblem(raw: unknown, ms: number, rules: InputRules): string | undefined {
  const min = rules.minEventTimeMs;
  const max = rules.clock() + rules.maxClockSkewMs;
  if (ms >= min && ms <= max) return undefined;
  const inRange = (value: number) => value >= min && value <= max;
  const numeric = typeof raw === "number" || (typeof raw === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(raw));
  const hint = !numeric
    ? ""
    : inRange(ms * 1000)
      ? "; it looks like seconds since 1970: give milliseconds (seconds × 1000)"
      : inRange(ms / 1000)
        ? "; it looks like microseconds: give milliseconds (microseconds ÷ 1000)"
        : inRange(ms / 1_000_000)
          ? "; it looks like nanoseconds: give milliseconds (nanoseconds ÷ 1,000,000)"
          : "";
  const date = Math.abs(ms) <= MAX_DATE_MS ? isoTime(ms) : undefined;
  const shown = !numeric
    ? (date ?? String(ms))
    : date
      ? `${String(raw).trim()} (${date})`
      : String(raw).trim();
  const range = `${dateText(min)} .. now + ${durationText(rules.maxClockSkewMs)}`;
  return `${shown} is ${ms < min ? "before" : "after"} the accepted range ${range}${hint}`;
}

/** An event's time: a timestamp within the accepted range. */
export function eventTimeSchema(rules: InputRules) {
  return z.union([z.string(), z.number()]).transform((value, context) => {
    // Out of Date's range is still a time: the range check below says how far out it is.
    const ms = timeOrIssue(value, context);
    if (ms === undefined) return z.NEVER;
    const problem = eventTimeProblem(value, ms, rules);
    if (problem) {
      context.addIssue({ code: "custom", message: problem });
      return z.NEVER;
    }
    return ms;
  });
}

/** The shapes of contacts, companies and events as clients send them, bounded by `rules`. */
export function inputSchemas(rules: InputRules) {
  const bounded = boundedObject(rules.limits);
  const eventTime = eventTimeSchema(rules);
  const contactUpdate = z
    .strictObject({
      id: id
        .optional()
        .describe("Your id for the contact. Without it, the contact is found (or created) by email."),
      email: emailSchema.optional(),
      companyId: id.nullable().optional().describe("The contact's company; null detaches it."),
      properties: bounded
        .optional()
        .describe("Properties to set (jobTitle, country, leadSource...); null removes one; others are kept."),
    })
    .refine((value) => value.id !== undefined || value.email !== undefined, {
      message: "give an id or an email",
      path: ["id"],
    })
    .meta({ id: "ContactUpdate" });
  const companyUpdate = z
    .strictObject({
      id,
      properties: bounded.describe(
        "name, domain, industry, employees, revenue, country...; null removes one.",
      ),
    })
    .meta({ id: "CompanyUpdate" });
  const event = z
    .strictObject({
      id: id.describe("Your id for the event: sending the same id again never counts it twice."),
      contactId: id.optional(),
      email: emailSchema.optional().describe("Identifies the contact when there is no contactId."),
      type: validText(z.string().min(1).max(128)).describe(
        "page_view, form_submission, email_click... or a custom type.",
      ),
      timestamp: eventTime
        .optional()
        .describe(
          "When it happened (from minEventTime to now + maxClockSkewSeconds); default: when it is received.",
        ),
      properties: bounded.optional().describe("url, form_id, campaign, value..."),
    })
    .refine((value) => value.contactId !== undefined || value.email !== undefined, {
      message: "give a contactId or an email",
      path: ["contactId"],
    })
    .meta({ id: "Event" });
  return { bounded, eventTime, contactUpdate, companyUpdate, event };
}

export type InputSchemas = ReturnType<typeof inputSchemas>;

/**
 * An event as a client sends it to `POST /v1/events`, with its date as an ISO string and its
 * properties given (what the bench and the tests send).
 */
export type EventRequest = z.input<InputSchemas["event"]> & {
  timestamp: string;
  properties: Record<string, unknown>;
};

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

export const ingestResultSchema = z
  .object({
    accepted: z.number().int().describe("Events stored by this request."),
    duplicates: z.number().int().describe("Events whose id was already stored: not counted again."),
    contactIds: z.array(z.string()).describe("The contact of each event, in request order."),
    unscoredTypes: z
      .array(z.string())
      .describe(
        "Types of these events that no published model scores (a typo such as pgae_veiw?): stored, but they count for nothing until a model names them. GET /v1/event-types lists every type seen.",
      ),
  })
  .meta({ id: "IngestResult" });

const ledgerLineSchema = z.object({
  dimension: z.string(),
  ruleId: z.string(),
  kind: z.string(),
  label: z
    .string()
    .describe(
      "What the line means, for people: the rule's label in the model, or a description generated from the rule.",
    ),
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
