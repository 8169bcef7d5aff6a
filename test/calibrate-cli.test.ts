/**
 * `leadscore calibrate` end to end, on the demo data with the rfm template: the calibrated bands
 * hold about a fifth of the customers each when the model is then used to score, and the file
 * keeps its comments and layout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Run, Workspace } from "./helpers/cli.js";

let ws: Workspace;
let original: string;
let calibrated: string;
let run: Run;
const AS_OF = "2026-11-01";
const data = ["--contacts", "data/contacts.csv", "--events", "data/events.csv", "--as-of", AS_OF];

beforeAll(async () => {
  ws = await Workspace.create("leadscore-calibrate-");
  expect((await ws.run("demo", "--out", "data", "--contacts", "3000")).code).toBe(0);
  expect((await ws.run("init", "--template", "rfm", "--out", "rfm.yaml")).code).toBe(0);
  original = await ws.read("rfm.yaml");
  run = await ws.run(
    "calibrate",
    "--model",
    "rfm.yaml",
    ...data,
    "--companies",
    "data/companies.csv",
    "--out",
    "calibrated.yaml",
  );
  calibrated = await ws.read("calibrated.yaml");
});
afterAll(() => ws.remove());

/** Share of each points value of a dimension among the scored contacts whose points are above 0. */
async function pointShares(file: string, dimension: string): Promise<Map<number, number>> {
  const rows = await ws.readCsv(file);
  const customers = rows.map((row) => Number(row[dimension])).filter((points) => points > 0);
  const shares = new Map<number, number>();
  for (const points of customers) shares.set(points, (shares.get(points) ?? 0) + 1 / customers.length);
  return shares;
}

