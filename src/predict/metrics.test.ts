import { describe, expect, it } from "vitest";
import {
  averagePrecision,
  brierScore,
  calibrationTable,
  deciles,
  evaluate,
  LOG_LOSS_EPSILON,
  logLoss,
  rocAuc,
} from "./metrics.js";

// The fixed vectors of bench/reference/metrics.py and what scikit-learn 1.2.1 computed on them
// (`/usr/bin/python3 bench/reference/metrics.py`).
const SCORES = [
  0.95, 0.9, 0.9, 0.8, 0.7, 0.7, 0.7, 0.65, 0.5, 0.4, 0.4, 0.35, 0.3, 0.2, 0.2, 0.2, 0.1, 0.05, 0.0, 1.0,
];
const LABELS = [1, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 1];
const TOTALS = [80, 60, 60, 45, 45, 45, 30, 30, 30, 30, 10, 10, 0, 0, 0, 95, 60, 45, 10, 0];
const TOTAL_LABELS = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1];
const SKLEARN = {
  rocAuc: 0.7575757575757576,
  averagePrecision: 0.7250933706816061,
  brier: 0.2085,
  logLoss: 0.5922592002381534,
  totalsRocAuc: 0.7135416666666666,
  totalsAveragePrecision: 0.6818242521367521,
  calibration5Uniform: {
    observed: [0.16666666666666666, 0.5, 0.0, 0.6, 0.75],
    predicted: [0.12500000000000003, 0.3625, 0.5, 0.7100000000000001, 0.9375],
  },
  calibration5Quantile: {
    observed: [0.16666666666666666, 0.5, 0.5, 0.5, 0.75],
    predicted: [0.12500000000000003, 0.32499999999999996, 0.48749999999999993, 0.7250000000000001, 0.9375],
  },
};

describe("ROC AUC", () => {
  it("is 1 for a perfect ranking, 0 for a reversed one and 0.5 when every score ties", () => {
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0])).toBe(1);
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [1, 1, 0, 0])).toBe(0);
    expect(rocAuc([5, 5, 5, 5], [1, 0, 1, 0])).toBe(0.5);
  });

  it("counts a tie between a converter and a non-converter as half a win", () => {
    // Pairs (pos, neg): (3,1) win, (3,3) tie, (2,1) win, (2,3) loss -> 2.5 / 4.
    expect(rocAuc([3, 2, 1, 3], [1, 1, 0, 0])).toBe(0.625);
  });

  it("matches scikit-learn's roc_auc_score on probabilities and on tied rule totals", () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
    expect(rocAuc(SCORES, LABELS)).toBeCloseTo(SKLEARN.rocAuc, 14);
    expect(rocAuc(TOTALS, TOTAL_LABELS)).toBeCloseTo(SKLEARN.totalsRocAuc, 14);
  });

  it("does not depend on row order", () => {
    const order = SCORES.map((_, i) => i).reverse();
    expect(
      rocAuc(
        order.map((i) => SCORES[i]),
        order.map((i) => LABELS[i]),
      ),
    ).toBeCloseTo(SKLEARN.rocAuc, 14);
  });

  it("is NaN when the labels hold one class only", () => {
    expect(rocAuc([0.2, 0.4], [1, 1])).toBeNaN();
  });
});

describe("average precision", () => {
  it("matches scikit-learn's average_precision_score", () => {
    // By hand: thresholds 0.8 (P=1, R=0.5), 0.4 (P=1/2, R=0.5), 0.35 (P=2/3, R=1) -> 0.5 + 1/3.
    expect(averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 15);
    expect(averagePrecision(SCORES, LABELS)).toBeCloseTo(SKLEARN.averagePrecision, 14);
    expect(averagePrecision(TOTALS, TOTAL_LABELS)).toBeCloseTo(SKLEARN.totalsAveragePrecision, 14);
  });

  it("is the share of converters when every score ties", () => {
    expect(averagePrecision([1, 1, 1, 1], [1, 0, 0, 0])).toBe(0.25);
  });
});

describe("Brier score and log loss", () => {
  it("computes the mean squared error of the probabilities", () => {
    expect(brierScore([0.1, 0.9, 0.8, 0.3], [0, 1, 1, 0])).toBeCloseTo(0.0375, 15);
    expect(brierScore(SCORES, LABELS)).toBeCloseTo(SKLEARN.brier, 14);
  });

  it("gives ln 2 for coin-flip predictions and matches scikit-learn with clipping", () => {
    expect(logLoss([0.5, 0.5], [0, 1])).toBeCloseTo(Math.LN2, 15);
    expect(logLoss(SCORES, LABELS)).toBeCloseTo(SKLEARN.logLoss, 13);
  });

  it("clips a confident wrong prediction instead of returning infinity", () => {
    expect(logLoss([0], [1])).toBeCloseTo(-Math.log(LOG_LOSS_EPSILON), 10);
  });
});

