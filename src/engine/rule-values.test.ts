/** Evaluator.ruleValues: the numbers the bands of aggregate and recency rules are read on. */
import { describe, expect, it } from "vitest";
import { modelSchema } from "../model/schema.js";
import { compileModel, type Evaluator, evaluate, type ScoringEvent } from "./index.js";

const DAY = 86_400_000;
const AS_OF = Date.parse("2026-06-01T00:00:00Z");

// Every rule gives -1 when it has no value, so each one writes a ledger line to compare with.
const catchAll = { bands: [{ points: 1 }], otherwise: -1 };
const MODEL = modelSchema.parse({
  name: "values",
  version: 1,
  scale: null,
  eventTypes: ["visit"],
  dimensions: [
    {
      id: "rfm",
      rules: [
        { id: "orders-30d", aggregate: "count", event: "order", within: "30d", ...catchAll },
        { id: "spend", aggregate: "sum", of: "value", event: "order", ...catchAll },
        { id: "basket", aggregate: "average", of: "value", event: "order", ...catchAll },
        { id: "smallest", aggregate: "min", of: "value", event: "order", ...catchAll },
        { id: "largest", aggregate: "max", of: "value", event: "order", within: "60d", ...catchAll },
        { id: "days-since-order", aggregate: "daysSinceLast", event: "order", ...catchAll },
        { id: "property-rule", when: { field: "vip", equals: true }, points: 3 },
      ],
    },
    {
      id: "activity",
      rules: [
        {
          id: "last-visit",
          recency: { event: "visit", where: { field: "url", matches: "/pricing" } },
          bands: [{ within: "3650d", points: 1 }],
          otherwise: -1,
        },
        { id: "last-anything", recency: {}, bands: [{ within: "7d", points: 2 }], otherwise: -1 },
        { id: "visits", event: "visit", points: 1 },
      ],
    },
  ],
});
const RULES = [
  "orders-30d",
  "spend",
  "basket",
  "smallest",
  "largest",
  "days-since-order",
  "last-visit",
  "last-anything",
];

const ev = (
  id: string,
  type: string,
  days: number,
  properties: Record<string, unknown> = {},
): ScoringEvent => ({
  id,
  type,
  timeMs: AS_OF - days * DAY,
  properties,
});

const CONTACTS: Record<string, ScoringEvent[]> = {
  "no events": [],
  "one order": [ev("o1", "order", 10.5, { value: 120.25 })],
  "orders inside and outside the windows, one after the as-of date": [
    ev("o1", "order", 200, { value: 1000 }),
    ev("o2", "order", 45, { value: 50.5 }),
    ev("o3", "order", 3.25, { value: 10 }),
    ev("o4", "order", -2, { value: 99999 }),
    ev("v1", "visit", 1, { url: "/blog" }),
    ev("v2", "visit", 12, { url: "/pricing" }),
  ],
  "an order without a value": [ev("o1", "order", 5, {}), ev("v1", "visit", 0.5, { url: "/pricing/team" })],
  "events out of time order": [
    ev("o2", "order", 1, { value: 7 }),
    ev("o1", "order", 400, { value: 3 }),
    ev("v1", "visit", 30, { url: "/pricing" }),
  ],
};

function ledgerValues(evaluator: Evaluator, events: ScoringEvent[]): Record<string, number | null> {
  const result = evaluate(evaluator, { vip: true }, undefined, events, AS_OF, { ledger: true });
  const values: Record<string, number | null> = {};
  for (const line of result.ledger!) if (line.value !== undefined) values[line.ruleId] = line.value;
  return values;
}

function ruleValues(evaluator: Evaluator, events: ScoringEvent[]): Record<string, number | null> {
  const builder = evaluator.newBatch({ capacity: events.length });
  for (const event of events) builder.add(event);
  const batch = builder.build();
  return evaluator.ruleValues({ vip: true }, undefined, batch, 0, batch.size, AS_OF);
}

const rounded = (values: Record<string, number | null>) =>
  Object.fromEntries(
    Object.entries(values).map(([id, v]) => [id, v === null ? null : Math.round(v * 100) / 100]),
  );

describe("Evaluator.ruleValues", () => {
  for (const codegen of [true, false])
    describe(codegen ? "generated loop" : "generic loop", () => {
      const evaluator = compileModel(MODEL, { codegen });
      for (const [name, events] of Object.entries(CONTACTS))
        it(`gives the ledger's values: ${name}`, () => {
          const values = ruleValues(evaluator, events);
          expect(Object.keys(values).sort()).toEqual([...RULES].sort());
          expect(rounded(values)).toEqual(ledgerValues(evaluator, events));
        });
    });

  it("gives exact values: counts, sums, averages, extremes and days", () => {
    const evaluator = compileModel(MODEL);
    const values = ruleValues(
      evaluator,
      CONTACTS["orders inside and outside the windows, one after the as-of date"],
    );
    expect(values).toEqual({
      "orders-30d": 1,
      spend: 1060.5,
      basket: 1060.5 / 3,
      smallest: 10,
      largest: 50.5,
      "days-since-order": 3.25,
      "last-visit": 12,
      "last-anything": 1,
    });
    const empty = ruleValues(evaluator, []);
    expect(empty).toEqual({
      "orders-30d": 0,
      spend: 0,
      basket: null,
      smallest: null,
      largest: null,
      "days-since-order": null,
      "last-visit": null,
      "last-anything": null,
    });
    expect(ruleValues(evaluator, CONTACTS["an order without a value"])).toMatchObject({
      "orders-30d": 1,
      spend: 0,
      basket: null,
      "days-since-order": 5,
      "last-visit": 0.5,
    });
  });

  it("leaves the next evaluation unchanged", () => {
    const evaluator = compileModel(MODEL);
    const events = CONTACTS["one order"];
    const before = evaluate(evaluator, { vip: true }, undefined, events, AS_OF, { ledger: true });
    ruleValues(evaluator, CONTACTS["events out of time order"]);
    expect(evaluate(evaluator, { vip: true }, undefined, events, AS_OF, { ledger: true })).toEqual(before);
  });
});
