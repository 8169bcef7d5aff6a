import { describe, expect, it } from "vitest";
import { monotonicity } from "./band-report.js";
import { CellCounter, cellReport, DayHistogram } from "./cells.js";
import { logOddsRatio, riskRatio, wilsonInterval } from "./intervals.js";
import { adviseThreshold, ScoreHistogram, thresholdCurve } from "./thresholds.js";

describe("Wilson interval", () => {
  it("matches hand-computed bounds", () => {
    // 0 of 10: upper bound z²/n / (1 + z²/n) = 0.384146 / 1.384146.
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeCloseTo(0.277533, 6);
    // 5 of 10: centre 0.5, half-width z/(1+z²/n)·√(0.025 + z²/400) = 0.263407.
    expect(wilsonInterval(5, 10).low).toBeCloseTo(0.236593, 6);
    expect(wilsonInterval(5, 10).high).toBeCloseTo(0.763407, 6);
    expect(wilsonInterval(81, 263).low).toBeCloseTo(0.255289, 6);
    expect(wilsonInterval(81, 263).high).toBeCloseTo(0.36621, 5);
  });

  it("is [0, 1] with no contacts and ends at 1 when all convert", () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
    expect(wilsonInterval(10, 10).high).toBe(1);
    expect(wilsonInterval(10, 10).low).toBeCloseTo(0.722467, 6);
  });
});

describe("ratio of two rates", () => {
  it("gives Katz's interval of a risk ratio of 2", () => {
    // 20/100 against 10/100: ln 2 ± z·√(1/20 − 1/100 + 1/10 − 1/100) = ln 2 ± z·0.360555.
    const rr = riskRatio({ a: 20, n1: 100, c: 10, n2: 100 });
    expect(rr.value).toBeCloseTo(2, 10);
    expect(rr.interval.low).toBeCloseTo(0.986563, 5);
    expect(rr.interval.high).toBeCloseTo(4.054479, 5);
  });

  it("gives Woolf's log odds ratio", () => {
    // odds 20/80 against 10/90: ln(20·90 / (80·10)) = ln 2.25.
    const lor = logOddsRatio({ a: 20, n1: 100, c: 10, n2: 100 });
    expect(lor.value).toBeCloseTo(Math.log(2.25), 10);
    expect(lor.standardError).toBeCloseTo(Math.sqrt(1 / 20 + 1 / 80 + 1 / 10 + 1 / 90), 10);
  });

  it("stays defined when a group has no conversion (half a count added)", () => {
    const rr = riskRatio({ a: 0, n1: 50, c: 10, n2: 100 });
    expect(rr.value).toBeCloseTo(0.5 / 51 / (10.5 / 101), 10);
    expect(rr.interval.low).toBeGreaterThan(0);
    expect(riskRatio({ a: 0, n1: 0, c: 1, n2: 2 }).value).toBeNaN();
  });
});

describe("threshold curve and advice", () => {
  // Four contacts at 10 (no conversion), three at 50 (one), two at 80 (both), one weekly period,
  // and a disqualified converter that no threshold catches.
  const histogram = new ScoreHistogram();
  for (let i = 0; i < 4; i++) histogram.add(10.4, false);
  for (let i = 0; i < 3; i++) histogram.add(50.9, i === 0);
  for (let i = 0; i < 2; i++) histogram.add(80, true);
  histogram.add(95, true, false);
  const curve = thresholdCurve(histogram, 7);
  const at = (t: number) => curve.points.find((p) => p.threshold === t)!;

  it("counts the contacts at or above each whole threshold", () => {
    expect(curve.points.map((p) => p.threshold)).toEqual(Array.from({ length: 71 }, (_, i) => 10 + i));
    expect(at(10)).toMatchObject({ mqls: 9, mqlsPerWeek: 9, conversions: 3, shareCaught: 0.75 });
    expect(at(11)).toMatchObject({ mqls: 5, conversions: 3, rate: 0.6 });
    expect(at(50)).toMatchObject({ mqls: 5, conversions: 3 });
    expect(at(51)).toMatchObject({ mqls: 2, conversions: 2, rate: 1, shareCaught: 0.5 });
    expect(curve).toMatchObject({ eligible: 9, conversions: 4 });
  });

  it("picks the lowest threshold within a weekly capacity", () => {
    expect(adviseThreshold(curve, { kind: "capacity", perWeek: 5 }).threshold).toBe(11);
    expect(adviseThreshold(thresholdCurve(histogram, 14), { kind: "capacity", perWeek: 2.5 }).threshold).toBe(
      11,
    );
    const none = adviseThreshold(curve, { kind: "capacity", perWeek: 1 });
    expect(none.threshold).toBeNull();
    expect(none.text).toContain("even at 80");
  });

  it("picks the lowest threshold whose MQLs convert at the rate asked", () => {
    expect(adviseThreshold(curve, { kind: "minConversion", rate: 0.6 }).threshold).toBe(11);
    expect(adviseThreshold(curve, { kind: "minConversion", rate: 0.7 }).threshold).toBe(51);
  });

  it("picks the highest threshold that still catches the share of customers", () => {
    const advice = adviseThreshold(curve, { kind: "catch", share: 0.75 });
    expect(advice.threshold).toBe(50);
    expect(advice.text).toContain("threshold 50");
    expect(adviseThreshold(curve, { kind: "catch", share: 0.8 }).threshold).toBeNull();
  });
});

describe("cells and monotonicity", () => {
  it("takes the lower median of whole days", () => {
    const days = new DayHistogram(91);
    for (const d of [3.2, 10.9, 4.5, 60, 200]) days.add(d);
    expect(days.median()).toBe(10);
    days.add(2);
    expect(days.median()).toBe(4);
  });

  const cell = (key: string, contacts: number, conversions: number) => {
    const counter = new CellCounter(10);
    for (let i = 0; i < contacts; i++) counter.add(i < conversions, 1);
    return cellReport(key, counter, 1000, 0.1);
  };

  it("says which neighbouring bands convert alike, and a lower band converting more", () => {
    const result = monotonicity(
      [
        cell("0-20", 400, 8),
        cell("21-40", 300, 30),
        cell("41-60", 200, 24),
        cell("61-80", 100, 2),
        cell("81-100", 0, 0),
      ],
      "band",
    )!;
    expect(result.pairs.map((p) => p.kind)).toEqual(["rises", "alike", "falls"]);
    expect(result.pairs[1].text).toBe(
      "bands 21-40 and 41-60 convert alike (10.0% and 12.0%; their 95% intervals overlap)",
    );
    expect(result.pairs[2].text).toContain("a lower band converting more");
    expect(result.summary).toBe("not monotonic: 41-60 converts more than 61-80");
  });

  it("reports lift over the base rate", () => {
    const report = cell("81-100", 100, 30);
    expect(report.lift).toBeCloseTo(3, 10);
    expect(report.share).toBe(0.1);
    expect(report.liftInterval.low).toBeCloseTo(wilsonInterval(30, 100).low / 0.1, 10);
  });
});