describe("deciles", () => {
  const scores = Array.from({ length: 20 }, (_, i) => 20 - i); // row 0 scores highest
  const labels = scores.map((_, i) => (i < 4 || i === 10 ? 1 : 0)); // 5 converters: 25%

  it("puts the top 10% by score in decile 1, with conversion rate and lift", () => {
    const table = deciles(scores, labels);
    expect(table.map((d) => d.rows)).toEqual(Array(10).fill(2));
    expect(table.map((d) => d.converted)).toEqual([2, 2, 0, 0, 0, 1, 0, 0, 0, 0]);
    expect(table[0]).toMatchObject({ conversionRate: 1, lift: 4, minScore: 19, maxScore: 20 });
    expect(table[1].cumulativeCapture).toBeCloseTo(0.8, 15);
    expect(table[1].cumulativeLift).toBeCloseTo(4, 15);
    expect(table[9].cumulativeCapture).toBe(1);
    expect(table[9].cumulativeLift).toBeCloseTo(1, 15);
  });

  it("splits uneven counts into groups differing by at most one row", () => {
    const table = deciles(
      new Array(23).fill(0).map((_, i) => i),
      new Array(23).fill(0).map((_, i) => i % 2),
    );
    expect(table.reduce((a, d) => a + d.rows, 0)).toBe(23);
    expect(Math.max(...table.map((d) => d.rows)) - Math.min(...table.map((d) => d.rows))).toBe(1);
  });

  it("keeps equal scores in row order, so the same input always gives the same table", () => {
    const table = deciles(new Array(10).fill(50), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(table.map((d) => d.converted)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe("calibration table", () => {
  const nonEmpty = (table: ReturnType<typeof calibrationTable>) => table.filter((bin) => bin.rows > 0);

  it("matches scikit-learn's calibration_curve with uniform bins", () => {
    const table = calibrationTable(SCORES, LABELS, 5, "uniform");
    expect(table.map((bin) => bin.rows)).toEqual([6, 4, 1, 5, 4]);
    nonEmpty(table).forEach((bin, k) => {
      expect(bin.observedRate).toBeCloseTo(SKLEARN.calibration5Uniform.observed[k], 14);
      expect(bin.meanPredicted).toBeCloseTo(SKLEARN.calibration5Uniform.predicted[k], 14);
    });
  });

  it("matches scikit-learn's calibration_curve with quantile bins", () => {
    const table = calibrationTable(SCORES, LABELS, 5, "quantile");
    expect(nonEmpty(table)).toHaveLength(5);
    nonEmpty(table).forEach((bin, k) => {
      expect(bin.observedRate).toBeCloseTo(SKLEARN.calibration5Quantile.observed[k], 14);
      expect(bin.meanPredicted).toBeCloseTo(SKLEARN.calibration5Quantile.predicted[k], 14);
    });
  });

  it("keeps empty bins so the table has one line per bin", () => {
    const table = calibrationTable([0.05, 0.95], [0, 1], 10);
    expect(table).toHaveLength(10);
    expect(table[4]).toMatchObject({ rows: 0 });
    expect(table[4].observedRate).toBeNaN();
  });
});

describe("evaluate", () => {
  it("gives probabilities every metric", () => {
    const result = evaluate(SCORES, LABELS, { probabilities: true, calibrationBins: 5 });
    expect(result).toMatchObject({ rows: 20, converted: 9 });
    expect(result.rocAuc).toBeCloseTo(SKLEARN.rocAuc, 14);
    expect(result.prAuc).toBeCloseTo(SKLEARN.averagePrecision, 14);
    expect(result.brier).toBeCloseTo(SKLEARN.brier, 14);
    expect(result.logLoss).toBeCloseTo(SKLEARN.logLoss, 13);
    expect(result.calibration).toHaveLength(5);
    expect(result.deciles).toHaveLength(10);
  });

  it("gives a rule-based total the ranking metrics only", () => {
    const result = evaluate(TOTALS, TOTAL_LABELS);
    expect(result.rocAuc).toBeCloseTo(SKLEARN.totalsRocAuc, 14);
    expect(result.brier).toBeUndefined();
    expect(result.logLoss).toBeUndefined();
    expect(result.calibration).toBeUndefined();
  });

  it("refuses scores outside [0, 1] said to be probabilities, naming the row", () => {
    expect(() => evaluate(TOTALS, TOTAL_LABELS, { probabilities: true })).toThrow(/score 0 is 80/);
  });
});
