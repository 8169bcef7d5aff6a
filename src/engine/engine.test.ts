import { describe, expect, it } from "vitest";
import type { ModelFile, RuleFile } from "../model/format.js";
import { type Model, modelSchema } from "../model/schema.js";
import { compileModel, evaluate, type ScoreResult, type ScoringEvent } from "./index.js";

const DAY = 86_400_000;
const AS_OF = Date.parse("2026-06-01T00:00:00Z");
const daysAgo = (d: number) => AS_OF - d * DAY;

function model(rules: RuleFile[], extra: Partial<ModelFile> = {}): Model {
  return modelSchema.parse({
    name: "t",
    version: 1,
    scale: null,
    dimensions: [{ id: "fit", rules }],
    ...extra,
  });
}

function score(
  rules: RuleFile[],
  contact: Record<string, unknown>,
  events: ScoringEvent[] = [],
  company = {},
) {
  return evaluate(model(rules), contact, company, events, AS_OF, { ledger: true });
}

const ev = (
  id: string,
  type: string,
  ageDays: number,
  properties: Record<string, unknown> = {},
): ScoringEvent => ({
  id,
  type,
  timeMs: daysAgo(ageDays),
  properties,
});

function addsUp(result: ScoreResult) {
  for (const [dimension, value] of Object.entries(result.dimensions)) {
    const lines = result.ledger!.filter((l) => l.dimension === dimension);
    expect(Math.round(lines.reduce((a, l) => a + l.points * 100, 0))).toBe(Math.round(value * 100));
  }
  expect(Math.round(result.totalLines!.reduce((a, l) => a + l.points * 100, 0))).toBe(
    Math.round(result.total * 100),
  );
}

describe("property rules", () => {
  const cases: [string, Record<string, unknown>, Record<string, unknown>, boolean][] = [
    ["equals ignores case", { field: "industry", equals: "Software" }, { industry: "software" }, true],
    [
      "equals with caseSensitive",
      { field: "industry", equals: "Software", caseSensitive: true },
      { industry: "software" },
      false,
    ],
    ["equals a number reads CSV text", { field: "employees", equals: 50 }, { employees: "50" }, true],
    ["in list", { field: "country", in: ["FR", "BE"] }, { country: "be" }, true],
    ["notIn list", { field: "country", notIn: ["FR", "BE"] }, { country: "DE" }, true],
    ["gt", { field: "employees", gt: 50 }, { employees: 51 }, true],
    ["gt is strict", { field: "employees", gt: 50 }, { employees: 50 }, false],
    ["gte", { field: "employees", gte: 50 }, { employees: "50" }, true],
    ["lt", { field: "employees", lt: 5 }, { employees: 4 }, true],
    ["lte", { field: "employees", lte: 5 }, { employees: 6 }, false],
    ["between is inclusive", { field: "revenue", between: [10, 20] }, { revenue: 20 }, true],
    ["non-numeric text fails numeric tests", { field: "employees", gt: 1 }, { employees: "many" }, false],
    ["contains", { field: "jobTitle", contains: "market" }, { jobTitle: "Head of Marketing" }, true],
    ["startsWith", { field: "jobTitle", startsWith: "vp" }, { jobTitle: "VP Sales" }, true],
    ["endsWith", { field: "jobTitle", endsWith: "officer" }, { jobTitle: "Chief Revenue Officer" }, true],
    ["matches (RE2)", { field: "jobTitle", matches: "^(c[etmr]o|chief)" }, { jobTitle: "CTO" }, true],
    ["matches fails", { field: "jobTitle", matches: "^intern" }, { jobTitle: "Sales intern" }, false],
    ["present", { field: "phone", present: true }, { phone: "+33 1 23" }, true],
    ["present: blank is missing", { field: "phone", present: true }, { phone: "  " }, false],
    ["missing", { field: "phone", present: false }, {}, true],
    ["emailDomainIn", { field: "email", emailDomainIn: ["rival.com"] }, { email: "a@Rival.com" }, true],
    [
      "emailDomainIn @freemail",
      { field: "email", emailDomainIn: ["@freemail"] },
      { email: "x@gmail.com" },
      true,
    ],
    ["freeMail true", { field: "email", freeMail: true }, { email: "x@yahoo.fr" }, true],
    ["freeMail false on a company domain", { field: "email", freeMail: true }, { email: "x@acme.io" }, false],
    ["a missing value fails other operators", { field: "country", notIn: ["FR"] }, {}, false],
  ];
  for (const [name, when, contact, fires] of cases) {
    it(`${name}`, () => {
      const result = score([{ id: "r", when, points: 10 } as RuleFile], contact);
      expect(result.total).toBe(fires ? 10 : 0);
      if (fires) expect(result.ledger![0]).toMatchObject({ ruleId: "r", kind: "property", points: 10 });
    });
  }

  it("combines conditions with all, any and not", () => {
    const when = {
      all: [
        {
          any: [
            { field: "industry", equals: "software" },
            { field: "industry", equals: "saas" },
          ],
        },
        { not: { field: "email", freeMail: true } },
      ],
    };
    expect(score([{ id: "r", when, points: 7 }], { industry: "SaaS", email: "a@acme.io" }).total).toBe(7);
    expect(score([{ id: "r", when, points: 7 }], { industry: "SaaS", email: "a@gmail.com" }).total).toBe(0);
  });

  it("reads company fields and shows the values behind the points", () => {
    const result = score([{ id: "big", when: { field: "company.employees", gte: 50 }, points: 10 }], {}, [], {
      employees: 120,
    });
    expect(result.total).toBe(10);
    expect(result.ledger![0].fields).toEqual({ "company.employees": 120 });
  });

  it("gives negative points", () => {
    expect(
      score([{ id: "free", when: { field: "email", freeMail: true }, points: -5 }], { email: "a@gmail.com" })
        .total,
    ).toBe(-5);
  });

  it("takes the first matching case", () => {
    const rule: RuleFile = {
      id: "size",
      cases: [
        { when: { field: "company.employees", gte: 1000 }, points: 20 },
        { when: { field: "company.employees", gte: 50 }, points: 10 },
      ],
      otherwise: -5,
    };
    expect(score([rule], {}, [], { employees: 5000 }).total).toBe(20);
    expect(score([rule], {}, [], { employees: 60 }).total).toBe(10);
    expect(score([rule], {}, [], { employees: 3 }).total).toBe(-5);
  });
});

