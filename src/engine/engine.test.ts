/**
 * The engine's API beyond one score: the rules' behaviour is pinned by the shared cases of
 * test/cases/engine-cases.json (cases.test.ts runs them).
 */
import { describe, expect, it } from "vitest";
import type { ModelFile, RuleFile } from "../model/format.js";
import { type Model, modelSchema } from "../model/schema.js";
import { compileModel, evaluate, type ScoringEvent } from "./index.js";

const DAY = 86_400_000;
const AS_OF = Date.parse("2026-06-01T00:00:00Z");

function model(rules: RuleFile[], extra: Partial<ModelFile> = {}): Model {
  return modelSchema.parse({
    name: "t",
    version: 1,
    scale: null,
    dimensions: [{ id: "fit", rules }],
    ...extra,
  });
}

const ev = (id: string, type: string, ageDays: number): ScoringEvent => ({
  id,
  type,
  timeMs: AS_OF - ageDays * DAY,
});

describe("the ledger", () => {
  it("is built only when asked for, and changes no score", () => {
    const evaluator = compileModel(
      model([{ id: "visit", event: "page_view", points: 20 }], {
        scale: { min: 0, max: 100 },
        gates: [{ id: "unsubscribed", reason: "Unsubscribed", event: "unsubscribe" }],
      }),
    );
    const events = [ev("a", "page_view", 1), ev("b", "page_view", 2), ev("u", "unsubscribe", 1)];
    const fast = evaluate(evaluator, {}, {}, events, AS_OF);
    expect(fast.ledger).toBeUndefined();
    const { ledger, totalLines, ...withLedger } = evaluate(evaluator, {}, {}, events, AS_OF, {
      ledger: true,
    });
    expect(ledger).toHaveLength(1);
    expect(totalLines).toHaveLength(1);
    expect(withLedger).toEqual(fast);
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
