/** `leadscore score` end to end: the built binary on real files in a temporary directory. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "./helpers/cli.js";
import { AS_OF, EXPECTED, EXPECTED_BAD_ROWS, fixtureWorkspace } from "./helpers/score-fixtures.js";

let ws: Workspace;
const inputs = ["--model", "model.yaml", "--contacts", "contacts.csv", "--as-of", AS_OF];
const all = [...inputs, "--events", "events.csv", "--companies", "companies.csv"];

beforeAll(async () => {
  ws = await fixtureWorkspace();
});
afterAll(() => ws.remove());

describe("leadscore score", () => {
  it("scores each contact once, in input order, with the expected numbers", async () => {
    const run = await ws.run("score", ...all, "--out", "scored.csv");
    expect(run.stderr).not.toMatch(/Error|at .*\.js/);
    expect(run.code).toBe(0);
    const rows = await ws.readCsv("scored.csv");
    expect(rows.map((r) => r.id)).toEqual(["c1", "c2", "c3", "c4"]);
    for (const row of rows) {
      const [total, fit, engagement, temperature, mql, gates] = EXPECTED[row.id];
      expect([row.total, row.fit, row.engagement].map(Number)).toEqual([total, fit, engagement]);
      expect([row.temperature, row.mql, row.disqualifications]).toEqual([temperature, mql, gates]);
    }
    expect(rows[0].band).toBe("61-80");
    expect(rows[2].disqualified).toBe("true");
  });

  it("prints the as-of date and a summary of the run", async () => {
    const run = await ws.run("score", ...all, "--out", "scored.csv");
    expect(run.stdout).toContain("as of: 2026-06-01T00:00:00.000Z");
    expect(run.stdout).toContain("contacts scored: 4");
    expect(run.stdout).toContain(
      "events: 8 read, 6 matched to a scored contact, 1 dated after the as-of date (not counted)",
    );
    expect(run.stdout).toMatch(/bad rows: 7 \(.*duplicate contact id 1.*unknown contact 2/);
    expect(run.stdout).toContain("temperature: hot 2 (50.0%), cold 2 (50.0%)");
    expect(run.stdout).toContain("bands: 0-20 2 (50.0%), 21-40 0 (0.0%), 41-60 1 (25.0%), 61-80 1 (25.0%)");
    expect(run.stdout).toContain("MQL: 1 (25.0%)");
    expect(run.stdout).toContain("disqualified: 1 (25.0%)");
    expect(run.stdout).toMatch(/elapsed: [\d.]+ s, \d+ events\/s/);
  });

  it("says which as-of date it used when none is given", async () => {
    const run = await ws.run(
      "score",
      "--model",
      "model.yaml",
      "--contacts",
      "contacts.csv",
      "--out",
      "now.csv",
    );
    expect(run.stdout).toMatch(/as of: \d{4}-\d\d-\d\dT[\d:.]+Z \(now; set it with --as-of\)/);
  });

  it("reports every bad row with its file and line, and lists them all in --errors", async () => {
    const run = await ws.run("score", ...all, "--out", "scored.csv", "--errors", "bad.csv");
    expect(run.code).toBe(0);
    for (const expected of EXPECTED_BAD_ROWS) expect(run.stderr).toContain(expected);
    const bad = await ws.readCsv("bad.csv");
    expect(bad.map((r) => `${r.file}:${r.line}: ${r.kind}`)).toEqual(EXPECTED_BAD_ROWS);
    expect(bad[5].message).toContain('contact "c9"');
  });

  it("exits with code 1 under --strict when a bad row was seen, 0 when none was", async () => {
    const strict = await ws.run("score", ...all, "--out", "scored.csv", "--strict");
    expect(strict.code).toBe(1);
    expect(await ws.readCsv("scored.csv")).toHaveLength(4);
    await ws.write("clean.csv", "id,jobTitle\nk1,VP\nk2,Intern\n");
    const clean = await ws.run(
      "score",
      "--model",
      "model.yaml",
      "--contacts",
      "clean.csv",
      "--out",
      "k.csv",
      "--strict",
    );
    expect(clean.code).toBe(0);
  });

  it("shows only the first 20 bad rows on stderr and says where the rest are", async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `e${i},c1,page_view,not-a-date,`);
    await ws.write("many-bad.csv", `id,contactId,type,timestamp,url\n${lines.join("\n")}\n`);
    await ws.write("one.csv", "id,jobTitle\nc1,VP\n");
    const run = await ws.run(
      "score",
      ...["--model", "model.yaml", "--contacts", "one.csv", "--events", "many-bad.csv"],
      ...["--out", "s.csv", "--errors", "all.csv"],
    );
    expect(run.stderr.split("\n").filter((l) => l.includes(": bad timestamp:"))).toHaveLength(20);
    expect(run.stderr).toContain("... and 10 more bad rows, all listed in all.csv");
    expect(await ws.readCsv("all.csv")).toHaveLength(30);
  });

  it("neutralises spreadsheet formulas in text cells but keeps negative numbers", async () => {
    await ws.write(
      "evil.csv",
      'id,jobTitle,note,delta\nx1,"=HYPERLINK(""http://evil"")",+cmd|calc,-5\nx2,@SUM(A1),-2+3,-0.5\n',
    );
    await ws.run(
      "score",
      "--model",
      "model.yaml",
      "--contacts",
      "evil.csv",
      "--keep-columns",
      "--out",
      "evil-out.csv",
    );
    const text = await ws.read("evil-out.csv");
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(text).toContain("'+cmd|calc,-5");
    expect(text).toContain("'@SUM(A1),'-2+3,-0.5");
    expect(text).not.toMatch(/,[=+@]/);
  });

  it("adds each contact's ledger as compact JSON with --ledger", async () => {
    await ws.run("score", ...all, "--out", "ledger.csv", "--ledger");
    const [c1] = await ws.readCsv("ledger.csv");
    const ledger = JSON.parse(c1.ledger);
    expect(ledger.map((line: { ruleId: string }) => line.ruleId)).toEqual([
      "senior",
      "big-company",
      "pricing",
      "demo",
    ]);
    expect(ledger[2].eventIds).toEqual(["e2", "e1"]);
  });

  it("writes account scores with --accounts-out", async () => {
    const run = await ws.run("score", ...all, "--out", "scored.csv", "--accounts-out", "accounts.csv");
    expect(run.stdout).toContain("accounts: 2 written to accounts.csv");
    const accounts = await ws.readCsv("accounts.csv");
    expect(accounts.map((a) => [a.id, a.name, Number(a.score), Number(a.contacts)])).toEqual([
      ["co1", "Acme", 70, 2],
      ["co2", "Tiny", 0, 1],
    ]);
  });

  it("fails clearly on a missing file, without leaving an output file", async () => {
    const run = await ws.run("score", ...inputs, "--events", "nope.csv", "--out", "never.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("nope.csv: file not found");
    await expect(ws.read("never.csv")).rejects.toThrow();
  });

  it("fails at once when an output file cannot be written", async () => {
    const run = await ws.run("score", ...all, "--out", "missing-dir/out.csv", "--errors", "bad-first.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing-dir/out.csv: cannot write the file: no such directory");
    await expect(ws.read("bad-first.csv")).rejects.toThrow();
  });

  it("names the event columns it needs when the events file lacks them", async () => {
    await ws.write("no-type.csv", "id,contactId,timestamp\ne1,c1,2026-05-01\n");
    const run = await ws.run("score", ...inputs, "--events", "no-type.csv", "--out", "x.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no-type.csv: no type column (columns: id, contactId, timestamp)");
  });
});
