/**
 * `leadscore analyze` on real leads (X Education, 9,237 leads, a Converted column, no events nor
 * dates): the bands of the example model convert more band by band, and a minimum conversion
 * goal finds its threshold. Skipped, with a message, when the shared data is absent.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AnalyzeReport } from "../src/cli/analyze/run.js";
import { ROOT, Workspace } from "./helpers/cli.js";

const DATA = join(ROOT, "../shared/data/x-education-leads/Leads.csv");
const MODEL = join(ROOT, "examples/x-education/model.yaml");
const present = existsSync(DATA);
if (!present) console.warn(`x-education analysis skipped: the data file ${DATA} is absent`);

describe.skipIf(!present)(`analyze on the X Education leads (needs ${DATA})`, () => {
  let ws: Workspace;
  let report: AnalyzeReport;

  beforeAll(async () => {
    ws = await Workspace.create("leadscore-analyze-x-");
    const run = await ws.run(
      "analyze",
      ...["--model", MODEL, "--contacts", DATA, "--id-column", "Prospect ID", "--as-of", "2026-01-01"],
      ...["--conversion", "flag:Converted", "--min-conversion", "0.6", "--json", "--no-progress"],
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    report = JSON.parse(run.stdout);
  });
  afterAll(() => ws?.remove());

  it("reads Converted as the outcome of every lead, without dates", () => {
    const { population } = report.analysis;
    expect(population.contacts).toBe(9237);
    expect(population.conversions).toBe(3559);
    expect(population.undatedConversions).toBe(3559);
    expect(report.analysis.warnings.map((w) => w.code)).toContain("undated-conversions");
  });

  it("converts more in each band of the total, and says so", () => {
    const total = report.analysis.groupings.find((g) => g.id === "total")!;
    const rates = total.cells.map((c) => c.rate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1]);
    expect(total.monotonicity!.summary).toBe("conversion rises from each band to the next");
  });

  it("finds the lowest threshold whose MQLs convert at 60%", () => {
    const advice = report.advice!;
    expect(advice.point!.rate).toBeGreaterThanOrEqual(0.6);
    const below = report.analysis.thresholds.points.find((p) => p.threshold === advice.threshold! - 1)!;
    expect(below.rate).toBeLessThan(0.6);
  });

  it("measures the columns the model leaves out, the sales team's tags among them", () => {
    const { candidates } = report.analysis.rules;
    const tags = candidates.filter((c) => c.id.startsWith("Tags = "));
    expect(tags.some((c) => c.significant && c.lift > 1)).toBe(true);
    for (const rule of report.analysis.rules.rules) expect(rule.fired).toBeGreaterThan(0);
  });
});
