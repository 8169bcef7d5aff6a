import { describe, expect, it } from "vitest";
import {
  type ContactFacts,
  conversionFromText,
  conversionSchema,
  DAY_MS,
  outcomeOf,
  timingOf,
} from "./conversion.js";

const facts = (properties: Record<string, unknown>, events: Record<string, number> = {}): ContactFacts => ({
  property: (name) => properties[name],
  firstEventMs: (type) => events[type],
});
const parse = (text: string) => conversionSchema.parse(conversionFromText(text));
const AS_OF = Date.UTC(2026, 6, 1);

describe("conversion definition", () => {
  it("reads the command-line forms", () => {
    expect(parse("event:deal_won")).toEqual({ kind: "event", eventType: "deal_won" });
    expect(parse("date:convertedAt")).toEqual({ kind: "date", property: "convertedAt" });
    expect(parse("flag:Converted")).toEqual({ kind: "flag", property: "Converted" });
    expect(parse("stage:customer")).toMatchObject({
      kind: "stage",
      property: "lifecycleStage",
      stage: "customer",
    });
    expect(parse("stage:lifecycle_stage=opportunity")).toMatchObject({
      property: "lifecycle_stage",
      stage: "opportunity",
    });
  });

  it("names the field of a bad definition", () => {
    const bad = conversionSchema.safeParse(conversionFromText("stage:won"));
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(["stage"]);
    expect(conversionSchema.safeParse(conversionFromText("event:")).error!.issues[0].path).toEqual([
      "eventType",
    ]);
    expect(conversionSchema.safeParse({ kind: "won" }).success).toBe(false);
  });

  it("converts at the first event of the type", () => {
    const definition = parse("event:deal_won");
    expect(outcomeOf(definition, facts({}, { deal_won: AS_OF + DAY_MS }))).toEqual({
      converted: true,
      convertedAtMs: AS_OF + DAY_MS,
    });
    expect(outcomeOf(definition, facts({}))).toEqual({ converted: false });
  });

  it("converts at a date property, not when it is empty, and names a bad date", () => {
    const definition = parse("date:convertedAt");
    expect(outcomeOf(definition, facts({ convertedAt: "2026-07-03T00:00:00Z" }))).toEqual({
      converted: true,
      convertedAtMs: Date.UTC(2026, 6, 3),
    });
    expect(outcomeOf(definition, facts({ convertedAt: "" }))).toEqual({ converted: false });
    expect(outcomeOf(definition, facts({ convertedAt: "soon" }))).toEqual({
      problem: 'convertedAt "soon" is not understood; use an ISO date or date-time',
    });
  });

  it("counts a stage reached or passed, and reads yes/no flags", () => {
    const stage = parse("stage:opportunity");
    expect(outcomeOf(stage, facts({ lifecycleStage: "Customer" }))).toEqual({ converted: true });
    expect(outcomeOf(stage, facts({ lifecycleStage: "opportunity" }))).toEqual({ converted: true });
    expect(outcomeOf(stage, facts({ lifecycleStage: "sql" }))).toEqual({ converted: false });
    expect(outcomeOf(stage, facts({ lifecycleStage: "unknown" }))).toEqual({ converted: false });
    const flag = parse("flag:Converted");
    expect(outcomeOf(flag, facts({ Converted: "1" }))).toEqual({ converted: true });
    expect(outcomeOf(flag, facts({ Converted: "no" }))).toEqual({ converted: false });
    expect(outcomeOf(flag, facts({ Converted: 1 }))).toEqual({ converted: true });
    expect(outcomeOf(flag, facts({ Converted: "maybe" }))).toHaveProperty("problem");
  });

  it("places a conversion before the as-of date, within the horizon or after it", () => {
    const at = (days: number) => ({ converted: true, convertedAtMs: AS_OF + days * DAY_MS });
    expect(timingOf(at(0), AS_OF, 90)).toEqual({ kind: "before" });
    expect(timingOf(at(-3), AS_OF, 90)).toEqual({ kind: "before" });
    expect(timingOf(at(30), AS_OF, 90)).toEqual({ kind: "within", days: 30 });
    expect(timingOf(at(90), AS_OF, 90)).toEqual({ kind: "within", days: 90 });
    expect(timingOf(at(91), AS_OF, 90)).toEqual({ kind: "not" });
    expect(timingOf(at(400), AS_OF, null)).toEqual({ kind: "within", days: 400 });
    expect(timingOf({ converted: true }, AS_OF, 90)).toEqual({ kind: "within" });
    expect(timingOf({ converted: false }, AS_OF, 90)).toEqual({ kind: "not" });
  });
});
