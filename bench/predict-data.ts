/**
 * A seeded synthetic conversion table for the predictive benchmarks and the reference
 * comparison with scikit-learn: 30 features (18 numeric, 6 counts, 6 categorical), half of
 * them informative in different shapes (linear, logarithmic, a step, a hump, an interaction,
 * informative missingness, per-category effects), the rest noise, with missing values in
 * several columns. Conversion is drawn from the logistic of the sum of the effects.
 */

import { parse } from "csv-parse/sync";
import type { CategoricalColumn, Dataset, FeatureColumn, NumericColumn } from "../src/predict/dataset.js";
import { Random, sigmoid, type WeightedTable, weightedTable } from "../src/random/random.js";

const NUMERIC = 18;
const COUNTS = 6;
const CATEGORY_SIZES = [5, 12, 40, 3, 8, 100];
/** Share of missing values per numeric column (index → share). */
const NUMERIC_MISSING: Record<number, number> = { 1: 0.1, 6: 0.2, 10: 0.15, 13: 0.05 };
const CATEGORY_MISSING = [0.05, 0, 0.1, 0, 0.02, 0];

const name = (prefix: string, i: number) => `${prefix}_${String(i).padStart(2, "0")}`;

function categoryTables(random: Random): { table: WeightedTable<number>; effects: Float64Array }[] {
  return CATEGORY_SIZES.map((size, c) => {
    // Zipf-like frequencies: a few common categories and a long tail, as CRM fields have.
    const table = weightedTable(Array.from({ length: size }, (_, k) => [k, 1 / (k + 1)] as const));
    const effects = new Float64Array(size);
    if (c === 0) effects.set([-1, -0.3, 0, 0.4, 1.2]);
    else if (c === 1) for (let k = 0; k < size; k++) effects[k] = random.normal(0, 0.5);
    else if (c === 2) for (let k = 0; k < size; k++) effects[k] = random.normal(0, 0.4);
    return { table, effects };
  });
}

/** `rows` rows drawn with `seed`; the same arguments give the same table. */
export function syntheticLeads(rows: number, seed: number): Dataset {
  const random = new Random(seed, 0x70726564);
  const categories = categoryTables(random);
  const numeric = Array.from({ length: NUMERIC }, () => new Float64Array(rows));
  const counts = Array.from({ length: COUNTS }, () => new Float64Array(rows));
  const codes = CATEGORY_SIZES.map(() => new Int32Array(rows));
  const label = new Uint8Array(rows);
  const x = new Float64Array(NUMERIC);
  const k = new Float64Array(COUNTS);
  for (let row = 0; row < rows; row++) {
    x[0] = random.normal();
    x[1] = random.logNormal(50, 1);
    x[2] = random.uniform();
    x[3] = random.normal();
    x[4] = random.normal();
    x[5] = random.normal();
    x[6] = random.normal(10, 3);
    x[7] = random.exponential(10);
    for (let i = 8; i < NUMERIC; i++) x[i] = i % 2 === 0 ? random.normal(0, 5) : random.uniform(-100, 100);
    k[0] = random.poisson(2);
    k[1] = random.poisson(0.5);
    k[2] = random.poisson(5);
    for (let i = 3; i < COUNTS; i++) k[i] = random.poisson(1 + i);
    let logit = -1.3 + 0.8 * x[0] + (x[2] > 0.7 ? 1 : 0) + 0.4 - 0.4 * x[3] * x[3] + 0.5 * x[4] * x[5];
    logit += -0.05 * Math.min(x[7], 40) + 0.3 * Math.min(k[0], 6) + (k[1] > 0 ? 0.7 : 0) + 0.05 * k[2];
    for (let i = 0; i < NUMERIC; i++) {
      const missing = random.chance(NUMERIC_MISSING[i] ?? 0);
      numeric[i][row] = missing ? Number.NaN : x[i];
      if (i === 1) logit += missing ? 0.5 : 0.6 * Math.log(x[1] / 50);
      if (i === 6 && !missing) logit += 0.3 * (x[6] - 10);
    }
    for (let i = 0; i < COUNTS; i++) counts[i][row] = k[i];
    categories.forEach(({ table, effects }, c) => {
      const code = random.pickWeighted(table);
      const missing = random.chance(CATEGORY_MISSING[c]);
      codes[c][row] = missing ? -1 : code;
      if (!missing) logit += effects[code];
    });
    label[row] = random.chance(sigmoid(logit)) ? 1 : 0;
  }
  const features: FeatureColumn[] = [
    ...numeric.map((values, i): NumericColumn => ({ kind: "numeric", name: name("num", i), values })),
    ...counts.map((values, i): NumericColumn => ({ kind: "numeric", name: name("cnt", i), values })),
    ...codes.map(
      (column, c): CategoricalColumn => ({
        kind: "categorical",
        name: name("cat", c),
        levels: Array.from({ length: CATEGORY_SIZES[c] }, (_, level) => `L${String(level).padStart(3, "0")}`),
        codes: column,
      }),
    ),
  ];
  return { rows, features, label };
}

/**
 * The table as CSV text (header, then one line per row; a missing value is an empty field and
 * numbers are written in their shortest exact form, so Python reads the same doubles).
 */
export function datasetToCsv(dataset: Dataset, labelName = "converted"): string {
  const header = [...dataset.features.map((column) => column.name), labelName].join(",");
  const lines = [header];
  const cells: string[] = [];
  for (let row = 0; row < dataset.rows; row++) {
    cells.length = 0;
    for (const column of dataset.features) {
      if (column.kind === "numeric") {
        const v = column.values[row];
        cells.push(Number.isNaN(v) ? "" : String(v));
      } else {
        const code = column.codes[row];
        cells.push(code < 0 ? "" : column.levels[code]);
      }
    }
    cells.push(String(dataset.label?.[row] ?? ""));
    lines.push(cells.join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** The synthetic table of the scikit-learn reference (bench/reference/synthetic-hgb.json). */
export const REFERENCE_SYNTHETIC = { rows: 20_000, seed: 7 } as const;

const MISSING = new Set(["", "Select"]);

/**
 * CSV text to a Dataset as the scikit-learn reference reads it (bench/reference/): empty or
 * "Select" is missing, all-number columns numeric, the rest categorical with levels sorted.
 */
export function readTable(text: string, label: string, exclude: readonly string[]): Dataset {
  const records: string[][] = parse(text, { bom: true, relaxColumnCount: false });
  const [header, ...body] = records;
  const features: FeatureColumn[] = [];
  let labels: Uint8Array | undefined;
  header.forEach((name, j) => {
    const raw = body.map((record) => record[j].trim());
    if (name === label) labels = Uint8Array.from(raw, Number);
    if (name === label || exclude.includes(name)) return;
    const present = raw.filter((v) => !MISSING.has(v));
    if (present.every((v) => Number.isFinite(Number(v)))) {
      const values = Float64Array.from(raw, (v) => (MISSING.has(v) ? Number.NaN : Number(v)));
      features.push({ kind: "numeric", name, values });
      return;
    }
    const levels = [...new Set(present)].sort();
    const code = new Map(levels.map((level, i) => [level, i]));
    features.push({
      kind: "categorical",
      name,
      levels,
      codes: Int32Array.from(raw, (v) => code.get(v) ?? -1),
    });
  });
  return { rows: body.length, features, label: labels };
}