describe("labels", () => {
  it("carries the rule's label on its ledger line, or a description generated from the rule", () => {
    const rules: RuleFile[] = [
      {
        id: "senior",
        label: "Senior decision maker",
        when: { field: "jobTitle", matches: "ceo|vp" },
        points: 20,
      },
      { id: "big", when: { field: "company.employees", gte: 50 }, points: 10 },
      { id: "visit", event: "page_view", points: 1 },
      { id: "recent", recency: {}, bands: [{ within: "7d", points: 5 }] },
    ];
    const result = score(rules, { jobTitle: "VP Sales" }, [ev("a", "page_view", 1)], { employees: 80 });
    expect(result.ledger!.map((line) => [line.ruleId, line.label])).toEqual([
      ["senior", "Senior decision maker"],
      ["big", "company.employees >= 50"],
      ["visit", "page_view"],
      ["recent", "time since the last activity"],
    ]);
  });
});

describe("event rules", () => {
  const pricing = (id: string, age: number) => ev(id, "page_view", age, { url: "https://x.io/pricing" });

  it("gives points per occurrence, filtered by event properties", () => {
    const rule: RuleFile = {
      id: "pricing",
      event: "page_view",
      where: { field: "url", matches: "/pricing" },
      points: 5,
    };
    const result = score([rule], {}, [
      pricing("a", 1),
      pricing("b", 2),
      ev("c", "page_view", 1, { url: "/blog" }),
    ]);
    expect(result.total).toBe(10);
    expect(result.ledger![0]).toMatchObject({ occurrences: 2, countedOccurrences: 2, eventIds: ["a", "b"] });
  });

  it("counts at most maxOccurrences, the most recent ones", () => {
    const rule: RuleFile = {
      id: "v",
      event: "page_view",
      points: 5,
      maxOccurrences: 2,
      decay: { halfLife: "10d" },
    };
    const result = score([rule], {}, [pricing("old", 30), pricing("new", 0), pricing("mid", 10)]);
    expect(result.total).toBe(7.5); // 5 (today) + 2.5 (one half-life ago); the 30-day-old visit is not counted
    expect(result.ledger![0]).toMatchObject({
      occurrences: 3,
      countedOccurrences: 2,
      eventIds: ["new", "mid"],
    });
  });

  it("caps the points of a rule", () => {
    const rule: RuleFile = { id: "v", event: "page_view", points: 5, maxPoints: 12 };
    const result = score([rule], {}, [pricing("a", 1), pricing("b", 2), pricing("c", 3)]);
    expect(result.total).toBe(12);
    expect(result.ledger![0]).toMatchObject({ basePoints: 15, decayedPoints: 15, points: 12 });
  });

  it("counts only events inside the time window, and none after the scoring date", () => {
    const rule: RuleFile = { id: "v", event: "page_view", points: 5, within: "30d" };
    const events = [pricing("in", 29), pricing("out", 31), { ...pricing("future", 0), timeMs: AS_OF + DAY }];
    expect(score([rule], {}, events).total).toBe(5);
  });

  it("awards once-rules once, from minCount occurrences", () => {
    const rule: RuleFile = { id: "return", event: "page_view", points: 10, once: true, minCount: 3 };
    expect(score([rule], {}, [pricing("a", 1), pricing("b", 2)]).total).toBe(0);
    expect(
      score([rule], {}, [pricing("a", 1), pricing("b", 2), pricing("c", 3), pricing("d", 4)]).total,
    ).toBe(10);
  });

  it("matches any type with * and custom types", () => {
    const m = model([{ id: "any", event: "*", points: 1 }], { eventTypes: ["trial_started"] });
    expect(
      evaluate(m, {}, {}, [ev("a", "trial_started", 1), ev("b", "something_else", 1)], AS_OF).total,
    ).toBe(2);
  });
});

