/**
 * How a conversion is known, and whether (and when) one contact converted. Pure: no I/O, no
 * clock; the as-of date and the horizon are arguments.
 *
 *   event   the first event of a type (`deal_won`, `order`): converted at that event's time
 *   stage   a lifecycle stage reached (`customer`, or any later stage of `order`): no date
 *   date    a date property (`convertedAt`): converted at that date; empty means not converted
 *   flag    a yes/no property (`Converted` = 1, true, yes): no date
 *
 * Without a date, a conversion cannot be placed before or after the as-of date: it counts as
 * within the horizon, and the report says that the days to conversion are unknown.
 */
import { z } from "zod";
import { parseTimestamp } from "../time/timestamps.js";

export const LIFECYCLE_STAGES = [
  "subscriber",
  "lead",
  "mql",
  "sql",
  "opportunity",
  "customer",
  "evangelist",
] as const;

export const conversionSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("event"),
    eventType: z.string().min(1).describe("The event type whose first occurrence is the conversion."),
  }),
  z
    .strictObject({
      kind: z.literal("stage"),
      property: z.string().min(1).default("lifecycleStage"),
      stage: z.string().min(1).describe("The stage that counts as converted; later stages count too."),
      order: z
        .array(z.string().min(1))
        .min(1)
        .default([...LIFECYCLE_STAGES])
        .describe("The stages from first to last."),
    })
    .refine((d) => d.order.some((s) => s.toLowerCase() === d.stage.toLowerCase()), {
      message: "the stage must be one of `order`",
      path: ["stage"],
    }),
  z.strictObject({
    kind: z.literal("date"),
    property: z.string().min(1).describe("A date property: converted at that date, not when empty."),
  }),
  z.strictObject({
    kind: z.literal("flag"),
    property: z.string().min(1).describe("A yes/no property: 1, true, yes or y mean converted."),
  }),
]);

export type ConversionDefinition = z.output<typeof conversionSchema>;

/** Whether a contact converted, and when if known (UTC milliseconds). */
export interface Outcome {
  converted: boolean;
  convertedAtMs?: number;
}

/** What a conversion is read from: the contact's properties, and the first event of a type. */
export interface ContactFacts {
  property(name: string): unknown;
  /** The time of the contact's first event of this type, if any. */
  firstEventMs(type: string): number | undefined;
}

/** A value that cannot be read as the definition asks. */
export interface OutcomeProblem {
  problem: string;
}

const YES = new Set(["1", "true", "yes", "y", "converted"]);
const NO = new Set(["", "0", "false", "no", "n"]);

const blank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Reads a yes/no value: 1/true/yes/y, 0/false/no/n or empty; anything else is a problem. */
export function readFlag(value: unknown, name: string): boolean | OutcomeProblem {
  if (typeof value === "boolean") return value;
  if (typeof value === "number")
    return value === 1 ? true : value === 0 ? false : { problem: bad(name, value) };
  if (blank(value)) return false;
  const text = String(value).trim().toLowerCase();
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return { problem: `${bad(name, value)}; use 1/0, true/false or yes/no` };
}

/** Reads a conversion date: empty is "not converted". */
export function readDate(value: unknown, name: string): Outcome | OutcomeProblem {
  if (blank(value)) return { converted: false };
  const ms = parseTimestamp(value);
  if (ms === undefined) return { problem: `${bad(name, value)}; use an ISO date or date-time` };
  return { converted: true, convertedAtMs: ms };
}

const bad = (name: string, value: unknown) => `${name} "${String(value)}" is not understood`;

/** The outcome of one contact under a definition. */
export function outcomeOf(definition: ConversionDefinition, facts: ContactFacts): Outcome | OutcomeProblem {
  switch (definition.kind) {
    case "event": {
      const ms = facts.firstEventMs(definition.eventType);
      return ms === undefined ? { converted: false } : { converted: true, convertedAtMs: ms };
    }
    case "date":
      return readDate(facts.property(definition.property), definition.property);
    case "flag": {
      const flag = readFlag(facts.property(definition.property), definition.property);
      return typeof flag === "boolean" ? { converted: flag } : flag;
    }
    case "stage":
      return { converted: stageReached(definition, facts.property(definition.property)) };
  }
}

function stageReached(definition: Extract<ConversionDefinition, { kind: "stage" }>, value: unknown): boolean {
  if (blank(value)) return false;
  const order = definition.order.map((s) => s.toLowerCase());
  const at = order.indexOf(String(value).trim().toLowerCase());
  return at >= 0 && at >= order.indexOf(definition.stage.toLowerCase());
}

/** Where a conversion falls against the as-of date and the horizon. */
export type Timing =
  /** Converted at or before the as-of date: already a customer, left out of the analysis. */
  | { kind: "before" }
  /** Converted within the horizon after the as-of date; days unknown without a date. */
  | { kind: "within"; days?: number }
  /** Not converted, or only after the horizon. */
  | { kind: "not" };

export const DAY_MS = 86_400_000;

/** horizonDays null: any conversion after the as-of date counts. */
export function timingOf(outcome: Outcome, asOfMs: number, horizonDays: number | null): Timing {
  if (!outcome.converted) return { kind: "not" };
  if (outcome.convertedAtMs === undefined) return { kind: "within" };
  if (outcome.convertedAtMs <= asOfMs) return { kind: "before" };
  const days = (outcome.convertedAtMs - asOfMs) / DAY_MS;
  return horizonDays === null || days <= horizonDays ? { kind: "within", days } : { kind: "not" };
}

/**
 * The command-line form of a definition: `event:deal_won`, `stage:customer`,
 * `stage:lifecycle_stage=customer`, `date:convertedAt`, `flag:Converted`. Not validated here:
 * the result goes through conversionSchema.
 */
export function conversionFromText(text: string): unknown {
  const colon = text.indexOf(":");
  if (colon < 0) return { kind: text };
  const kind = text.slice(0, colon).trim();
  const rest = text.slice(colon + 1).trim();
  switch (kind) {
    case "event":
      return { kind, eventType: rest };
    case "stage": {
      const equals = rest.indexOf("=");
      return equals < 0
        ? { kind, stage: rest }
        : { kind, property: rest.slice(0, equals).trim(), stage: rest.slice(equals + 1).trim() };
    }
    default:
      return { kind, property: rest };
  }
}

/** A one-line description for reports. */
export function describeConversion(definition: ConversionDefinition): string {
  switch (definition.kind) {
    case "event":
      return `the first ${definition.eventType} event`;
    case "stage":
      return `${definition.property} reaching ${definition.stage}`;
    case "date":
      return `the date in ${definition.property}`;
    case "flag":
      return `${definition.property} set to yes`;
  }
}
