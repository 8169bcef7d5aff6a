/**
 * The engine cases of test/cases/engine-cases.json (its README gives the format), one test per
 * case: scored with the generated hot loop, the generic loop and, when no event is after the
 * as-of date, from an incremental state fed one event at a time. A later SQL compiler runs the
 * same file.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { modelSchema } from "../model/schema.js";
import {
  type AccountResult,
  applyEvent,
  compileModel,
  emptyState,
  evaluate,
  evaluateState,
  type Properties,
  type ScoreResult,
  type ScoringEvent,
} from "./index.js";

interface CaseEvent {
  id?: string;
  type: string;
  time: string;
  properties?: Properties;
}

interface ContactCase {
  name: string;
  model: unknown;
  contact: Properties;
  company?: Properties;
  events: CaseEvent[];
  asOf: string;
  expected: ScoreResult;
}

interface AccountCase {
  name: string;
  model: unknown;
  company: Properties;
  contacts: { contact: Properties; events: CaseEvent[] }[];
  asOf: string;
  expected: AccountResult;
}

const file = JSON.parse(
  readFileSync(new URL("../../test/cases/engine-cases.json", import.meta.url), "utf8"),
) as { cases: ContactCase[]; accountCases: AccountCase[] };

const scoringEvents = (events: readonly CaseEvent[]): ScoringEvent[] =>
  events.map((e) => ({ id: e.id, type: e.type, timeMs: Date.parse(e.time), properties: e.properties }));

function addsUp(result: ScoreResult) {
  const cents = (points: number) => Math.round(points * 100);
  for (const [dimension, value] of Object.entries(result.dimensions)) {
    const lines = result.ledger!.filter((line) => line.dimension === dimension);
    expect(lines.reduce((sum, line) => sum + cents(line.points), 0)).toBe(cents(value));
  }
  expect(result.totalLines!.reduce((sum, line) => sum + cents(line.points), 0)).toBe(cents(result.total));
}

describe("engine cases", () => {
  it("are many, with unique names", () => {
    const names = [...file.cases, ...file.accountCases].map((c) => c.name);
    expect(names.length).toBeGreaterThan(60);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const c of file.cases) {
    it(c.name, () => {
      const model = modelSchema.parse(c.model);
      const events = scoringEvents(c.events);
      const asOfMs = Date.parse(c.asOf);
      for (const codegen of [true, false]) {
        const evaluator = compileModel(model, { codegen });
        expect(evaluate(evaluator, c.contact, c.company, events, asOfMs, { ledger: true })).toEqual(
          c.expected,
        );
      }
      const evaluator = compileModel(model);
      const { ledger: _, totalLines: __, ...scores } = c.expected;
      expect(evaluate(evaluator, c.contact, c.company, events, asOfMs)).toEqual(scores);
      addsUp(c.expected);
      if (events.every((e) => e.timeMs <= asOfMs)) {
        const state = events.reduce((s, e) => applyEvent(evaluator, s, e), emptyState());
        const incremental = evaluateState(evaluator, state, c.contact, c.company, asOfMs, { ledger: true });
        expect(incremental).toEqual(c.expected);
      }
    });
  }

  for (const c of file.accountCases) {
    it(c.name, () => {
      const evaluator = compileModel(modelSchema.parse(c.model));
      const contacts = c.contacts.map((x) =>
        evaluate(evaluator, x.contact, c.company, scoringEvents(x.events), c.asOf),
      );
      expect(evaluator.evaluateAccount(c.company, contacts)).toEqual(c.expected);
    });
  }
});
