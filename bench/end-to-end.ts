/**
 * End-to-end time of `leadscore score` on demo files, measured by /usr/bin/time (wall time
 * and peak RSS of the scoring process alone), in the default and the --grouped mode.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface EndToEnd {
  size: string;
  mode: string;
  events: number;
  seconds: number;
  peakRssMb: number;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "bin/leadscore.js");
const MODEL = join(ROOT, "bench/b2b-bench.yaml");
const AS_OF = "2026-11-01T00:00:00Z";

/** Data rows of a CSV file (lines less the header), streamed: the file may be larger than a buffer. */
async function countRows(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines - 1;
}

export async function benchScoreCommand(label: string, contacts: number): Promise<EndToEnd[]> {
  if (!existsSync("/usr/bin/time")) {
    process.stderr.write("[end-to-end] skipped: /usr/bin/time is not installed (apt-get install time)\n");
    return [];
  }
  const dir = join(ROOT, "bench/out", `data-${label}`);
  // Writing 50M events takes minutes: a complete earlier set of the same size is reused.
  const complete = join(dir, ".complete");
  if (existsSync(complete)) process.stderr.write(`[${label}] reusing the demo files in ${dir}\n`);
  else {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    process.stderr.write(`[${label}] writing demo files to ${dir}\n`);
    execFileSync("node", [CLI, "demo", "--out", dir, "--seed", "7", "--contacts", String(contacts)], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    writeFileSync(complete, "");
  }
  const events = await countRows(join(dir, "events.csv"));
  const results: EndToEnd[] = [];
  for (const mode of ["default", "grouped"]) {
    const args = [
      "-f",
      "%e %M",
      "node",
      CLI,
      "score",
      "--model",
      MODEL,
      "--contacts",
      join(dir, "contacts.csv"),
      "--events",
      join(dir, "events.csv"),
      "--companies",
      join(dir, "companies.csv"),
      "--as-of",
      AS_OF,
      "--out",
      join(dir, "scored.csv"),
      ...(mode === "grouped" ? ["--grouped"] : []),
    ];
    process.stderr.write(`[${label}] leadscore score (${mode})\n`);
    const run = spawnSync("/usr/bin/time", args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
    if (run.status !== 0) throw new Error(`leadscore score failed (${run.status}):\n${run.stderr}`);
    const output = run.stderr;
    const [seconds, rssKb] = output.trim().split("\n").at(-1)!.split(" ").map(Number);
    results.push({ size: label, mode, events, seconds, peakRssMb: Math.round(rssKb / 1024) });
  }
  rmSync(join(dir, "scored.csv"), { force: true });
  return results;
}
