/**
 * The predictive commands end to end, through the built binary on real files: train on the
 * X Education leads (without the columns the sales team fills in after contact, which leak the
 * outcome), predict every lead in input order with probability, tier and factors, the same
 * leads as a semicolon / BOM / decimal-comma export, too little data, a damaged model file,
 * the HTML report (charts' data present, user strings escaped) and evaluate beside the rules.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type Run, Workspace } from "./helpers/cli.js";

const LEADS = join(ROOT, "../shared/data/x-education-leads/Leads.csv");
const RULES = join(ROOT, "examples/x-education/model.yaml");
const LEAKY = "Tags,Lead Quality,Lead Profile,Asymmetrique*";
const present = existsSync(LEADS);
if (!present) console.warn(`predictive CLI tests on X Education skipped: ${LEADS} is absent`);

/** A CSV cell, always quoted. */
const q = (text: string) => `"${text.replace(/"/g, '""')}"`;
const csv = (records: string[][]) => `${records.map((record) => record.map(q).join(",")).join("\n")}\n`;

/** The holdout ROC AUC printed in the metrics table. */
function printedAuc(stdout: string, column = 0): number {
  const line = stdout.split("\n").find((l) => l.trim().startsWith("ROC AUC"));
  if (!line) throw new Error(`no ROC AUC line in:\n${stdout}`);
  return Number(line.trim().split(/\s+/)[2 + column]);
}

