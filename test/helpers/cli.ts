/** Runs the built `leadscore` binary in a temporary directory, for the CLI tests. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(ROOT, "bin", "leadscore.js");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export class Workspace {
  private constructor(readonly dir: string) {}

  static async create(prefix = "leadscore-"): Promise<Workspace> {
    return new Workspace(await mkdtemp(join(tmpdir(), prefix)));
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  async write(name: string, text: string | Buffer): Promise<string> {
    await writeFile(this.path(name), text);
    return this.path(name);
  }

  read(name: string): Promise<string> {
    return readFile(this.path(name), "utf8");
  }

  /** The rows of a CSV file in the workspace, as records by header. */
  async readCsv(name: string): Promise<Record<string, string>[]> {
    return parse(await this.read(name), { columns: true, bom: true });
  }

  async readJsonl(name: string): Promise<Record<string, unknown>[]> {
    return (await this.read(name))
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line));
  }

  async run(...args: string[]): Promise<Run> {
    try {
      const { stdout, stderr } = await promisify(execFile)("node", [BIN, ...args], {
        cwd: this.dir,
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, NO_COLOR: "1" },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

/** Area under the ROC curve of scores against 0/1 labels, ties counted half (Mann-Whitney). */
export function rocAuc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSumPositive = 0;
  let positives = 0;
  for (let start = 0; start < order.length; ) {
    let end = start;
    while (end < order.length && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++)
      if (labels[order[k]] === 1) {
        rankSumPositive += averageRank;
        positives++;
      }
    start = end;
  }
  const negatives = order.length - positives;
  return (rankSumPositive - (positives * (positives + 1)) / 2) / (positives * negatives);
}
