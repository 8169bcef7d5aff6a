/**
 * The analysis on the demo generator, whose contacts convert by construction more often when
 * their latent quality is high (which drives their fit and behaviour): the known answers are
 * that higher bands convert more and that a rule on a random property gets no lift.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../demo/generator.js";
import type { DemoCompany } from "../demo/types.js";
import { compileModel } from "../engine/index.js";
import { parseModel } from "../model/parse.js";
import { type Model, modelSchema, toModelFile } from "../model/schema.js";
import { Random } from "../random/random.js";
import { type Analysis, Analyzer } from "./analyze.js";
import { conversionSchema, outcomeOf } from "./conversion.js";
import { adviseThreshold } from "./thresholds.js";

const TEMPLATE = new URL("../model/templates/b2b.yaml", import.meta.url);
const AS_OF = Date.parse("2026-08-01T00:00:00Z");
const coin = (index: number) => (new Random(42, 991, index).chance(0.5) ? "heads" : "tails");

/** The b2b template plus a rule on a coin toss, which cannot tell converters apart. */
function modelWithCoinRule(): Model {
  const file = toModelFile(parseModel(readFileSync(TEMPLATE, "utf8"), "b2b.yaml"));
  const fit = file.dimensions.find((d) => d.id === "fit")!;
  fit.rules.push({ id: "coin-heads", when: { field: "coin", equals: "heads" }, points: 10 });
  // Parsed again, so the new rule is tagged with its kind as every parsed rule is.
  return modelSchema.parse(file);
}

function analyseDemo(contacts: number): { analysis: Analysis; sameByEvent: boolean } {
  const demo = generateDemo({ seed: 7, contacts });
  const companies = new Map<string, DemoCompany>();
  for (const company of demo.companies()) companies.set(company.id, company);
  const model = modelWithCoinRule();
  const evaluator = compileModel(model);
  const byDate = conversionSchema.parse({ kind: "date", property: "convertedAt" });
  const byEvent = conversionSchema.parse({ kind: "event", eventType: "order" });
  const analyzer = new Analyzer(model, {
    asOfMs: AS_OF,
    horizonDays: 90,
    periodDays: 92,
    candidateProperties: ["coin2", "emailStatus"],
    candidateEventTypes: ["order"],
  });
  const builder = evaluator.newBatch({ keepIds: false });
  let sameByEvent = true;
  let index = 0;
  for (const { contact, events } of demo.contactsWithEvents()) {
    builder.reset();
    let firstOrderMs: number | undefined;
    for (const event of events) {
      const timeMs = Date.parse(event.timestamp);
      builder.add({ type: event.type, timeMs, properties: event as unknown as Record<string, unknown> });
      if (event.type === "order" && firstOrderMs === undefined) firstOrderMs = timeMs;
    }
    const properties = { ...contact, coin: coin(index), coin2: coin(index + 1_000_000) } as Record<
      string,
      unknown
    >;
    const facts = {
      property: (name: string) => properties[name],
      firstEventMs: (type: string) => (type === "order" ? firstOrderMs : undefined),
    };
    const outcome = outcomeOf(byDate, facts);
    if (JSON.stringify(outcome) !== JSON.stringify(outcomeOf(byEvent, facts))) sameByEvent = false;
    if ("problem" in outcome) throw new Error(outcome.problem);
    const batch = builder.build();
    const company = companies.get(contact.companyId);
    const result = evaluator.evaluateRange(properties, company as never, batch, 0, batch.size, AS_OF, {
      ledger: true,
    });
    const orderedBefore = firstOrderMs !== undefined && firstOrderMs <= AS_OF;
    analyzer.add(result, outcome, {
      properties: [properties.coin2, contact.emailStatus],
      events: [orderedBefore],
    });
    index++;
  }
  return { analysis: analyzer.finish(), sameByEvent };
}

describe("analysis of the demo data set", () => {
  let analysis: Analysis;
  let sameByEvent: boolean;
  beforeAll(() => {
    ({ analysis, sameByEvent } = analyseDemo(6000));
  });

  it("reads the same conversions from convertedAt and from the first order event", () => {
    expect(sameByEvent).toBe(true);
  });

  it("leaves out contacts converted before the as-of date and counts conversions within the horizon", () => {
    const { population } = analysis;
    expect(population.alreadyConverted).toBeGreaterThan(0);
    expect(population.contacts + population.alreadyConverted).toBe(6000);
    expect(population.conversions).toBeGreaterThan(60);
    expect(population.undatedConversions).toBe(0);
  });

  it("converts more in higher bands of the total", () => {
    const total = analysis.groupings.find((g) => g.id === "total")!;
    const rates = total.cells.filter((c) => c.contacts >= 30).map((c) => c.rate);
    expect(rates.length).toBeGreaterThanOrEqual(3);
    expect(rates.at(-1)!).toBeGreaterThan(3 * rates[0]);
    expect(total.monotonicity!.pairs.some((p) => p.kind === "falls")).toBe(false);
    const hot = analysis.groupings.find((g) => g.id === "temperature")!.cells.find((c) => c.key === "hot")!;
    expect(hot.lift).toBeGreaterThan(1);
    expect(hot.liftInterval.low).toBeGreaterThan(1);
  });

  it("finds no lift for a rule on a random property: its interval spans 1 and it gets 0 points", () => {
    const rule = analysis.rules.rules.find((r) => r.id === "coin-heads")!;
    expect(rule.firedShare).toBeGreaterThan(0.45);
    expect(rule.firedShare).toBeLessThan(0.55);
    expect(rule.liftInterval.low).toBeLessThan(1);
    expect(rule.liftInterval.high).toBeGreaterThan(1);
    expect(rule.significant).toBe(false);
    expect(rule.suggestedPoints).toBe(0);
    const candidate = analysis.rules.candidates.filter((c) => c.id.startsWith("coin2 = "));
    expect(candidate.map((c) => c.significant)).toEqual([false, false]);
  });

  it("measures a lift for rules that carry signal, and suggests points of their sign", () => {
    const meeting = analysis.rules.rules.find((r) => r.id === "meeting-booked")!;
    expect(meeting.liftInterval.low).toBeGreaterThan(1);
    expect(meeting.suggestedPoints).toBeGreaterThan(0);
    expect(analysis.rules.method).toContain("log odds ratio");
  });

  it("builds the threshold curve in the same pass and meets a capacity goal", () => {
    const { thresholds } = analysis;
    expect(thresholds.points[0].mqls).toBe(thresholds.eligible);
    const advice = adviseThreshold(thresholds, { kind: "capacity", perWeek: 30 });
    expect(advice.threshold).not.toBeNull();
    expect(advice.point!.mqlsPerWeek).toBeLessThanOrEqual(30);
    const below = thresholds.points.find((p) => p.threshold === advice.threshold! - 1);
    if (below) expect(below.mqlsPerWeek).toBeGreaterThan(30);
  });

  it("warns of ties at the maximum only with the points before the clamp", () => {
    const { ties } = analysis;
    if (ties.atMaximum > 0) expect(ties.unclampedHigh!).toBeGreaterThanOrEqual(100);
    const warning = analysis.warnings.find((w) => w.code === "ties-at-maximum");
    if (warning) expect(warning.text).toContain("computed from the ledger");
  });
});
