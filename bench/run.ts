/**
 * `npm run bench`: batch-scoring benchmarks, then ingest over HTTP (bench/ingest.ts), then
 * predictive training and prediction (bench/predict-train.ts). Sizes default to 100k contacts /
 * 5M events and 1M contacts / 50M events; `--sizes 100k` (or BENCH_SIZES=100k) runs fewer.
 * `--ingest-only` runs only the ingest part, `--no-ingest` skips it; `--predict-only` runs only
 * the predictive part, `--no-predict` skips it; `--inprocess` runs only the in-process SQLite
 * ingest breakdown (bench/ingest-inprocess.ts); `--export` only the export of ranked scores
 * (bench/export.ts, `--export-contacts N`, 200,000 by default); `--request-cost` only the CPU and
 * allocations of one ingest request (bench/request-cost.ts, `--request-cost-baseline <checkout>`
 * to compare with another version in the same run). Prints tables and writes
 * bench/out/batch-<date>.json, bench/out/ingest-<date>.json and bench/out/predict-<date>.json.
 * `--analytics` runs only the one-pass analysis of synthetic scored contacts (bench/analytics.ts,
 * `--analytics-contacts N`, 1,000,000 by default), which the full run also includes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { analyticsContacts, analyticsTable, benchAnalytics } from "./analytics.js";
import { benchScoreCommand, type EndToEnd } from "./end-to-end.js";
import { buildDataset, countDifferences, timeEngine, timeReference } from "./evaluator.js";
import { benchExport, exportContacts, exportTable } from "./export.js";
import { benchIngest, ingestOptions, ingestTable } from "./ingest.js";
import { benchIngestInProcess, inProcessEvents, inProcessTable } from "./ingest-inprocess.js";
import { benchPredictTraining, type PredictTrainingResult } from "./predict-train.js";
import { benchRequestCost, requestCostOptions, requestCostTable } from "./request-cost.js";

const SIZES: Record<string, number> = { "10k": 10_000, "100k": 100_000, "1m": 1_000_000 };
const EVENTS_PER_CONTACT = 50;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function rssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

interface Row {
  size: string;
  contacts: number;
  events: number;
  buildSeconds: number;
  engineScoresEventsPerSecond: number;
  engineLedgerEventsPerSecond: number;
  referenceEventsPerSecond: number;
  engineToReferenceRatio: number;
  totalsThatDiffer: number;
  peakRssMb: number;
  endToEnd: EndToEnd[];
}

async function benchSize(label: string, withEndToEnd: boolean): Promise<Row> {
  const contacts = SIZES[label];
  process.stderr.write(
    `\n[${label}] generating ${fmt(contacts)} contacts x ~${EVENTS_PER_CONTACT} events in memory...\n`,
  );
  const data = buildDataset(contacts, EVENTS_PER_CONTACT);
  process.stderr.write(
    `[${label}] ${fmt(data.events)} events built in ${data.buildSeconds.toFixed(1)} s; warming up\n`,
  );
  timeEngine(data, false);
  timeReference(data);
  const engineRuns = [0, 1, 2].map(() => timeEngine(data, false));
  const referenceRuns = [0, 1, 2].map(() => timeReference(data));
  const ledger = timeEngine(data, true);
  const engineSeconds = median(engineRuns.map((r) => r.seconds));
  const referenceSeconds = median(referenceRuns.map((r) => r.seconds));
  const differences = countDifferences(engineRuns[0].totals, referenceRuns[0].totals);
  const row: Row = {
    size: label,
    contacts: data.contacts.length,
    events: data.events,
    buildSeconds: data.buildSeconds,
    engineScoresEventsPerSecond: data.events / engineSeconds,
    engineLedgerEventsPerSecond: data.events / ledger.seconds,
    referenceEventsPerSecond: data.events / referenceSeconds,
    engineToReferenceRatio: referenceSeconds / engineSeconds,
    totalsThatDiffer: differences,
    peakRssMb: rssMb(),
    endToEnd: [],
  };
  process.stderr.write(
    `[${label}] engine ${fmt(row.engineScoresEventsPerSecond)} events/s (scores), ${fmt(row.engineLedgerEventsPerSecond)} events/s (ledger); ` +
      `reference ${fmt(row.referenceEventsPerSecond)} events/s; totals that differ: ${differences}\n`,
  );
  if (withEndToEnd) row.endToEnd = await benchScoreCommand(label, contacts);
  return row;
}

function printTable(rows: Row[]): void {
  const lines = [
    "| size | events | engine, scores only (events/s) | engine, full ledger (events/s) | hand-written reference (events/s) | engine / reference | totals that differ | peak RSS (MB) |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.size} | ${fmt(r.events)} | ${fmt(r.engineScoresEventsPerSecond)} | ${fmt(r.engineLedgerEventsPerSecond)} | ${fmt(r.referenceEventsPerSecond)} | ${r.engineToReferenceRatio.toFixed(2)} | ${r.totalsThatDiffer} | ${r.peakRssMb} |`,
    ),
  ];
  const e2e = rows.flatMap((r) => r.endToEnd);
  if (e2e.length) {
    lines.push(
      "",
      "| `leadscore score` from files | mode | events | wall time (s) | events/s | peak RSS (MB) |",
      "|---|---|---|---|---|---|",
      ...e2e.map(
        (e) =>
          `| ${e.size} | ${e.mode} | ${fmt(e.events)} | ${e.seconds.toFixed(1)} | ${fmt(e.events / e.seconds)} | ${e.peakRssMb} |`,
      ),
    );
  }
  process.stdout.write(`\n${lines.join("\n")}\n`);
}

async function batchScoring(): Promise<void> {
  const argIndex = process.argv.indexOf("--sizes");
  const requested = (
    argIndex > 0 ? process.argv[argIndex + 1] : (process.env.BENCH_SIZES ?? "100k,1m")
  ).split(",");
  const unknown = requested.filter((s) => !(s in SIZES));
  if (unknown.length)
    throw new Error(`unknown size ${unknown.join(", ")}; use ${Object.keys(SIZES).join(", ")}`);
  const withEndToEnd = !process.argv.includes("--no-end-to-end");
  const rows: Row[] = [];
  for (const label of requested) rows.push(await benchSize(label, withEndToEnd));
  printTable(rows);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/batch-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function ingest(): Promise<void> {
  const report = await benchIngest(ingestOptions(process.argv));
  process.stdout.write(`\n${ingestTable(report)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/ingest-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

function predictTable(result: PredictTrainingResult): string {
  const lines = [
    `| predictive: ${fmt(result.rows)} rows x ${result.features} features | early stopping | training (s) | trees |`,
    "|---|---|---|---|",
    ...result.ours.map(
      (run) => `| ours | ${run.earlyStopping} | ${run.trainSeconds.toFixed(2)} | ${run.iterations} |`,
    ),
  ];
  if ("skipped" in result.sklearn)
    lines.push("", `scikit-learn comparison skipped: ${result.sklearn.skipped}`);
  else {
    const { version, timings } = result.sklearn;
    for (const timing of timings) {
      for (const run of timing.runs) {
        const ours = result.ours.find((o) => o.earlyStopping === run.earlyStopping);
        const ratio = ours ? ` (ours / scikit-learn = ${(ours.trainSeconds / run.seconds).toFixed(2)})` : "";
        lines.push(
          `| scikit-learn ${version}, threads ${timing.threads} | ${run.earlyStopping} | ${run.seconds.toFixed(2)}${ratio} | ${run.iterations} |`,
        );
      }
    }
  }
  lines.push(
    "",
    `prediction: ${fmt(result.predictRowsPerSecond)} rows/s; TreeSHAP: ${fmt(result.explainRowsPerSecond)} rows/s; ` +
      `load average ${result.loadAverage.map((l) => l.toFixed(2)).join(" -> ")}`,
  );
  return lines.join("\n");
}

async function predictive(): Promise<void> {
  const result = await benchPredictTraining();
  process.stdout.write(`\n${predictTable(result)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/predict-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ...result }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function inProcess(): Promise<void> {
  const report = await benchIngestInProcess(inProcessEvents(process.argv));
  process.stdout.write(`\n${inProcessTable(report)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/inprocess-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ...report }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function exportBench(): Promise<void> {
  const report = await benchExport(exportContacts(process.argv));
  process.stdout.write(`\n${exportTable(report)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/export-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ...report }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function requestCost(): Promise<void> {
  const report = benchRequestCost(requestCostOptions(process.argv));
  process.stdout.write(`\n${requestCostTable(report)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/request-cost-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ...report }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function analytics(): Promise<void> {
  const result = benchAnalytics(analyticsContacts(process.argv));
  process.stdout.write(`\n${analyticsTable(result)}\n`);
  mkdirSync("bench/out", { recursive: true });
  const file = `bench/out/analytics-${new Date().toISOString().slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify({ node: process.version, ...result }, null, 2)}\n`);
  process.stdout.write(`\nwritten ${file}\n`);
}

async function main(): Promise<void> {
  const has = (flag: string) => process.argv.includes(flag);
  if (has("--request-cost")) return requestCost();
  if (has("--inprocess")) return inProcess();
  if (has("--analytics")) return analytics();
  if (has("--export")) return exportBench();
  const ingestOnly = has("--ingest-only");
  const predictOnly = has("--predict-only");
  if (ingestOnly && has("--no-ingest")) throw new Error("--ingest-only and --no-ingest exclude each other");
  if (predictOnly && has("--no-predict"))
    throw new Error("--predict-only and --no-predict exclude each other");
  if (ingestOnly && predictOnly) throw new Error("--ingest-only and --predict-only exclude each other");
  if (predictOnly) return predictive();
  if (!ingestOnly) await batchScoring();
  if (!ingestOnly) await analytics();
  if (!has("--no-ingest")) await ingest();
  if (!ingestOnly && !has("--no-predict")) await predictive();
}

await main();
