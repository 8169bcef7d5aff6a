/**
 * The contacts path of `leadscore train` / `predict` on the demo generator's files: features as
 * of snapshot dates (the leakage test of those features is src/predict/features.test.ts), a
 * model trained and evaluated on them, and every contact scored as of a date, in file order.
 */

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, type Run, Workspace } from "./helpers/cli.js";

describe("leadscore train / predict from contacts and events", () => {
  let ws: Workspace;
  let train: Run;

  beforeAll(async () => {
    ws = await Workspace.create();
    const demo = await ws.run(
      "demo",
      "--out",
      "demo",
      "--contacts",
      "3000",
      "--events-per-contact",
      "20",
      "--seed",
      "7",
    );
    expect(demo.code, demo.stderr).toBe(0);
    train = await ws.run(
      ...["train", "--contacts", "demo/contacts.csv", "--events", "demo/events.csv"],
      ...["--companies", "demo/companies.csv", "--snapshots", "2026-06-01,2026-07-01,2026-08-01"],
      ...["--min-positives", "50", "--min-negatives", "100", "--out", "model.json"],
    );
  }, 120_000);
  afterAll(() => ws?.remove());

  it("trains on snapshot rows, leaving the outcome-derived properties out", async () => {
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toMatch(/snapshot 2026-06-01: \d+ rows, \d+ converted within 90 days/);
    expect(train.stdout).toMatch(/lifecycleStage: excluded/);
    expect(train.stdout).toMatch(/convertedAt: excluded \(the outcome itself\)/);
    const artifact = JSON.parse(await ws.read("model.json"));
    expect(artifact.schema.contacts.horizonDays).toBe(90);
    expect(artifact.holdout.metrics.rocAuc).toBeGreaterThan(0.75);
  });

  it("refuses snapshots whose label window runs past the data", async () => {
    const run = await ws.run(
      ...["train", "--contacts", "demo/contacts.csv", "--events", "demo/events.csv"],
      ...["--snapshots", "2026-10-01", "--min-positives", "1", "--min-negatives", "1", "--out", "late.json"],
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /90-day label window of the snapshot 2026-10-01 ends 2026-12-30, after the data ends/,
    );
  });

  it("scores every contact as of a date, in file order", async () => {
    const run = await ws.run(
      ...[
        "predict",
        "--model",
        "model.json",
        "--contacts",
        "demo/contacts.csv",
        "--events",
        "demo/events.csv",
      ],
      ...["--companies", "demo/companies.csv", "--as-of", "2026-09-01", "--out", "scored.csv"],
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = await ws.readCsv("scored.csv");
    const contacts = await ws.readCsv("demo/contacts.csv");
    expect(rows.map((row) => row.id)).toEqual(contacts.map((contact) => contact.id));
    expect(rows.every((row) => Number(row.probability) >= 0 && Number(row.probability) <= 1)).toBe(true);
    expect(new Set(rows.map((row) => row.tier))).toEqual(new Set(["very high", "high", "medium", "low"]));
    expect(rows.some((row) => /\(\+\d+\.\d\d\)$/.test(row.factor_up_1))).toBe(true);
  }, 60_000);

  it("with --rules, uses the rule scores as of each snapshot as features and compares them on the holdout", async () => {
    const rules = join(ROOT, "src/model/templates/b2b.yaml");
    const run = await ws.run(
      ...["train", "--contacts", "demo/contacts.csv", "--events", "demo/events.csv"],
      ...["--companies", "demo/companies.csv", "--snapshots", "2026-06-01,2026-07-01,2026-08-01"],
      ...["--min-positives", "50", "--min-negatives", "100", "--rules", rules, "--out", "ruled.json"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/holdout, predictive beside the rules of .*b2b\.yaml/);
    const artifact = JSON.parse(await ws.read("ruled.json"));
    expect(artifact.schema.contacts.ruleModel.dimensions).toEqual(["fit", "engagement"]);
    const names = artifact.schema.features.map((f: { name: string }) => f.name);
    expect(names).toEqual(expect.arrayContaining(["rule score: total", "rule score: engagement"]));

    const predict = ["predict", "--model", "ruled.json", "--contacts", "demo/contacts.csv"];
    const inputs = [
      "--events",
      "demo/events.csv",
      "--companies",
      "demo/companies.csv",
      "--as-of",
      "2026-09-01",
    ];
    const without = await ws.run(...predict, ...inputs, "--out", "no-rules.csv");
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/trained with the scores of the rule model .* give it with --rules/);
    const scored = await ws.run(...predict, ...inputs, "--rules", rules, "--out", "ruled.csv");
    expect(scored.code, scored.stderr).toBe(0);
    expect(await ws.readCsv("ruled.csv")).toHaveLength((await ws.readCsv("demo/contacts.csv")).length);
  }, 90_000);
});
