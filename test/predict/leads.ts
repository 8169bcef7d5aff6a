/**
 * Test-only reader of the X Education leads (a real CRM export) into a Dataset, independent of
 * the product's CSV loader: a cell is missing when it is empty or the form placeholder
 * "Select"; a column is numeric when every other cell reads as a number, categorical otherwise
 * (levels in order of first appearance). bench/reference/x_education.py reads the file the same
 * way for the scikit-learn reference figures.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import type { Dataset, FeatureColumn } from "../../src/predict/dataset.js";
import { Random } from "../../src/random/random.js";
import { ROOT } from "../helpers/cli.js";

export const LEADS_CSV = join(ROOT, "../shared/data/x-education-leads/Leads.csv");
export const leadsPresent = existsSync(LEADS_CSV);
if (!leadsPresent) console.warn(`X Education tests skipped: the data file ${LEADS_CSV} is absent`);

/** Identifiers, and the columns the sales team fills in after a call (they leak the outcome). */
export const LEADS_DROPPED = [
  "Prospect ID",
  "Lead Number",
  "Tags",
  "Lead Quality",
  "Lead Profile",
  "Asymmetrique Activity Index",
  "Asymmetrique Profile Index",
  "Asymmetrique Activity Score",
  "Asymmetrique Profile Score",
];
export const LEADS_LABEL = "Converted";
/** Texts read as missing: the placeholder of an unanswered dropdown. */
export const LEADS_MISSING_TOKENS = ["Select"];

const isMissing = (cell: string) => cell.trim() === "" || LEADS_MISSING_TOKENS.includes(cell);

function column(name: string, cells: string[]): FeatureColumn {
  const present = cells.filter((cell) => !isMissing(cell));
  if (present.every((cell) => Number.isFinite(Number(cell)))) {
    const values = Float64Array.from(cells, (cell) => (isMissing(cell) ? Number.NaN : Number(cell)));
    return { kind: "numeric", name, values };
  }
  const levels: string[] = [];
  const index = new Map<string, number>();
  const codes = Int32Array.from(cells, (cell) => {
    if (isMissing(cell)) return -1;
    let code = index.get(cell);
    if (code === undefined) {
      code = levels.length;
      levels.push(cell);
      index.set(cell, code);
    }
    return code;
  });
  return { kind: "categorical", name, levels, codes };
}

export interface Leads {
  dataset: Dataset;
  /** The raw CSV rows, header to text, as the rule engine reads them. */
  records: Record<string, string>[];
}

export function readLeads(): Leads {
  const records: Record<string, string>[] = parse(readFileSync(LEADS_CSV, "utf8"), {
    columns: true,
    bom: true,
  });
  const names = Object.keys(records[0]).filter(
    (name) => name !== LEADS_LABEL && !LEADS_DROPPED.includes(name),
  );
  const features = names.map((name) =>
    column(
      name,
      records.map((record) => record[name]),
    ),
  );
  const label = Uint8Array.from(records, (record) => (record[LEADS_LABEL] === "1" ? 1 : 0));
  return { dataset: { rows: records.length, features, label }, records };
}

/**
 * Stratified split: each class shuffled with a seeded generator (Fisher-Yates), the first
 * `testShare` of each class to the holdout. Indices come back in row order.
 */
export function stratifiedSplit(labels: Uint8Array, testShare: number, seed: number) {
  const random = new Random(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const members: number[] = [];
    labels.forEach((label, i) => {
      if (label === cls) members.push(i);
    });
    for (let i = members.length - 1; i > 0; i--) {
      const j = random.int(0, i);
      [members[i], members[j]] = [members[j], members[i]];
    }
    const testCount = Math.round(members.length * testShare);
    test.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  const ascending = (a: number, b: number) => a - b;
  return { train: train.sort(ascending), test: test.sort(ascending) };
}