describe("leadscore calibrate", () => {
  it("prints each rule's bands, now and calibrated, with the share of contacts in each", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("as of: 2026-11-01T00:00:00.000Z");
    expect(run.stdout).toContain("contacts read: 3000");
    for (const rule of [
      "recency / days-since-last-order",
      "frequency / orders-last-year",
      "monetary / spend-last-year",
    ])
      expect(run.stdout).toContain(rule);
    const monetary = run.stdout.slice(run.stdout.indexOf("monetary / spend-last-year"));
    expect(monetary).toMatch(
      /band\s+points\s+range now\s+new range\s+contacts now → new \(target: a fifth each\)/,
    );
    expect(monetary).toMatch(/\n {2}1\s+5\s+25000 or more\s+\d+ or more\s+[\d.]+% \(\d+\) → [\d.]+% \(\d+\)/);
    expect(monetary).toMatch(/\n {2}5\s+1\s+0\.01 to under 3500\s+0\.01 to under \d+/);
    // Most customers order once a year: frequency cannot be split in fifths, and the output says so.
    expect(run.stdout).toMatch(/note: uneven: 1 alone is the value of [\d.]+% of the contacts/);
    expect(run.stdout).toMatch(/wrote calibrated.yaml: \d+ limits changed in 3 rules; the model is valid/);
  });

  it("scoring with the calibrated model puts 20% ± 5% of the customers in each monetary and recency band", async () => {
    const score = await ws.run("score", "--model", "calibrated.yaml", ...data, "--out", "scored.csv");
    expect(score.code).toBe(0);
    for (const dimension of ["monetary", "recency"]) {
      const shares = await pointShares("scored.csv", dimension);
      expect([...shares.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
      for (const share of shares.values()) {
        expect(share).toBeGreaterThanOrEqual(0.15);
        expect(share).toBeLessThanOrEqual(0.25);
      }
    }
    // The template's own limits are far from that on this data.
    await ws.run("score", "--model", "rfm.yaml", ...data, "--out", "before.csv");
    const before = await pointShares("before.csv", "recency");
    expect(Math.max(...before.values())).toBeGreaterThan(0.3);
  });

  it("changes only band limits: comments, layout and everything else stay as written", async () => {
    const before = original.split("\n");
    const after = calibrated.split("\n");
    expect(after).toHaveLength(before.length);
    const changed = before.flatMap((line, i) => (line === after[i] ? [] : [[line, after[i]]]));
    expect(changed.length).toBeGreaterThanOrEqual(8);
    for (const [was, now] of changed) {
      expect(was).toMatch(/^ {10}- \{ (min|max): [\d.]+, points: \d \}/);
      expect(now.replace(/(min|max): [\d.]+/, "")).toBe(was.replace(/(min|max): [\d.]+/, ""));
    }
    for (const comment of before.filter((line) => line.trim().startsWith("#")))
      expect(calibrated).toContain(comment);
    expect(after.find((line) => line.includes("# ordered this month"))).toMatch(/max: [\d.]+, points: 5 \}/);
  });

  it("writes a valid model, already calibrated for the same data", async () => {
    const validate = await ws.run("validate", "calibrated.yaml");
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain("calibrated.yaml: OK");
    const again = await ws.run(
      "calibrate",
      "--model",
      "calibrated.yaml",
      ...data,
      "--rule",
      "spend-last-year",
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("the limits already split the contacts this way: nothing to change");
    expect(again.stdout).toContain("nothing to change");
  });

  it("reports without writing when --out is not given, for the rules named", async () => {
    const dry = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--rule", "spend-last-year");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("monetary / spend-last-year");
    expect(dry.stdout).not.toContain("orders-last-year");
    expect(dry.stdout).toMatch(/4 limits would change in 1 rule; add --out FILE to write the model/);
  });

  it("reads grouped events in lockstep with the same result", async () => {
    const grouped = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--grouped");
    const indexed = await ws.run("calibrate", "--model", "rfm.yaml", ...data);
    expect(grouped.code).toBe(0);
    expect(grouped.stdout).toBe(indexed.stdout);
  });
});

describe("leadscore calibrate: problems", () => {
  it("names an unknown rule, a rule without bands and bands it cannot read", async () => {
    const typo = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--rule", "spend-last-yaer");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      '--rule spend-last-yaer: no rule "spend-last-yaer" in rfm.yaml; did you mean spend-last-year?',
    );
    const b2b = await ws.run("init", "--template", "b2b", "--out", "b2b.yaml");
    expect(b2b.code).toBe(0);
    const property = await ws.run("calibrate", "--model", "b2b.yaml", ...data, "--rule", "free-mail");
    expect(property.stderr).toContain("--rule free-mail: not an aggregate or recency rule");
    const single = await ws.run("calibrate", "--model", "b2b.yaml", ...data, "--rule", "return-visits");
    expect(single.code).toBe(2);
    expect(single.stderr).toContain("--rule return-visits: its bands cannot be calibrated: a single band");
    const all = await ws.run("calibrate", "--model", "b2b.yaml", ...data);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("engagement / return-visits: left as is: a single band: nothing to split");
    expect(all.stdout).toContain("engagement / recency: days since the last");
  });

  it("reports an invalid model with its file and line, and bad data rows with theirs", async () => {
    await ws.write("broken.yaml", original.replace("aggregate: sum", "aggregate: total"));
    const broken = await ws.run("calibrate", "--model", "broken.yaml", ...data);
    expect(broken.code).toBe(2);
    const line = original.split("\n").findIndex((text) => text.includes("aggregate: sum")) + 1;
    expect(broken.stderr).toContain(`broken.yaml:${line}:`);
    const events = (await ws.read("data/events.csv")).split("\n");
    events[5] = events[5].replace(/2026-\d\d-\d\dT[\d:]+Z/, "yesterday");
    await ws.write("bad-events.csv", events.join("\n"));
    const bad = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--events", "bad-events.csv");
    expect(bad.code).toBe(0);
    expect(bad.stderr).toContain("bad-events.csv:6: bad timestamp");
    expect(bad.stdout).toContain("bad rows: 1 (bad timestamp 1)");
    const missing = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--contacts", "nope.csv");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.csv");
    const out = await ws.run("calibrate", "--model", "rfm.yaml", ...data, "--out", "no/such/dir/x.yaml");
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--out no/such/dir/x.yaml: cannot write");
  });
});