describe.skipIf(!present)("leadscore train / predict / evaluate on X Education", () => {
  let ws: Workspace;
  let train: Run;
  let leads: string[][];

  beforeAll(async () => {
    ws = await Workspace.create();
    leads = parse(await readFile(LEADS), { bom: true });
    train = await ws.run(
      ...["train", "--data", LEADS, "--label", "Converted", "--drop", LEAKY],
      ...["--out", "model.json", "--report", "report.html", "--seed", "1"],
      ...["--rules", RULES, "--as-of", "2026-01-01"],
    );
  }, 120_000);
  afterAll(() => ws?.remove());

  it("trains, prints what it ignored and why, and a holdout ROC AUC of at least 0.89", () => {
    expect(train.stderr).toBe("");
    expect(train.code).toBe(0);
    expect(train.stdout).toMatch(/Prospect ID: id-like/);
    expect(train.stdout).toMatch(/Tags: excluded/);
    expect(train.stdout).toMatch(/Asymmetrique Profile Score: excluded/);
    expect(train.stdout).toMatch(/Magazine: constant/);
    const auc = printedAuc(train.stdout);
    console.info(`x-education, leaky columns dropped: holdout ROC AUC ${auc}`);
    expect(auc).toBeGreaterThanOrEqual(0.89);
    expect(train.stdout).toMatch(/^calibration: /m);
    expect(train.stdout).toMatch(/very high\s+\d/);
  });

  it("shows the rule model's score on the same holdout, side by side", async () => {
    const side = train.stdout.slice(train.stdout.indexOf("beside the rules"));
    expect(side).toMatch(/metric\s+predictive\s+rules/);
    const predictive = printedAuc(side, 0);
    const rules = printedAuc(side, 1);
    console.info(`x-education holdout: ROC AUC predictive ${predictive}, rules ${rules}`);
    expect(predictive).toBe(printedAuc(train.stdout));
    expect(rules).toBeGreaterThan(0.8);
    expect(rules).toBeLessThan(predictive);
    expect(await ws.read("report.html")).toContain("<th>rules</th>");
  });

  it("writes one versioned artifact with schema, model, calibration, tiers, metrics and metadata", async () => {
    const artifact = JSON.parse(await ws.read("model.json"));
    expect(artifact.format).toBe("leadscore.predictive/1");
    expect(artifact.kind).toBe("gbdt");
    expect(artifact.model.format).toBe("leadscore.gbdt/1");
    expect(artifact.schema.label).toEqual({ column: "Converted", positive: ["1"], negative: ["0"] });
    expect(artifact.schema.features.map((f: { name: string }) => f.name)).not.toContain("Tags");
    const [veryHigh, high, medium] = artifact.tiers.cuts;
    expect(veryHigh).toBeGreaterThan(high);
    expect(high).toBeGreaterThan(medium);
    expect(artifact.tiers.shares).toEqual([0.1, 0.2, 0.3, 0.4]);
    expect(artifact.training).toMatchObject({ rows: 9237, seed: 1, positives: 3559 });
    expect(artifact.holdout.metrics.rocAuc.toFixed(3)).toBe(printedAuc(train.stdout).toFixed(3));
    expect(["none", "platt"]).toContain(artifact.calibration.method);
    // Higher tiers convert more on the holdout.
    const rates = artifact.holdout.tiers.map((t: { conversionRate: number }) => t.conversionRate);
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1]);
  });

  it("predicts every lead in input order with probability, tier and top factors", async () => {
    const run = await ws.run("predict", "--model", "model.json", "--data", LEADS, "--out", "scored.csv");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/rows scored: 9237/);
    const rows = await ws.readCsv("scored.csv");
    expect(rows).toHaveLength(9237);
    expect(rows.map((row) => row["Prospect ID"])).toEqual(leads.slice(1).map((record) => record[0]));
    expect(Object.keys(rows[0]).slice(0, 37)).toEqual(leads[0]);
    for (const row of rows) {
      const p = Number(row.probability);
      expect(p >= 0 && p <= 1).toBe(true);
      expect(["very high", "high", "medium", "low"]).toContain(row.tier);
    }
    expect(rows[0].factor_up_1).toMatch(/^.+=.+ \(\+\d+\.\d\d\)$/);
    expect(rows[0].factor_down_1).toMatch(/^.+=.+ \(-\d+\.\d\d\)$/);
    const rate = (tier: string) => {
      const inTier = rows.filter((row) => row.tier === tier);
      return inTier.filter((row) => row.Converted === "1").length / inTier.length;
    };
    expect(rate("very high")).toBeGreaterThan(rate("high"));
    expect(rate("medium")).toBeGreaterThan(rate("low"));
  }, 120_000);

  it("reads the same leads exported with semicolons, a BOM and decimal commas alike", async () => {
    const head = leads.slice(0, 1501);
    const cell = (text: string) => (/[;"\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
    const european = head
      .map((record) =>
        record.map((text) => cell(/^\d+\.\d+$/.test(text) ? text.replace(".", ",") : text)).join(";"),
      )
      .join("\r\n");
    await ws.write("leads-eu.csv", `\uFEFF${european}\r\n`);
    await ws.write(
      "leads-us.csv",
      `${head.map((record) => record.map((t) => (/[,"]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t)).join(",")).join("\n")}\n`,
    );
    const eu = await ws.run("predict", "--model", "model.json", "--data", "leads-eu.csv", "--out", "eu.csv");
    const us = await ws.run("predict", "--model", "model.json", "--data", "leads-us.csv", "--out", "us.csv");
    expect(eu.code, eu.stderr).toBe(0);
    expect(us.code, us.stderr).toBe(0);
    const euRows = await ws.readCsv("eu.csv");
    const usRows = await ws.readCsv("us.csv");
    expect(euRows).toHaveLength(1500);
    expect(euRows.map((row) => row.probability)).toEqual(usRows.map((row) => row.probability));
    expect(euRows.map((row) => row.factor_up_1)).toEqual(usRows.map((row) => row.factor_up_1));
  }, 120_000);

  it("refuses a sample that is too small: what is missing, rules-only advice, exit 2, no model", async () => {
    await ws.write("small.csv", csv(leads.slice(0, 201)));
    const run = await ws.run("train", "--data", "small.csv", "--label", "Converted", "--out", "small.json");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/not enough data to train a predictive model/);
    expect(run.stderr).toMatch(/\d+ converted contacts, 500 needed/);
    expect(run.stderr).toMatch(/\d+ not converted contacts, 1000 needed/);
    expect(run.stderr).toMatch(/rules-only mode/);
    expect(existsSync(ws.path("small.json"))).toBe(false);
  });

  it("rejects a damaged model file with its path and the field at fault", async () => {
    const artifact = JSON.parse(await ws.read("model.json"));
    artifact.model.trees[3].nodes[7].left = "seven";
    await ws.write("broken.json", JSON.stringify(artifact));
    const run = await ws.run("predict", "--model", "broken.json", "--data", LEADS, "--out", "x.csv");
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/broken\.json: model\.trees\[3\]\.nodes\[7\]\.left: .*expected number/);
    artifact.model.trees[3].nodes[7].left = 8;
    artifact.tiers.cuts = [0.9, "high", 0.1];
    await ws.write("broken2.json", JSON.stringify(artifact));
    const tiers = await ws.run("predict", "--model", "broken2.json", "--data", LEADS, "--out", "x.csv");
    expect(tiers.stderr).toMatch(/broken2\.json: tiers\.cuts\[1\]: .*expected number/);
  });

  it("names the feature columns the data lacks", async () => {
    const without = leads.map((record) => record.filter((_, c) => leads[0][c] !== "Lead Origin"));
    await ws.write("no-origin.csv", csv(without.slice(0, 50)));
    const run = await ws.run("predict", "--model", "model.json", "--data", "no-origin.csv", "--out", "x.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no-origin\.csv: missing column "Lead Origin"/);
  });

  it("writes a standalone HTML report with the charts' data and Chart.js inlined", async () => {
    const html = await ws.read("report.html");
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).toMatch(/Chart\.js v4/);
    for (const id of ["roc", "lift", "calibration", "importance"])
      expect(html).toContain(`<canvas id="${id}">`);
    const data = JSON.parse(
      /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1],
    );
    expect(data.scores[0].roc.fpr.length).toBeGreaterThan(10);
    expect(data.scores[0].evaluation.deciles).toHaveLength(10);
    expect(data.importance[0].feature).toBe("Total Time Spent on Website");
  });

  it("evaluates the model and the rule model on the same rows, side by side", async () => {
    const run = await ws.run(
      ...["evaluate", "--model", "model.json", "--data", LEADS, "--rules", RULES],
      ...["--as-of", "2026-01-01", "--report", "evaluate.html"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/metric\s+predictive\s+rules/);
    const predictive = printedAuc(run.stdout, 0);
    const rules = printedAuc(run.stdout, 1);
    console.info(`x-education, all 9,237 rows: ROC AUC predictive ${predictive}, rules ${rules}`);
    expect(rules).toBeGreaterThan(0.8);
    expect(predictive).toBeGreaterThan(rules);
    const html = await ws.read("evaluate.html");
    expect(html).toContain("<th>rules</th>");
  }, 60_000);

  it("trains a scorecard, exports it as a model file, and explains predictions in points", async () => {
    const run = await ws.run(
      ...["train", "--data", LEADS, "--label", "Converted", "--drop", LEAKY, "--model", "scorecard"],
      ...["--out", "card.json", "--scorecard-out", "card.yaml"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(printedAuc(run.stdout)).toBeGreaterThan(0.85);
    expect((await ws.run("validate", "card.yaml")).code).toBe(0);
    await ws.write("head.csv", csv(leads.slice(0, 101)));
    expect(
      (await ws.run("predict", "--model", "card.json", "--data", "head.csv", "--out", "card.csv")).code,
    ).toBe(0);
    const rows = await ws.readCsv("card.csv");
    expect(rows[0].factor_up_1).toMatch(/ \(\+\d+ pts\)$/);
    expect(rows[0].factor_down_1).toMatch(/ \(-\d+ pts vs its best\)$/);
  }, 60_000);
});

/** A small table whose column names and values try to break out of HTML and CSV. */
function hostileTable(rows: number): string {
  const lines = ['"<b>source</b>",visits,"Converted"'];
  let state = 7;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  for (let i = 0; i < rows; i++) {
    const source = ["<script>alert(1)</script>", '=HYPERLINK("http://x")', "web", "ads"][i % 4];
    const visits = Math.floor(next() * 20);
    const converted = next() < (source === "web" ? 0.6 : 0.25) + visits / 80 ? 1 : 0;
    lines.push(`${q(source)},${visits},${converted}`);
  }
  return `${lines.join("\n")}\n`;
}

describe("predictive commands and hostile input", () => {
  let ws: Workspace;
  beforeAll(async () => {
    ws = await Workspace.create();
    await ws.write("hostile.csv", hostileTable(800));
  });
  afterAll(() => ws?.remove());

  it("escapes user strings in the HTML report and neutralises formulas in the scored CSV", async () => {
    const train = await ws.run(
      ...["train", "--data", "hostile.csv", "--label", "Converted", "--out", "m.json", "--report", "r.html"],
      ...["--min-positives", "50", "--min-negatives", "50"],
    );
    expect(train.code, train.stderr).toBe(0);
    const html = await ws.read("r.html");
    expect(html).not.toContain("<b>source</b>");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("&#60;b&#62;source&#60;/b&#62;");
    const data = /<script id="report-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1];
    expect(data).toContain("\\u003cb\\u003esource");
    expect(JSON.parse(data).importance.map((f: { feature: string }) => f.feature)).toContain("<b>source</b>");
    const predict = await ws.run("predict", "--model", "m.json", "--data", "hostile.csv", "--out", "s.csv");
    expect(predict.code, predict.stderr).toBe(0);
    const scored = await ws.read("s.csv");
    expect(scored).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(scored).toContain("'=HYPERLINK");
  });

  it("holds out the latest rows with --time-column and leaves the date column out of the features", async () => {
    let state = 3;
    const next = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state / 2147483648;
    };
    const lines = ["created;source;visits;converted"];
    for (let i = 0; i < 3000; i++) {
      const day = `2025-${String(1 + Math.floor((i * 12) / 3000)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`;
      const source = ["web", "ads", "event"][Math.floor(next() * 3)];
      const visits = Math.floor(next() * 20);
      const p = 0.15 + (source === "web" ? 0.25 : 0) + visits / 60;
      lines.push(`${day};${source};${visits};${next() < p ? "yes" : "no"}`);
    }
    await ws.write("timed.csv", `${lines.join("\n")}\n`);
    const run = await ws.run(
      ...["train", "--data", "timed.csv", "--label", "converted", "--time-column", "created"],
      ...["--out", "timed.json", "--min-positives", "100", "--min-negatives", "100"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/created: date/);
    expect(run.stdout).toMatch(/holdout \(time-based: rows from 2025-10-01 on\): 750 rows/);
    const artifact = JSON.parse(await ws.read("timed.json"));
    expect(artifact.holdout.split).toBe("time");
    expect(artifact.schema.features.map((f: { name: string }) => f.name)).toEqual(["source", "visits"]);
  });
});
