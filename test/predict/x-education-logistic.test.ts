/**
 * The logistic regression on real leads (X Education, 9,237 rows, ~175 design columns) against
 * scikit-learn on the same design matrix: bench/reference/logistic.py fitted it once on every
 * row (leaky sales columns dropped) and wrote bench/reference/logistic-sklearn.json.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { fitLogistic, type LogisticModel, predictLogistic } from "../../src/predict/logistic.js";
import { ROOT } from "../helpers/cli.js";
import { type Leads, leadsPresent, readLeads } from "./leads.js";

interface SolverResult {
  intercept: number;
  coefficients: Record<string, number>;
  firstProbabilities: number[];
}
const REFERENCE: { xEducation: { l2: number; lbfgs: SolverResult; "newton-cholesky": SolverResult } } =
  JSON.parse(readFileSync(join(ROOT, "bench/reference/logistic-sklearn.json"), "utf8"));

describe.skipIf(!leadsPresent)("logistic regression on the X Education leads", () => {
  let leads: Leads;
  let model: LogisticModel;

  beforeAll(() => {
    leads = readLeads();
    model = fitLogistic(leads.dataset, { l2: REFERENCE.xEducation.l2 });
  });

  it("builds the same design columns as the scikit-learn reference", () => {
    const want = Object.keys(REFERENCE.xEducation["newton-cholesky"].coefficients);
    expect(model.names).toEqual(want);
  });

  it("converges in a few Newton steps to scikit-learn's optimum (newton-cholesky), within 1e-6", () => {
    const want = REFERENCE.xEducation["newton-cholesky"];
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThan(20);
    expect(model.intercept).toBeCloseTo(want.intercept, 6);
    let largest = 0;
    model.names.forEach((name, j) => {
      largest = Math.max(largest, Math.abs(model.coefficients[j] - want.coefficients[name]));
    });
    console.info(
      `x-education logistic: largest coefficient difference to scikit-learn = ${largest.toExponential(2)}`,
    );
    expect(largest).toBeLessThan(1e-6);
  });

  it("predicts the probabilities of scikit-learn's lbfgs fit within 1e-3", () => {
    // lbfgs stops early (see bench/reference/logistic.py) and splits the constant columns' share
    // with the intercept differently, so its coefficients differ; its probabilities barely do.
    const probabilities = predictLogistic(model, leads.dataset);
    REFERENCE.xEducation.lbfgs.firstProbabilities.forEach((p, i) => {
      expect(Math.abs(probabilities[i] - p)).toBeLessThan(1e-3);
    });
    REFERENCE.xEducation["newton-cholesky"].firstProbabilities.forEach((p, i) => {
      expect(probabilities[i]).toBeCloseTo(p, 8);
    });
  });
});
