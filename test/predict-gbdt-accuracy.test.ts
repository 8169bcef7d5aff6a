/**
 * Holdout ROC AUC of our boosted trees against scikit-learn's HistGradientBoostingClassifier
 * (default settings) on exactly the same split: the real X Education leads, with and without
 * the columns the sales team fills in after contact, and the seeded synthetic table. The
 * reference figures and test rows were written by bench/reference/hgb_reference.py
 * (scikit-learn 1.2.1) into bench/reference/*-hgb.json; the CSV is read by the same rules.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { datasetToCsv, REFERENCE_SYNTHETIC, readTable, syntheticLeads } from "../bench/predict-data.js";
import { type Dataset, takeRows } from "../src/predict/dataset.js";
import { predictProbability, trainGbdt } from "../src/predict/gbdt/index.js";
import { ROOT, rocAuc } from "./helpers/cli.js";

const LEADS = join(ROOT, "../shared/data/x-education-leads/Leads.csv");

interface Reference {
  figures: Record<string, { rocAuc: number; columns?: number }> & { rocAuc?: number };
  excluded?: string[];
  salesFilled?: string[];
  rows: number;
  testRows: number[];
}

const reference = (name: string): Reference =>
  JSON.parse(readFileSync(join(ROOT, `bench/reference/${name}-hgb.json`), "utf8"));

function holdoutAuc(data: Dataset, testRows: number[]): number {
  const test = new Set(testRows);
  const trainRows = Array.from({ length: data.rows }, (_, i) => i).filter((i) => !test.has(i));
  const model = trainGbdt(takeRows(data, trainRows));
  const holdout = takeRows(data, testRows);
  return rocAuc([...predictProbability(model, holdout)], [...holdout.label!]);
}

const leadsPresent = existsSync(LEADS);
if (!leadsPresent) console.warn(`GBDT accuracy on X Education skipped: ${LEADS} is absent`);

describe.skipIf(!leadsPresent)("boosted trees on X Education leads vs scikit-learn", () => {
  const ref = reference("x-education");
  const text = leadsPresent ? readFileSync(LEADS, "utf8") : "";

  it("matches scikit-learn's holdout ROC AUC within 0.01 with every column but the identifiers", () => {
    const data = readTable(text, "Converted", ref.excluded!);
    expect(data.rows).toBe(ref.rows);
    expect(data.features).toHaveLength(ref.figures.allColumns.columns!);
    const auc = holdoutAuc(data, ref.testRows);
    console.info(
      `x-education, all columns: ours ${auc.toFixed(6)}, scikit-learn ${ref.figures.allColumns.rocAuc}`,
    );
    expect(Math.abs(auc - ref.figures.allColumns.rocAuc)).toBeLessThanOrEqual(0.01);
  });

  it("matches it within 0.01 without the columns the sales team fills in", () => {
    const data = readTable(text, "Converted", [...ref.excluded!, ...ref.salesFilled!]);
    expect(data.features).toHaveLength(ref.figures.withoutSalesFilled.columns!);
    const auc = holdoutAuc(data, ref.testRows);
    console.info(
      `x-education, fair columns: ours ${auc.toFixed(6)}, scikit-learn ${ref.figures.withoutSalesFilled.rocAuc}`,
    );
    expect(Math.abs(auc - ref.figures.withoutSalesFilled.rocAuc)).toBeLessThanOrEqual(0.01);
  });
});

describe("boosted trees on the synthetic table vs scikit-learn", () => {
  it("matches scikit-learn's holdout ROC AUC within 0.01 (early stopping on: 15,000 training rows)", () => {
    const ref = reference("synthetic");
    const generated = syntheticLeads(REFERENCE_SYNTHETIC.rows, REFERENCE_SYNTHETIC.seed);
    // Read back through CSV, as scikit-learn did, so both sides see the same parsed table.
    const data = readTable(datasetToCsv(generated), "converted", []);
    expect(data.rows).toBe(ref.rows);
    const auc = holdoutAuc(data, ref.testRows);
    console.info(`synthetic: ours ${auc.toFixed(6)}, scikit-learn ${ref.figures.rocAuc}`);
    expect(Math.abs(auc - ref.figures.rocAuc!)).toBeLessThanOrEqual(0.01);
  });
});
