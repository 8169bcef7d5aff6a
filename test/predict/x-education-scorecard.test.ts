/**
 * The scorecard on real leads (X Education, leaky sales columns dropped), on a stratified 75/25
 * split with a fixed seed: how much ranking the integer points keep compared with the logistic
 * regression on the raw features, side by side with the hand-written rule model, and the
 * exported model file run by the real rule engine on the raw CSV rows.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluate as scoreContact } from "../../src/engine/index.js";
import { parseModel } from "../../src/model/parse.js";
import { takeRows } from "../../src/predict/dataset.js";
import { fitLogistic, predictLogistic } from "../../src/predict/logistic.js";
import { type Evaluation, evaluate } from "../../src/predict/metrics.js";
import {
  fitScorecard,
  type Scorecard,
  type ScorecardScores,
  scorecardToModelFile,
  scoreWithScorecard,
} from "../../src/predict/scorecard.js";
import { ROOT } from "../helpers/cli.js";
import { LEADS_MISSING_TOKENS, type Leads, leadsPresent, readLeads, stratifiedSplit } from "./leads.js";

const SEED = 20261122;

describe.skipIf(!leadsPresent)("scorecard on the X Education leads (stratified 75/25 holdout)", () => {
  let leads: Leads;
  let testRows: number[];
  let card: Scorecard;
  let scores: ScorecardScores;
  const results: Record<string, Evaluation> = {};

  beforeAll(() => {
    leads = readLeads();
    const split = stratifiedSplit(leads.dataset.label!, 0.25, SEED);
    testRows = split.test;
    const train = takeRows(leads.dataset, split.train);
    const test = takeRows(leads.dataset, split.test);
    const label = test.label!;
    card = fitScorecard(train);
    scores = scoreWithScorecard(card, test);
    const logistic = fitLogistic(train);
    const rules = parseModel(
      readFileSync(join(ROOT, "examples/x-education/model.yaml"), "utf8"),
      "model.yaml",
    );
    const ruleTotals = split.test.map(
      (i) => scoreContact(rules, leads.records[i], undefined, [], "2026-01-01").total,
    );
    results["logistic regression (raw features)"] = evaluate(predictLogistic(logistic, test), label, {
      probabilities: true,
    });
    results["scorecard, exact points"] = evaluate(scores.exactTotals, label);
    results["scorecard, integer points"] = evaluate(scores.totals, label);
    results["scorecard probability"] = evaluate(scores.probabilities, label, { probabilities: true });
    results["rule model (examples/x-education)"] = evaluate(ruleTotals, label);
    const lines = Object.entries(results).map(
      ([name, r]) =>
        `  ${name.padEnd(38)} ROC AUC ${r.rocAuc.toFixed(4)}  PR AUC ${r.prAuc.toFixed(4)}  top-decile lift ${r.deciles[0].lift.toFixed(2)}` +
        (r.brier === undefined ? "" : `  Brier ${r.brier.toFixed(4)}  log loss ${r.logLoss!.toFixed(4)}`),
    );
    console.info(
      `x-education holdout (${test.rows} leads, ${label.reduce((a, b) => a + b, 0)} converted):\n${lines.join("\n")}`,
    );
    console.info(
      `scorecard: ${card.features.filter((f) => f.maxPoints > 0).length} of ${card.features.length} features carry points; ` +
        card.features
          .filter((f) => f.maxPoints > 0)
          .sort((a, b) => b.maxPoints - a.maxPoints)
          .map((f) => `${f.feature} ${f.maxPoints}`)
          .join(", "),
    );
  });

  it("ranks the holdout almost as well as the logistic regression on the raw features", () => {
    const logistic = results["logistic regression (raw features)"].rocAuc;
    expect(results["scorecard, integer points"].rocAuc).toBeGreaterThan(logistic - 0.02);
  });

  it("loses less than 0.005 ROC AUC by rounding the points to integers", () => {
    const exact = results["scorecard, exact points"].rocAuc;
    expect(Math.abs(results["scorecard, integer points"].rocAuc - exact)).toBeLessThan(0.005);
  });

  it("ranks better than the hand-written rules, which do not learn from the outcome", () => {
    expect(results["scorecard, integer points"].rocAuc).toBeGreaterThan(
      results["rule model (examples/x-education)"].rocAuc,
    );
  });

  it("maps totals to calibrated probabilities: every well-filled bin within 0.1 of its observed rate", () => {
    for (const bin of results["scorecard probability"].calibration!) {
      if (bin.rows >= 50) expect(Math.abs(bin.meanPredicted - bin.observedRate)).toBeLessThan(0.1);
    }
  });

  it("exports a model file whose totals the rule engine reproduces on every raw holdout row", () => {
    const text = scorecardToModelFile(card, {
      name: "X Education scorecard",
      missingTokens: LEADS_MISSING_TOKENS,
    });
    const model = parseModel(text, "scorecard.yaml");
    let differences = 0;
    testRows.forEach((row, k) => {
      const total = scoreContact(model, leads.records[row], undefined, [], "2026-01-01").total;
      if (total !== scores.totals[k]) differences++;
    });
    expect(differences).toBe(0);
    expect(scores.totals.some((t) => t !== scores.totals[0])).toBe(true);
  });
});