describe("decay", () => {
  it("halves engagement points after one half-life", () => {
    const rule: RuleFile = { id: "v", event: "page_view", points: 10, decay: { halfLife: "14d" } };
    expect(score([rule], {}, [ev("a", "page_view", 14)]).total).toBe(5);
    expect(score([rule], {}, [ev("a", "page_view", 28)]).total).toBe(2.5);
    const line = score([rule], {}, [ev("a", "page_view", 14)]).ledger![0];
    expect(line).toMatchObject({ basePoints: 10, decayedPoints: 5, points: 5 });
  });

  it("applies the latest step reached", () => {
    const rule: RuleFile = {
      id: "v",
      event: "page_view",
      points: 10,
      decay: {
        steps: [
          { after: "30d", factor: 0.5 },
          { after: "90d", factor: 0 },
        ],
      },
    };
    expect(score([rule], {}, [ev("a", "page_view", 10)]).total).toBe(10);
    expect(score([rule], {}, [ev("a", "page_view", 45)]).total).toBe(5);
    const expired = score([rule], {}, [ev("a", "page_view", 100)]);
    expect(expired.total).toBe(0);
    expect(expired.ledger).toEqual([]);
  });

  it("decays a once-rule from its latest occurrence", () => {
    const rule: RuleFile = {
      id: "demo",
      event: "demo_request",
      points: 40,
      once: true,
      decay: { halfLife: "7d" },
    };
    expect(score([rule], {}, [ev("a", "demo_request", 21), ev("b", "demo_request", 7)]).total).toBe(20);
  });
});

