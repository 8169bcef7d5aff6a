/**
 * Benchmark of the boosted trees: training time on a seeded synthetic table of 50,000 rows x 30
 * features (median of three runs after a warm-up), scoring throughput (median of three) and
 * TreeSHAP throughput (2,000 rows). When
 * /usr/bin/python3 has scikit-learn, its HistGradientBoostingClassifier is timed on the same
 * table in the same run (fit only, default threads and one thread) and the ratio is reported;
 * otherwise the comparison is skipped with the reason. Targets (issue 6): under 10 s on one
 * core, and no more than 3x scikit-learn's time.
 *
 * Standalone: npx tsc -p tsconfig.bench.json && node build-bench/bench/predict-train.js
 * The reference table of test/predict-gbdt-accuracy.test.ts: ... --write-synthetic <csv path>
 */

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { takeRows } from "../src/predict/dataset.js";
import { predictProbability, trainGbdt } from "../src/predict/gbdt/index.js";
import { treeShap } from "../src/predict/treeshap.js";
import { datasetToCsv, REFERENCE_SYNTHETIC, syntheticLeads } from "./predict-data.js";

const PYTHON = "/usr/bin/python3";
const BENCH_ROWS = 50_000;
const BENCH_SEED = 1;
const EXPLAIN_ROWS = 2_000;

interface OurRun {
  earlyStopping: "auto" | false;
  trainSeconds: number;
  iterations: number;
}

interface SklearnRun {
  earlyStopping: "auto" | false;
  seconds: number;
  iterations: number;
}

interface SklearnTiming {
  threads: string;
  runs: SklearnRun[];
}

export interface PredictTrainingResult {
  rows: number;
  features: number;
  ours: OurRun[];
  predictRowsPerSecond: number;
  /** TreeSHAP values (exact, every feature) per second. */
  explainRowsPerSecond: number;
  /** 1-minute load average at the start and the end: other work on the machine makes timings noisy. */
  loadAverage: [number, number];
  sklearn: { version: string; timings: SklearnTiming[] } | { skipped: string };
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) dir = dirname(dir);
  return dir;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function timeOurs(data: ReturnType<typeof syntheticLeads>, earlyStopping: "auto" | false): OurRun {
  const seconds: number[] = [];
  let iterations = 0;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    iterations = trainGbdt(data, { earlyStopping }).training.iterations;
    seconds.push((performance.now() - start) / 1000);
  }
  return { earlyStopping, trainSeconds: median(seconds), iterations };
}

function sklearnMissing(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} is absent`;
  const probe = spawnSync(PYTHON, ["-c", "import sklearn; print(sklearn.__version__)"], { encoding: "utf8" });
  if (probe.status !== 0) return `${PYTHON} cannot import sklearn (apt-get install -y python3-sklearn)`;
  return null;
}

function timeSklearn(csvPath: string, threads: string | null): SklearnTiming & { version: string } {
  const script = join(repoRoot(), "bench/reference/hgb_fit_time.py");
  const env = { ...process.env };
  if (threads) env.OMP_NUM_THREADS = threads;
  const run = spawnSync(PYTHON, [script, csvPath], { encoding: "utf8", env, maxBuffer: 1 << 24 });
  if (run.status !== 0) throw new Error(`scikit-learn timing failed:\n${run.stderr}`);
  const parsed = JSON.parse(run.stdout) as { sklearn: string; ompThreads: string; runs: SklearnRun[] };
  return { version: parsed.sklearn, threads: parsed.ompThreads, runs: parsed.runs };
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export async function benchPredictTraining(): Promise<PredictTrainingResult> {
  const loadBefore = loadavg()[0];
  const data = syntheticLeads(BENCH_ROWS, BENCH_SEED);
  log(`[predict] ${BENCH_ROWS} rows x ${data.features.length} features; warming up`);
  trainGbdt(syntheticLeads(5_000, BENCH_SEED + 1), { maxIterations: 20 });
  const ours = [timeOurs(data, "auto"), timeOurs(data, false)];
  for (const run of ours) {
    log(
      `[predict] ours, early stopping ${run.earlyStopping}: ${run.trainSeconds.toFixed(2)} s, ${run.iterations} trees`,
    );
  }
  const model = trainGbdt(data, { earlyStopping: false });
  const predictSeconds: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    predictProbability(model, data);
    predictSeconds.push((performance.now() - start) / 1000);
  }
  const predictRowsPerSecond = data.rows / median(predictSeconds);
  log(`[predict] scoring with 100 trees: ${Math.round(predictRowsPerSecond).toLocaleString("en-US")} rows/s`);
  const explained = takeRows(
    data,
    Array.from({ length: EXPLAIN_ROWS }, (_, i) => i),
  );
  const explainStart = performance.now();
  treeShap(model, explained);
  const explainRowsPerSecond = EXPLAIN_ROWS / ((performance.now() - explainStart) / 1000);
  log(
    `[predict] TreeSHAP with 100 trees: ${Math.round(explainRowsPerSecond).toLocaleString("en-US")} rows/s`,
  );

  const missing = sklearnMissing();
  let sklearn: PredictTrainingResult["sklearn"];
  if (missing) {
    log(`[predict] scikit-learn comparison skipped: ${missing}`);
    sklearn = { skipped: missing };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "leadscore-gbdt-"));
    try {
      const csvPath = join(dir, "train.csv");
      writeFileSync(csvPath, datasetToCsv(data));
      const timings = [timeSklearn(csvPath, null), timeSklearn(csvPath, "1")];
      sklearn = {
        version: timings[0].version,
        timings: timings.map(({ threads, runs }) => ({ threads, runs })),
      };
      for (const timing of timings) {
        for (const run of timing.runs) {
          const ourRun = ours.find((o) => o.earlyStopping === run.earlyStopping)!;
          log(
            `[predict] scikit-learn ${timing.version}, threads ${timing.threads}, early stopping ${run.earlyStopping}: ` +
              `${run.seconds.toFixed(2)} s, ${run.iterations} trees; ours / scikit-learn = ${(ourRun.trainSeconds / run.seconds).toFixed(2)}`,
          );
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    rows: data.rows,
    features: data.features.length,
    ours,
    predictRowsPerSecond,
    explainRowsPerSecond,
    loadAverage: [loadBefore, loadavg()[0]],
    sklearn,
  };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf("--write-synthetic");
  if (at >= 0) {
    const path = process.argv[at + 1];
    if (!path) throw new Error("--write-synthetic needs a CSV path");
    writeFileSync(path, datasetToCsv(syntheticLeads(REFERENCE_SYNTHETIC.rows, REFERENCE_SYNTHETIC.seed)));
    log(`wrote ${REFERENCE_SYNTHETIC.rows} rows (seed ${REFERENCE_SYNTHETIC.seed}) to ${path}`);
    return;
  }
  const result = await benchPredictTraining();
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
