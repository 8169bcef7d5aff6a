/**
 * Property tests on random models and random event sequences: the ledger adds up,
 * incremental scoring equals batch scoring, and input order does not matter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Model, modelSchema } from "../model/schema.js";
import {
  advanceState,
  applyEvent,
  applyEvents,
  compileModel,
  emptyState,
  evaluate,
  evaluateState,
  parseState,
  type ScoreResult,
  type ScoringEvent,
  serializeState,
} from "./index.js";

const DAY = 86_400_000;
const START = Date.parse("2026-01-01T00:00:00Z");
const TYPES = [
  "page_view",
  "email_open",
  "form_submission",
  "webinar_registration",
  "webinar_attendance",
  "order",
];
const URLS = ["/", "/pricing", "/blog/a", "/demo", "/careers/1"];

const type = fc.constantFrom(...TYPES, "*");
const window = fc.option(fc.constantFrom("7d", "30d", "90d", 45), { nil: undefined });
const decay = fc.option(
  fc.oneof(
    fc.record({ halfLife: fc.constantFrom("3d", "14d", "30d", 2.5) }),
    fc.record({
      steps: fc.constantFrom(
        [{ after: "10d", factor: 0.5 }],
        [
          { after: "5d", factor: 0.7 },
          { after: "20d", factor: 0 },
        ],
      ),
    }),
  ),
  { nil: undefined },
);
const where = fc.option(
  fc.oneof(
    fc.record({ field: fc.constant("url"), matches: fc.constantFrom("pricing|demo", "^/blog") }),
    fc.record({ field: fc.constant("url"), in: fc.constant(["/", "/demo"]) }),
    fc.record({ not: fc.record({ field: fc.constant("url"), startsWith: fc.constant("/careers") }) }),
  ),
  { nil: undefined },
);
const points = fc.integer({ min: -20, max: 40 }).filter((p) => p !== 0);

const eventRule = fc.record(
  {
    event: type,
    where,
    points,
    once: fc.option(fc.boolean(), { nil: undefined }),
    minCount: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    within: window,
    maxOccurrences: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
    maxPoints: fc.option(fc.integer({ min: 5, max: 60 }), { nil: undefined }),
    decay,
  },
  { requiredKeys: ["event", "points"] },
);
const combinationRule = fc.record(
  {
    allOf: fc.array(
      fc.record(
        { event: type, where, minCount: fc.option(fc.integer({ min: 1, max: 2 }), { nil: undefined }) },
        { requiredKeys: ["event"] },
      ),
      { minLength: 2, maxLength: 3 },
    ),
    points,
    within: window,
    decay,
  },
  { requiredKeys: ["allOf", "points"] },
);
const aggregateRule = fc.oneof(
  fc.record({
    aggregate: fc.constantFrom("sum", "average", "min", "max"),
    event: fc.constant("order"),
    of: fc.constant("value"),
    within: window,
    bands: fc.constant([
      { min: 500, points: 20 },
      { min: 100, max: 499.99, points: 8 },
    ]),
    otherwise: fc.constant(-3),
  }),
  fc.record({
    aggregate: fc.constantFrom("count", "daysSinceLast"),
    event: type,
    where,
    within: window,
    bands: fc.constant([
      { max: 3, points: 9 },
      { min: 3, points: 4 },
    ]),
  }),
);
const recencyRule = fc.record({
  recency: fc.record({ event: fc.option(type, { nil: undefined }) }, { requiredKeys: [] }),
  bands: fc.constant([
    { within: "7d", points: 12 },
    { within: "30d", points: 4 },
  ]),
  otherwise: fc.constant(-6),
});
const propertyRule = fc.record({
  when: fc.constantFrom({ field: "company.employees", gte: 50 }, { field: "email", freeMail: true }),
  points,
});
const anyRule = fc.oneof(eventRule, eventRule, combinationRule, aggregateRule, recencyRule, propertyRule);

const modelArb = fc
  .record({
    dims: fc.array(fc.array(anyRule, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 3 }),
    scale: fc.constantFrom(null, undefined, { min: 0, max: 50 }),
    gateWithin: window,
  })
  .map(({ dims, scale, gateWithin }): Model => {
    let n = 0;
    const dimensions = dims.map((rules, d) => ({
      id: d === 0 ? "fit" : d === 1 ? "engagement" : `custom${d}`,
      weight: d === 2 ? 0.5 : 1,
      rules: rules.map((rule) => ({ id: `r${n++}`, ...rule })),
    }));
    const gates = [
      {
        id: "unsub",
        reason: "Unsubscribed",
        event: "email_open",
        where: { field: "url", equals: "/unsub" },
        within: gateWithin,
      },
    ];
    return modelSchema.parse({
      name: "random",
      version: 1,
      scale,
      dimensions,
      gates,
      thresholds: { temperature: { warm: 20, hot: 50 } },
    });
  });

const eventArb = fc.record({
  type: fc.constantFrom(...TYPES),
  day: fc.integer({ min: 0, max: 120 }),
  hour: fc.integer({ min: 0, max: 23 }),
  url: fc.constantFrom(...URLS, "/unsub"),
  value: fc.constantFrom(20, 99.99, 150, 480.5, 900),
});

function toEvents(
  raw: { type: string; day: number; hour: number; url: string; value: number }[],
): ScoringEvent[] {
  return raw.map((e, i) => ({
    id: `e${String(i).padStart(3, "0")}`,
    type: e.type,
    timeMs: START + e.day * DAY + e.hour * 3_600_000,
    properties: { url: e.url, value: e.value },
  }));
}

const contact = { email: "someone@gmail.com" };
const company = { employees: 80 };

function sumCents(values: number[]) {
  return Math.round(values.reduce((a, v) => a + v * 100, 0)) + 0;
}

function assertAddsUp(result: ScoreResult) {
  for (const [dimension, value] of Object.entries(result.dimensions)) {
    const lines = result.ledger!.filter((l) => l.dimension === dimension);
    expect(sumCents(lines.map((l) => l.points))).toBe(Math.round(value * 100));
  }
  expect(sumCents(result.totalLines!.map((l) => l.points))).toBe(Math.round(result.total * 100));
}

describe("engine properties", () => {
  it("the ledger always adds up to the scores", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        (model, raw, asOfDay) => {
          const result = evaluate(model, contact, company, toEvents(raw), START + asOfDay * DAY, {
            ledger: true,
          });
          assertAddsUp(result);
        },
      ),
      { numRuns: 300, seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });

  it("applying events one by one to a saved state equals scoring from scratch", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 60 }),
        (model, raw, extraDays) => {
          const evaluator = compileModel(model);
          const events = toEvents(raw);
          let state = emptyState();
          for (const event of events) {
            // A JSON round trip, as the service stores the state.
            state = parseState(serializeState(applyEvent(evaluator, state, event)));
            const asOf = Math.max(state.watermarkMs, START) + extraDays * DAY;
            const seen = events.slice(0, events.indexOf(event) + 1);
            const incremental = evaluateState(evaluator, state, contact, company, asOf, { ledger: true });
            const batch = evaluate(evaluator, contact, company, seen, asOf, { ledger: true });
            expect(incremental).toEqual(batch);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it("applying events in batches of any size, in any order, equals scoring from scratch", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 0, max: 60 }),
        (model, raw, sizes, extraDays) => {
          const evaluator = compileModel(model);
          const events = toEvents(raw);
          let state = emptyState();
          let applied = 0;
          for (let i = 0; applied < events.length; i++) {
            const size = sizes[i % sizes.length];
            // Each batch reversed: the service receives events out of order within a request.
            const batch = events.slice(applied, applied + size).reverse();
            applied += batch.length;
            const before = state;
            state = parseState(serializeState(applyEvents(evaluator, state, batch)));
            const asOf = Math.max(state.watermarkMs, START) + extraDays * DAY;
            const incremental = evaluateState(evaluator, state, contact, company, asOf, { ledger: true });
            const scratch = evaluate(evaluator, contact, company, events.slice(0, applied), asOf, {
              ledger: true,
            });
            expect(incremental).toEqual(scratch);
            // The service's one-batch path gives the same state and score.
            const advanced = advanceState(evaluator, before, batch, contact, company, asOf, { ledger: true });
            expect(advanced.asOfMs).toBe(asOf);
            expect(parseState(serializeState(advanced.state))).toEqual(state);
            expect(advanced.result).toEqual(scratch);
          }
        },
      ),
      { numRuns: 150, seed: Number(process.env.FC_SEED ?? Date.now()) },
    );
  });

  it("does not depend on the order events arrive in", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventArb, { maxLength: 30 }),
        fc.integer({ min: 0, max: 200 }),
        fc.integer(),
        (model, raw, asOfDay, seed) => {
          const events = toEvents(raw);
          const shuffled = [...events].sort(
            (a, b) => ((a.id!.charCodeAt(3) * 31 + seed) % 7) - ((b.id!.charCodeAt(3) * 31 + seed) % 7),
          );
          const asOf = START + asOfDay * DAY;
          expect(evaluate(model, contact, company, shuffled, asOf, { ledger: true })).toEqual(
            evaluate(model, contact, company, events, asOf, { ledger: true }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("the generated hot loop computes exactly what the generic loop computes", () => {
    fc.assert(
      fc.property(
        modelArb,
        fc.array(eventArb, { maxLength: 40 }),
        fc.integer({ min: 0, max: 200 }),
        (model, raw, asOfDay) => {
          const events = toEvents(raw);
          const asOf = START + asOfDay * DAY;
          const generated = compileModel(model);
          const generic = compileModel(model, { codegen: false });
          for (const ledger of [false, true]) {
            expect(evaluate(generated, contact, company, events, asOf, { ledger })).toEqual(
              evaluate(generic, contact, company, events, asOf, { ledger }),
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
