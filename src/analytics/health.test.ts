import { describe, expect, it } from "vitest";
import { compileModel } from "../engine/index.js";
import { parseModel } from "../model/parse.js";
import { type Analysis, Analyzer } from "./analyze.js";

const MODEL = `
name: health
version: 1
dimensions:
  - id: fit
    rules:
      - { id: good, when: { field: a, equals: "yes" }, points: 30 }
      - { id: wrong-sign, when: { field: b, equals: "yes" }, points: 20 }
      - { id: never, when: { field: c, equals: "yes" }, points: 5 }
      - { id: everyone, when: { field: d, present: true }, points: 1 }
thresholds:
  temperature: { warm: 40, hot: 90 }
`;
const AS_OF = Date.UTC(2026, 0, 1);

/**
 * 1000 contacts: a = yes for 3 in 10 (40% of them convert, 5% of the others); b = yes for every
 * other contact, who convert a third as often as the others. Conversions on day 10.
 */
function analyse(text: string): Analysis {
  const model = parseModel(text, "health.yaml");
  const evaluator = compileModel(model);
  const analyzer = new Analyzer(model, { asOfMs: AS_OF, horizonDays: 30, periodDays: 70 });
  const batch = evaluator.newBatch().build();
  for (let i = 0; i < 1000; i++) {
    const a = i % 10 < 3;
    const b = i % 2 === 0;
    const chance = (a ? 0.4 : 0.05) * (b ? 0.5 : 1.5);
    const converted = (i * 7919) % 1000 < chance * 1000;
    const contact = { a: a ? "yes" : "no", b: b ? "yes" : "no", d: "x" };
    const result = evaluator.evaluateRange(contact, undefined, batch, 0, 0, AS_OF, { ledger: true });
    analyzer.add(result, converted ? { converted, convertedAtMs: AS_OF + 10 * 86_400_000 } : { converted });
  }
  return analyzer.finish();
}

describe("health warnings", () => {
  const analysis = analyse(MODEL);
  const codes = analysis.warnings.map((w) => `${w.code}${w.ruleId ? `:${w.ruleId}` : ""}`);

  it("says no lead reached hot", () => {
    expect(codes).toContain("no-hot");
    expect(analysis.warnings.find((w) => w.code === "no-hot")!.text).toContain(
      "hot from 90; the highest score is 51",
    );
  });

  it("names rules that never fire, fire for everyone, or whose points disagree with their lift", () => {
    expect(codes).toContain("rule-never-fires:never");
    expect(codes).toContain("rule-fires-for-all:everyone");
    expect(codes).toContain("rule-sign:wrong-sign");
    expect(codes).not.toContain("rule-sign:good");
    const good = analysis.rules.rules.find((r) => r.id === "good")!;
    expect(good.liftInterval.low).toBeGreaterThan(1);
    expect(good.suggestedPoints).toBeGreaterThan(0);
    expect(analysis.rules.rules.find((r) => r.id === "wrong-sign")!.suggestedPoints).toBeLessThan(0);
  });

  it("counts ties at the maximum and ranks them by the points before the clamp", () => {
    const clamped = analyse(`${MODEL}\nscale: { min: 0, max: 20 }\n`);
    // a = yes or b = yes: 21, 31 or 51 points before the clamp, 20 after.
    expect(clamped.ties).toEqual({
      maximum: 20,
      atMaximum: 600,
      clamped: 600,
      unclampedLow: 21,
      unclampedHigh: 51,
    });
    const warning = clamped.warnings.find((w) => w.code === "ties-at-maximum")!;
    expect(warning.text).toContain("600 of 1,000 contacts score exactly 20");
    expect(warning.text).toContain("(21 to 51)");
    expect(clamped.warnings.map((w) => w.code)).toContain("one-band");
  });

  it("gives every conversion its median days and the MQL line", () => {
    const total = analysis.groupings.find((g) => g.id === "total")!;
    for (const cell of total.cells) if (cell.conversions > 0) expect(cell.medianDaysToConversion).toBe(10);
    expect(analysis.groupings.map((g) => g.id)).toEqual(["total", "dimension:fit", "temperature", "mql"]);
  });
});
