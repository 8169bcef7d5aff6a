import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fastBatchCheck, fastEventCheck } from "../src/server/fast-event.js";
import { inputRulesOf, inputSchemas } from "../src/server/schemas.js";

const NOW = Date.parse("2026-12-07T12:00:00Z");
const rules = inputRulesOf({ minEventTime: "2000-01-01", maxClockSkewSeconds: 3600 }, () => NOW);
const schemas = inputSchemas(rules);
const MAX_BATCH = 5;
const batchSchema = z.strictObject({ events: z.array(schemas.event).min(1).max(MAX_BATCH) });
const fastEvent = fastEventCheck(rules);
const fastBatch = fastBatchCheck(rules, MAX_BATCH);
const runs = Number(process.env.FUZZ_RUNS ?? 300);

const goodText = fc.string({ minLength: 1, maxLength: 40 });
const anyText = fc.oneof(
  goodText,
  fc.constant(""),
  fc.constant("x".repeat(257)),
  fc.constant("\ud800lone"),
  fc.constant("nul\u0000"),
  fc.integer(),
  fc.constant(null),
);
const goodTime = fc
  .integer({ min: Date.parse("2000-01-01T00:00:00Z"), max: NOW })
  .chain((ms) => fc.constantFrom<string | number>(ms, new Date(ms).toISOString()));
const anyTime = fc.oneof(
  goodTime,
  fc.constantFrom<unknown>(
    "9999-01-01T00:00:00Z",
    "0050-06-01T00:00:00Z",
    1765100000,
    1765100000000000,
    "yesterday",
    "",
    null,
    true,
    NOW + 3_599_000,
    NOW + 3_601_000,
  ),
);
// Bodies with a __proto__ key are refused by the JSON reader before validation.
const flatProperties = fc.dictionary(
  fc.string({ maxLength: 12 }).filter((key) => key !== "__proto__"),
  fc.oneof(fc.string({ maxLength: 30 }), fc.integer(), fc.boolean(), fc.constant(null)),
  { maxKeys: 8, noNullPrototype: true },
);
const anyProperties = fc.oneof(
  flatProperties,
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant({ deep: JSON.parse(`${"[".repeat(40)}${"]".repeat(40)}`) }),
  fc.constant({ long: "x".repeat(16_385) }),
);
const goodEmail = fc
  .tuple(fc.stringMatching(/^[a-z0-9][a-z0-9._+-]{0,10}[a-z0-9]$/), fc.stringMatching(/^[a-z0-9]{1,12}$/))
  .map(([user, host]) => `${user.replace(/\.{2,}/g, ".")}@${host}.com`);
const anyEmail = fc.oneof(
  goodEmail,
  fc.emailAddress(),
  fc.constantFrom<unknown>("not-an-email", "", "a@b", 7, null),
);

const goodEvent = fc.record(
  {
    id: goodText,
    contactId: goodText,
    email: goodEmail,
    type: fc.string({ minLength: 1, maxLength: 20 }),
    timestamp: goodTime,
    properties: flatProperties,
  },
  // Bodies come from JSON.parse: plain objects (null-prototype ones go to the schema).
  { requiredKeys: ["id", "contactId", "type"], noNullPrototype: true },
);
const anyEvent = fc.oneof(
  goodEvent,
  fc.record(
    {
      id: anyText,
      contactId: anyText,
      email: anyEmail,
      type: anyText,
      timestamp: anyTime,
      properties: anyProperties,
      extra: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

describe("the fast event check", () => {
  it("accepts only what the event schema accepts, with the same output", () => {
    fc.assert(
      fc.property(anyEvent, (event) => {
        const fast = fastEvent(event);
        if (fast === undefined) return;
        const parsed = schemas.event.safeParse(event);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: runs * 5 },
    );
  });

  it("takes the usual valid events itself, so ingest skips the schema", () => {
    let valid = 0;
    fc.assert(
      fc.property(goodEvent, (event) => {
        const parsed = schemas.event.safeParse(event);
        // The generator's odder emails are refused by the schema's email rule, and by the check.
        if (!parsed.success) return;
        valid++;
        expect(fastEvent(event)).toEqual(parsed.data);
      }),
      { numRuns: runs },
    );
    expect(valid).toBeGreaterThan(runs / 2);
  });

  it("leaves every kind of mistake to the schema, which names the field", () => {
    const mistakes: unknown[] = [
      { id: "e1", type: "page_view" },
      { id: "e1", contactId: "c1", type: "page_view", timestamp: "9999-01-01T00:00:00Z" },
      { id: "e1", contactId: "c1", type: "page_view", timestamp: 1765100000 },
      { id: "\ud800", contactId: "c1", type: "page_view" },
      { id: "e1", contactId: "c1", type: "page_view", properties: [] },
      { id: "e1", contactId: "c1", type: "page_view", colour: "red" },
      { id: "e1", email: "not-an-email", type: "page_view" },
      JSON.parse('{"id": "e1", "contactId": "c1", "type": "page_view", "properties": {"__proto__": null}}'),
    ];
    for (const event of mistakes) expect(fastEvent(event)).toBeUndefined();
    // The last one is valid to zod, which drops the key: only the check must not take it.
    for (const event of mistakes.slice(0, -1)) expect(schemas.event.safeParse(event).success).toBe(false);
  });

  it("checks a batch as the batch schema does", () => {
    const anyBatch = fc.oneof(
      fc.record({ events: fc.array(goodEvent, { minLength: 0, maxLength: MAX_BATCH + 1 }) }),
      fc.record({ events: fc.array(anyEvent, { minLength: 1, maxLength: 3 }) }),
      fc.record({ events: fc.array(goodEvent, { minLength: 1, maxLength: 2 }), writeKey: fc.string() }),
      fc.jsonValue({ maxDepth: 2 }),
    );
    fc.assert(
      fc.property(anyBatch, (batch) => {
        const fast = fastBatch(batch);
        if (fast === undefined) return;
        const parsed = batchSchema.safeParse(batch);
        expect(parsed.success).toBe(true);
        expect(fast).toEqual(parsed.data);
      }),
      { numRuns: runs * 2 },
    );
    expect(fastBatch({ events: [] })).toBeUndefined();
    expect(fastBatch({ events: [{ id: "e", contactId: "c", type: "t" }] })).toEqual({
      events: [{ id: "e", contactId: "c", type: "t" }],
    });
  });
});