describe("combination, aggregate and recency rules", () => {
  const both: RuleFile = {
    id: "webinar",
    allOf: [{ event: "webinar_registration" }, { event: "webinar_attendance" }],
    points: 15,
  };
  it("needs every part of a combination", () => {
    expect(score([both], {}, [ev("r", "webinar_registration", 5)]).total).toBe(0);
    const result = score([both], {}, [ev("r", "webinar_registration", 5), ev("a", "webinar_attendance", 3)]);
    expect(result.total).toBe(15);
    expect(result.ledger![0].eventIds).toEqual(["r", "a"]);
  });

  it("reads bands on an aggregate (RFM monetary)", () => {
    const rule: RuleFile = {
      id: "monetary",
      aggregate: "sum",
      event: "order",
      of: "value",
      within: "365d",
      bands: [
        { min: 1000, points: 25 },
        { min: 100, points: 10 },
      ],
      otherwise: 0,
    };
    const orders = [ev("o1", "order", 10, { value: "600.50" }), ev("o2", "order", 20, { value: 450 })];
    const result = score([rule], {}, orders);
    expect(result.total).toBe(25);
    expect(result.ledger![0].value).toBe(1050.5);
    expect(score([rule], {}, [ev("o1", "order", 400, { value: 5000 })]).total).toBe(0);
  });

  it("averages a basket and counts orders", () => {
    const avg: RuleFile = {
      id: "basket",
      aggregate: "average",
      event: "order",
      of: "value",
      bands: [{ min: 200, points: 5 }],
    };
    const count: RuleFile = {
      id: "freq",
      aggregate: "count",
      event: "order",
      bands: [{ min: 2, points: 3 }],
    };
    const orders = [ev("o1", "order", 10, { value: 100 }), ev("o2", "order", 20, { value: 400 })];
    expect(score([avg, count], {}, orders).total).toBe(8);
  });

  it("scores recency by time since the last activity", () => {
    const rule: RuleFile = {
      id: "recent",
      recency: {},
      bands: [
        { within: "7d", points: 15 },
        { within: "30d", points: 5 },
      ],
      otherwise: -10,
    };
    expect(score([rule], {}, [ev("a", "email_open", 40), ev("b", "page_view", 3)]).total).toBe(15);
    expect(score([rule], {}, [ev("a", "email_open", 20)]).total).toBe(5);
    expect(score([rule], {}, [ev("a", "email_open", 40)]).total).toBe(-10);
    const none = score([rule], {}, []);
    expect(none.total).toBe(-10);
    expect(none.ledger![0].value).toBeNull();
  });
});

describe("gates, clamps and thresholds", () => {
  const full = modelSchema.parse({
    name: "b2b",
    version: 2,
    dimensions: [
      { id: "fit", rules: [{ id: "big", when: { field: "company.employees", gte: 50 }, points: 60 }] },
      { id: "engagement", rules: [{ id: "visit", event: "page_view", points: 20 }] },
    ],
    gates: [
      { id: "unsubscribed", reason: "Unsubscribed", event: "unsubscribe" },
      {
        id: "competitor",
        reason: "Works for a competitor",
        when: { field: "email", emailDomainIn: ["rival.com"] },
      },
    ],
    thresholds: {
      temperature: { warm: 40, hot: 70 },
      grades: { fit: { A: 50, B: 30, C: 10 }, engagement: { "1": 60, "2": 20 } },
      mql: { minTotal: 70, matrix: ["A1", "A2", "B1"] },
    },
  });
  const evaluator = compileModel(full);
  const visits = (n: number) => Array.from({ length: n }, (_, i) => ev(`v${i}`, "page_view", i));

  it("clamps a dimension and the total to the scale, shown in the ledger", () => {
    const result = evaluate(evaluator, { email: "a@acme.io" }, { employees: 100 }, visits(7), AS_OF, {
      ledger: true,
    });
    expect(result.dimensions).toEqual({ fit: 60, engagement: 100 });
    expect(result.total).toBe(100);
    expect(result.ledger!.find((l) => l.kind === "clamp")).toMatchObject({
      dimension: "engagement",
      points: -40,
    });
    expect(result.totalLines!.at(-1)).toEqual({ dimension: "clamp", weight: 1, points: -60 });
    addsUp(result);
  });

  it("grades, matrix, temperature, band and MQL", () => {
    const result = evaluate(evaluator, { email: "a@acme.io" }, { employees: 100 }, visits(2), AS_OF);
    expect(result).toMatchObject({
      total: 100,
      fitGrade: "A",
      engagementGrade: "2",
      matrix: "A2",
      temperature: "hot",
      band: "81-100",
      mql: true,
    });
    const small = evaluate(evaluator, {}, { employees: 10 }, visits(2), AS_OF);
    expect(small).toMatchObject({ total: 40, fitGrade: "D", temperature: "warm", band: "21-40", mql: false });
  });

  it("disqualifies through gates without touching the points", () => {
    const events = [...visits(2), ev("u", "unsubscribe", 1)];
    const result = evaluate(evaluator, { email: "a@rival.com" }, { employees: 100 }, events, AS_OF, {
      ledger: true,
    });
    expect(result.total).toBe(100);
    expect(result.mql).toBe(false);
    expect(result.disqualified).toBe(true);
    expect(result.disqualifications).toEqual([
      { gateId: "unsubscribed", reason: "Unsubscribed", eventIds: ["u"] },
      { gateId: "competitor", reason: "Works for a competitor", fields: { email: "a@rival.com" } },
    ]);
  });

  it("gives the same scores with and without the ledger", () => {
    const events = [...visits(3), ev("u", "unsubscribe", 1)];
    const fast = evaluate(evaluator, {}, { employees: 100 }, events, AS_OF);
    const { ledger, totalLines, ...withLedger } = evaluate(evaluator, {}, { employees: 100 }, events, AS_OF, {
      ledger: true,
    });
    expect(ledger).toBeDefined();
    expect(totalLines).toBeDefined();
    expect(withLedger).toEqual(fast);
  });

  it("weights dimensions in the total", () => {
    const weighted = modelSchema.parse({
      name: "w",
      version: 1,
      scale: null,
      dimensions: [
        { id: "fit", weight: 0.5, rules: [{ id: "a", when: { field: "x", present: true }, points: 30 }] },
        {
          id: "engagement",
          weight: 2,
          rules: [{ id: "b", when: { field: "x", present: true }, points: 10 }],
        },
      ],
    });
    const result = evaluate(weighted, { x: 1 }, {}, [], AS_OF, { ledger: true });
    expect(result.total).toBe(35);
    addsUp(result);
  });
});

