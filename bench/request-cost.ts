/**
 * What one ingest request costs the service: CPU and memory allocated per batch of 100 events
 * through the whole HTTP stack (bench/request-cost-child.ts), for this checkout and, with
 * `--request-cost-baseline <checkout>` (another version with its dist/ built), for that one too,
 * alternating the two process by process so that both see the same machine. Throughput over
 * sockets (bench/ingest.ts) moves 10-40% with what else the machine does; CPU per request moves
 * less, and allocations hardly at all.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./request-cost-child.js", import.meta.url));

export interface RequestCost {
  checkout: string;
  cpuMicrosPerBatch: number[];
  allocatedKiBPerBatch: number[];
}

export interface RequestCostReport {
  batches: number;
  rounds: number;
  current: RequestCost;
  baseline?: RequestCost;
}

export function requestCostOptions(argv: string[]): { baseline?: string; rounds: number; batches: number } {
  const value = (flag: string) => {
    const index = argv.indexOf(flag);
    return index < 0 ? undefined : argv[index + 1];
  };
  const count = (flag: string, fallback: number) => {
    const text = value(flag);
    if (text === undefined) return fallback;
    const parsed = Number(text);
    if (!Number.isInteger(parsed) || parsed <= 0)
      throw new Error(`${flag} must be a positive integer, got ${text}`);
    return parsed;
  };
  return {
    baseline: value("--request-cost-baseline"),
    rounds: count("--request-cost-rounds", 5),
    batches: count("--request-cost-batches", 2000),
  };
}

function measure(
  checkout: string,
  batches: number,
): { cpuMicrosPerBatch: number; allocatedKiBPerBatch: number } {
  const out = execFileSync(process.execPath, [CHILD, checkout, "300", String(batches)], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split("\n").at(-1) as string);
}

export function benchRequestCost(options: {
  baseline?: string;
  rounds: number;
  batches: number;
}): RequestCostReport {
  const current: RequestCost = { checkout: ROOT, cpuMicrosPerBatch: [], allocatedKiBPerBatch: [] };
  const baseline: RequestCost | undefined = options.baseline
    ? { checkout: options.baseline, cpuMicrosPerBatch: [], allocatedKiBPerBatch: [] }
    : undefined;
  for (let round = 0; round < options.rounds; round++)
    for (const side of baseline ? [baseline, current] : [current]) {
      const result = measure(side.checkout, options.batches);
      side.cpuMicrosPerBatch.push(result.cpuMicrosPerBatch);
      side.allocatedKiBPerBatch.push(result.allocatedKiBPerBatch);
    }
  return { batches: options.batches, rounds: options.rounds, current, baseline };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

export function requestCostTable(report: RequestCostReport): string {
  const row = (name: string, cost: RequestCost) =>
    `| ${name} | ${median(cost.cpuMicrosPerBatch).toFixed(0)} (${Math.min(...cost.cpuMicrosPerBatch).toFixed(0)}-${Math.max(...cost.cpuMicrosPerBatch).toFixed(0)}) | ${median(cost.allocatedKiBPerBatch).toFixed(0)} |`;
  const lines = [
    `request cost: POST /v1/events/batch, 100 events per request, ${report.batches} requests per process, ${report.rounds} processes per checkout, medians (range)`,
    "",
    "| checkout | CPU µs per request | KiB allocated per request |",
    "|---|---|---|",
    row("this one", report.current),
  ];
  if (report.baseline) {
    lines.push(row(report.baseline.checkout, report.baseline));
    const ratio = (pick: (cost: RequestCost) => number[]) =>
      (median(pick(report.current)) / median(pick(report.baseline as RequestCost))).toFixed(2);
    lines.push(
      "",
      `this one / baseline: CPU ${ratio((cost) => cost.cpuMicrosPerBatch)}, allocations ${ratio((cost) => cost.allocatedKiBPerBatch)}`,
    );
  }
  return lines.join("\n");
}
