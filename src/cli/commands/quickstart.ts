/**
 * `leadscore quickstart` (what `npm start` runs): demo data, a starter model, a scoring run,
 * the hottest leads and one explained score, so a newcomer sees the whole loop at once.
 */
import { readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import type { Command } from "commander";
import { parse } from "csv-parse/sync";
import pc from "picocolors";
import { UserError } from "../errors.js";
import { runScore } from "../score/run.js";
import { demo, parseDemoOptions } from "./demo.js";
import { explain } from "./explain.js";
import { init } from "./init.js";

interface QuickstartOptions {
  dir: string;
  contacts: string;
  seed: string;
}

/** The demo data ends here; scoring as of this date keeps the demo reproducible. */
const DEMO_END = "2026-11-01T00:00:00Z";
const AS_OF = "2026-11-01";

export function register(program: Command): void {
  program
    .command("quickstart")
    .description("Generate demo data, write the b2b starter model, score it and explain the hottest lead.")
    .option("--dir <dir>", "where to write the demo files", ".leadscore/demo")
    .option("--contacts <n>", "number of demo contacts", "2000")
    .option("--seed <n>", "seed of the demo data", "42")
    .action((options: QuickstartOptions) => quickstart(options));
}

type ScoredRow = Record<string, string>;

async function hottest(path: string, count: number): Promise<ScoredRow[]> {
  const rows: ScoredRow[] = parse(await readFile(path), { columns: true, bom: true });
  return (
    rows
      .filter((row) => row.disqualified !== "true")
      // The total is clamped to the scale: ties at the top are broken by the sum of the dimensions.
      .sort((a, b) => Number(b.total) - Number(a.total) || rawSum(b) - rawSum(a))
      .slice(0, count)
  );
}

function rawSum(row: ScoredRow): number {
  return Number(row.fit ?? 0) + Number(row.engagement ?? 0);
}

function table(rows: ScoredRow[]): string {
  const head = ["contact", "total", "fit", "engagement", "temperature", "grade", "MQL"];
  const lines = rows.map((r) => [r.id, r.total, r.fit, r.engagement, r.temperature, r.matrix, r.mql]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells: string[]) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  return [pc.bold(format(head)), ...lines.map(format)].join("\n");
}

export async function quickstart(options: QuickstartOptions): Promise<void> {
  const dir = options.dir;
  const shown = relative(process.cwd(), dir) || ".";
  const say = (text: string) => process.stdout.write(`${text}\n`);
  say(pc.bold(`\n1. Demo data: ${options.contacts} contacts and six months of their events, in ${shown}/`));
  await demo(
    parseDemoOptions({
      out: dir,
      seed: options.seed,
      contacts: options.contacts,
      months: "6",
      endDate: DEMO_END,
      eventsPerContact: "50",
      format: "csv",
    }),
  );
  const model = join(dir, "model.yaml");
  say(pc.bold(`\n2. A starter model from the b2b template: ${join(shown, "model.yaml")}`));
  await init({ template: "b2b", out: model, force: true });
  const files = {
    model,
    contacts: join(dir, "contacts.csv"),
    events: join(dir, "events.csv"),
    companies: join(dir, "companies.csv"),
  };
  const scored = join(dir, "scored.csv");
  say(pc.bold(`\n3. Scoring as of ${AS_OF}`));
  const code = await runScore({ ...files, asOf: AS_OF, out: scored, map: [], progress: false });
  if (code !== 0) throw new UserError("the demo scoring reported bad rows", code);
  const top = await hottest(scored, 10);
  if (top.length === 0) throw new UserError(`no contact was scored in ${scored}`);
  say(pc.bold("\n4. The ten hottest leads (not disqualified)"));
  say(table(top));
  say(pc.bold(`\n5. Why ${top[0].id} is on top: every point, with its evidence`));
  await explain({ ...files, asOf: AS_OF, contact: top[0].id, map: [] });
  say(pc.bold("\nNext:"));
  say(`  edit ${join(shown, "model.yaml")}, then score again:`);
  say(
    `  node bin/leadscore.js score --model ${join(shown, "model.yaml")} --contacts ${join(shown, "contacts.csv")} ` +
      `--events ${join(shown, "events.csv")} --companies ${join(shown, "companies.csv")} --as-of ${AS_OF} --out ${join(shown, "scored.csv")}`,
  );
  say("  node bin/leadscore.js --help lists every command; README.md has a five-minute tutorial.");
}