describe("account scores", () => {
  const accountModel = (method: "sum" | "max" | "topMean") =>
    modelSchema.parse({
      name: "a",
      version: 1,
      dimensions: [{ id: "fit", rules: [] }],
      account: {
        rules: [{ id: "software", when: { field: "industry", equals: "software" }, points: 10 }],
        rollup: { method, k: 2 },
        temperature: { warm: 50, hot: 100 },
      },
    });
  const contacts = [30, 50, 10].map(
    (total) => ({ total, dimensions: { fit: total } }) as unknown as ScoreResult,
  );

  it("rolls up contacts by sum, max or mean of the top k", () => {
    const sum = compileModel(accountModel("sum")).evaluateAccount(
      { id: "co1", industry: "Software" },
      contacts,
    );
    expect(sum).toMatchObject({ companyId: "co1", score: 100, temperature: "hot", contacts: 3 });
    expect(sum.ledger.map((l) => l.ruleId)).toEqual(["software", "rollup"]);
    expect(compileModel(accountModel("max")).evaluateAccount({ industry: "retail" }, contacts).score).toBe(
      50,
    );
    expect(
      compileModel(accountModel("topMean")).evaluateAccount({ industry: "retail" }, contacts).score,
    ).toBe(40);
  });

  it("leaves disqualified contacts out of the roll-up", () => {
    const competitor = { total: 90, dimensions: { fit: 90 }, disqualified: true } as unknown as ScoreResult;
    const account = compileModel(accountModel("max")).evaluateAccount({ industry: "retail" }, [
      ...contacts,
      competitor,
    ]);
    expect(account.score).toBe(50);
    expect(account.ledger[0].reason).toContain("1 disqualified left out");
  });
});

describe("event types a model counts", () => {
  it("are those its rules and gates name, every type when one reads any event", () => {
    const named = compileModel(
      model([{ id: "visit", event: "page_view", points: 1 }], {
        gates: [{ id: "unsub", reason: "Unsubscribed", event: "unsubscribe" }],
      }),
    );
    expect(named.countsEventType("page_view")).toBe(true);
    expect(named.countsEventType("unsubscribe")).toBe(true);
    expect(named.countsEventType("pgae_veiw")).toBe(false);
    expect(named.countsEventType("email_open")).toBe(false);
    // A recency rule without `event` reads every activity, typos included.
    const any = compileModel(
      model([{ id: "recent", recency: {}, bands: [{ within: "7d", points: 5 }], otherwise: 0 }]),
    );
    expect(any.countsEventType("pgae_veiw")).toBe(true);
  });
});
