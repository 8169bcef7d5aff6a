/** `leadscore explain`: one contact's ledger, as a salesperson reads it, or as JSON. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "./helpers/cli.js";
import { AS_OF, fixtureWorkspace, MODEL } from "./helpers/score-fixtures.js";

let ws: Workspace;
const inputs = ["--model", "model.yaml", "--contacts", "contacts.csv", "--events", "events.csv"];
const explain = (...args: string[]) =>
  ws.run("explain", ...inputs, "--companies", "companies.csv", "--as-of", AS_OF, ...args);

beforeAll(async () => {
  ws = await fixtureWorkspace();
});
afterAll(() => ws.remove());

describe("leadscore explain", () => {
  it("heads with the verdict, then lists every point with its evidence, then the total", async () => {
    const run = await explain("--contact", "c1");
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe("Contact c1: VP Sales at Acme <a@acme.io>");
    expect(lines[1]).toBe(
      "model small v1, as of 2026-06-01T00:00:00.000Z, 4 events (1 after the as-of date, not counted)",
    );
    expect(lines[2]).toBe("Total 70  ·  hot  ·  band 61-80  ·  MQL: yes");
    expect(run.stdout).toContain(`
fit  30
  +20  jobTitle matches "vp|director": 20 points  [senior]
       jobTitle = "VP Sales"
  +10  company.employees >= 50: 10 points  [big-company]
       company.employees = "120"
`);
    expect(run.stdout).toContain(`
engagement  40
  +10  2 × page_view where url contains "/pricing" at 5 points  [pricing]
       events: e2, e1
       occurrences: 2
  +30  1 × demo_request at 30 points  [demo]
       events: e3
`);
    expect(run.stdout).toContain(`
Total
  +30  fit
  +40  engagement
   70  total
`);
    expect(run.stdout).not.toContain("Disqualified");
  });

  it("shows disqualifications apart, with the gate's reason and evidence", async () => {
    const run = await explain("--contact", "c3");
    expect(run.stdout).toContain(`
Disqualified: not handed to sales whatever the score
  ✗ Unsubscribed from emails  [unsubscribed]
      unsubscribed = "true"
`);
    expect(run.stdout).toContain("MQL: no");
    expect(run.stderr).toContain("2 bad event rows skipped");
  });

  it("prints the raw result with --json", async () => {
    const run = await explain("--contact", "c1", "--json");
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ id: "c1", asOf: "2026-06-01T00:00:00.000Z", total: 70, mql: true });
    expect(result.ledger).toHaveLength(4);
    expect(result.totalLines).toEqual([
      { dimension: "fit", weight: 1, points: 30 },
      { dimension: "engagement", weight: 1, points: 40 },
    ]);
  });

  it("says so clearly when the contact id is unknown", async () => {
    const run = await explain("--contact", "nobody");
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('leadscore: contact "nobody" is not in contacts.csv (6 rows read)\n');
  });

  it("shows base, decayed and final points when decay changed them", async () => {
    await ws.write(
      "decay.yaml",
      `${MODEL.replace("points: 30\n", "points: 30\n        decay: { halfLife: 30d }\n")}`,
    );
    const run = await ws.run(
      "explain",
      ...["--model", "decay.yaml", "--contacts", "contacts.csv", "--events", "events.csv"],
      ...["--as-of", "2026-06-03T00:00:00Z", "--contact", "c3"],
    );
    expect(run.stdout).toContain("points: 30 base → 15 decayed → 15 final");
  });

  it("heads a line with its rule's label, the computed reason under it, and carries the label in --json", async () => {
    await ws.write(
      "labels.yaml",
      MODEL.replace("      - id: senior\n", "      - id: senior\n        label: Senior decision maker\n"),
    );
    const args = ["--model", "labels.yaml", "--contacts", "contacts.csv", "--events", "events.csv"];
    args.push("--companies", "companies.csv");
    const run = await ws.run("explain", ...args, "--as-of", AS_OF, "--contact", "c1");
    expect(run.stdout).toContain(`
fit  30
  +20  Senior decision maker  [senior]
       jobTitle matches "vp|director": 20 points
       jobTitle = "VP Sales"
  +10  company.employees >= 50: 10 points  [big-company]
`);
    const json = await ws.run("explain", ...args, "--as-of", AS_OF, "--contact", "c1", "--json");
    const labels = JSON.parse(json.stdout).ledger.map((line: { label: string }) => line.label);
    expect(labels).toEqual([
      "Senior decision maker",
      "company.employees >= 50",
      'page_view where url contains "/pricing"',
      "demo_request",
    ]);
  });
});
