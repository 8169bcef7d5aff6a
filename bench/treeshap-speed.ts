/**
 * TreeSHAP throughput on the two tables the predict path meets: X Education (9,237 rows, every
 * column but the identifiers; skipped if ../shared/data is absent) and the seeded synthetic
 * 50,000 x 30 table of bench/predict-data.ts, each with 100 trees of 31 leaves (no early
 * stopping). Reports rows/s (median of three runs after a warm-up; one run on the larger
 * table) and the trees' depth. LEADS_CSV overrides the path of Leads.csv; --leads-only skips
 * the synthetic table.
 *
 * Standalone: npx tsc -p tsconfig.bench.json && node build-bench/bench/treeshap-speed.js
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Dataset } from "../src/predict/dataset.js";
import { trainGbdt } from "../src/predict/gbdt/boosting.js";
import { compileGbdt } from "../src/predict/gbdt/predict.js";
import { treeShapCompiled } from "../src/predict/treeshap.js";
import { readTable, syntheticLeads } from "./predict-data.js";

const EXCLUDED = ["Prospect ID", "Lead Number"];

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

/** Median seconds of `runs` runs (the first rows are explained once before, to warm up). */
function timeRuns(runs: number, work: () => void): number {
  const seconds: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    work();
    seconds.push((performance.now() - start) / 1000);
  }
  return seconds.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export interface ShapSpeed {
  table: string;
  rows: number;
  features: number;
  maxDepth: number;
  rowsPerSecond: number;
}

export function timeTreeShap(table: string, data: Dataset, runs: number): ShapSpeed {
  const model = trainGbdt(data, { earlyStopping: false });
  const c = compileGbdt(model, data);
  treeShapCompiled(c, Math.min(data.rows, 500));
  const rowsPerSecond = Math.round(data.rows / timeRuns(runs, () => treeShapCompiled(c, data.rows)));
  return { table, rows: data.rows, features: c.features, maxDepth: c.maxDepth, rowsPerSecond };
}

function main(): void {
  const leads = process.env.LEADS_CSV ?? join(repoRoot(), "../shared/data/x-education-leads/Leads.csv");
  const results: ShapSpeed[] = [];
  if (existsSync(leads))
    results.push(
      timeTreeShap("x-education", readTable(readFileSync(leads, "utf8"), "Converted", EXCLUDED), 3),
    );
  else process.stderr.write(`X Education skipped: ${leads} is absent\n`);
  if (!process.argv.includes("--leads-only")) {
    results.push(timeTreeShap("synthetic-50k", syntheticLeads(50_000, 1), 1));
  }
  for (const r of results) {
    process.stderr.write(
      `[treeshap] ${r.table}: ${r.rows} rows x ${r.features} features, depth <= ${r.maxDepth}: ` +
        `${r.rowsPerSecond.toLocaleString("en-US")} rows/s\n`,
    );
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
