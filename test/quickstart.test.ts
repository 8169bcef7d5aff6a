import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Run, Workspace } from "./helpers/cli.js";

let ws: Workspace;
let run: Run;

beforeAll(async () => {
  ws = await Workspace.create("leadscore-quickstart-");
  run = await ws.run("quickstart", "--dir", "demo", "--contacts", "300", "--seed", "5");
}, 120_000);

afterAll(() => ws.remove());

describe("leadscore quickstart (npm start)", () => {
  it("generates demo data, writes the b2b model and scores every contact", async () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const scored = await ws.readCsv("demo/scored.csv");
    expect(scored).toHaveLength(300);
    expect(await ws.read("demo/model.yaml")).toContain("name:");
    expect(run.stdout).toContain("contacts scored: 300");
  });

  it("lists the ten hottest leads, best first, none disqualified", async () => {
    const scored = await ws.readCsv("demo/scored.csv");
    const best = Math.max(...scored.filter((r) => r.disqualified === "false").map((r) => Number(r.total)));
    const section = run.stdout.split("The ten hottest leads")[1].split("\n5.")[0];
    const rows = section.trim().split("\n").slice(2); // the heading's end, then the column names
    expect(rows).toHaveLength(10);
    expect(Number(rows[0].trim().split(/\s+/)[1])).toBe(best);
  });

  it("explains the top lead with a ledger that adds up to its total", () => {
    const explanation = run.stdout.split("every point, with its evidence")[1];
    const total = Number(/\n\s+([\d.]+)\s+total\n/.exec(explanation)?.[1]);
    const totalSection = explanation.split("\nTotal\n")[1].split("\n\n")[0];
    const parts = [...totalSection.matchAll(/^\s+([+-][\d.]+)\s/gm)].map((m) => Number(m[1]));
    expect(parts.length).toBeGreaterThanOrEqual(2);
    expect(Math.round(parts.reduce((a, b) => a + b, 0) * 100) / 100).toBe(total);
  });
});
