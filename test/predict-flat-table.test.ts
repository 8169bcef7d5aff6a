/**
 * The flat-table path on real leads (X Education, 9,237 rows): types inferred, identifiers and
 * constant columns left out with their reason, the label read; the same data written the
 * European way (semicolons, decimal commas, BOM, CRLF, quoted or not) gives the same Dataset;
 * a bad label names its line; prediction encodes a new file row by row in order.
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadScoringTable, loadTrainingTable } from "../src/io/flat-table.js";
import { type CategoricalColumn, type NumericColumn, takeRows } from "../src/predict/dataset.js";
import type { TableResult } from "../src/predict/table.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DATA = join(ROOT, "../shared/data/x-education-leads/Leads.csv");
const present = existsSync(DATA);
if (!present) console.warn(`flat-table tests on X Education skipped: the data file ${DATA} is absent`);

/** Writes rows the European way: semicolons, decimal commas, and the given quoting and line ends. */
function european(rows: string[][], quoted: boolean, newline: string, bom: boolean): string {
  const cell = (text: string) => {
    const value = /^-?\d+\.\d+$/.test(text) ? text.replace(".", ",") : text;
    return quoted ? `"${value.replaceAll('"', '""')}"` : value;
  };
  const body = rows.map((row) => row.map(cell).join(";")).join(newline);
  return `${bom ? "\uFEFF" : ""}${body}${newline}`;
}

describe.skipIf(!present)(`flat table on X Education (needs ${DATA})`, () => {
  let dir: string;
  let rows: string[][];
  let result: TableResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "leadscore-flat-"));
    rows = parse(await readFile(DATA, "utf8"));
    const started = performance.now();
    result = await loadTrainingTable(DATA, { label: "Converted" });
    console.info(`x-education: read and typed in ${Math.round(performance.now() - started)} ms`);
  });
  afterAll(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  it("reads every row and the label", () => {
    expect(result.dataset.rows).toBe(9237);
    expect(result.dataset.label!.reduce((sum, v) => sum + v, 0)).toBe(3559);
    expect(result.schema.label).toEqual({ column: "Converted", positive: ["1"], negative: ["0"] });
  });

  it("leaves out the two identifiers and the five constant columns, saying why", () => {
    expect(result.schema.ignored.map((c) => [c.name, c.reason])).toEqual([
      ["Prospect ID", "id-like"],
      ["Lead Number", "id-like"],
      ["Magazine", "constant"],
      ["Receive More Updates About Our Courses", "constant"],
      ["Update me on Supply Chain Content", "constant"],
      ["Get updates on DM Content", "constant"],
      ["I agree to pay the amount through cheque", "constant"],
    ]);
    expect(result.schema.ignored[1].detail).toBe("a distinct integer in each of 9237 rows (a record number)");
  });

  it("infers numbers, yes/no columns and categories", () => {
    const kinds = Object.fromEntries(result.schema.features.map((f) => [f.name, f.kind]));
    expect(Object.keys(kinds)).toHaveLength(29);
    const of = (kind: string) => Object.keys(kinds).filter((name) => kinds[name] === kind);
    expect(of("numeric")).toEqual([
      "TotalVisits",
      "Total Time Spent on Website",
      "Page Views Per Visit",
      "Asymmetrique Activity Score",
      "Asymmetrique Profile Score",
    ]);
    expect(of("boolean")).toHaveLength(9);
    expect(of("boolean")).toContain("Do Not Email");
    expect(of("categorical")).toHaveLength(15);
    const pages = result.dataset.features.find((f) => f.name === "Page Views Per Visit") as NumericColumn;
    expect(pages.values[1]).toBe(2.5);
  });

  it('reads "Select" and empty cells as missing, and groups rare levels', () => {
    const specialization = result.dataset.features.find(
      (f) => f.name === "Specialization",
    ) as CategoricalColumn;
    expect(specialization.levels).not.toContain("Select");
    expect(specialization.codes.filter((code) => code === -1).length).toBe(1942 + 1438);
    const country = result.dataset.features.find((f) => f.name === "Country") as CategoricalColumn;
    expect(country.levels).toEqual(["India", "United States", "United Arab Emirates", "(other)"]);
    expect(result.notes).toContain('Country: 35 rare levels (165 rows) grouped into "(other)"');
  });

  it.each([
    ["quoted, with BOM and CRLF", true, "\r\n", true],
    ["unquoted, LF", false, "\n", false],
  ])(
    "gives the same Dataset from a semicolon, decimal-comma copy (%s)",
    async (_how, quoted, newline, bom) => {
      const path = join(dir, `leads-${quoted ? "quoted" : "plain"}.csv`);
      await writeFile(path, european(rows, quoted, newline, bom));
      const copy = await loadTrainingTable(path, { label: "Converted" });
      expect(copy.table.description).toBe("CSV, semicolon-separated");
      expect(copy.dataset).toEqual(result.dataset);
      expect(copy.schema).toEqual(result.schema);
      expect(copy.notes).toEqual(result.notes);
    },
  );

  it("names the line and the value of a bad label", async () => {
    const bad = rows.map((row) => [...row]);
    bad[100][rows[0].indexOf("Converted")] = "maybe";
    const path = join(dir, "bad-label.csv");
    await writeFile(path, `${bad.map((row) => row.map((c) => `"${c}"`).join(",")).join("\n")}\n`);
    await expect(loadTrainingTable(path, { label: "Converted" })).rejects.toThrow(
      `${path}:101: the label "Converted" is "maybe"; a label is 0/1, yes/no or true/false`,
    );
    await expect(loadTrainingTable(DATA, { label: "Convertd" })).rejects.toThrow(
      'no label column "Convertd"; the columns are "Prospect ID", "Lead Number", "Lead Origin"',
    );
  });

  it("encodes a new file with the training schema: every row, in order, extra columns ignored", async () => {
    const keep = rows[0]
      .filter((name) => !["Prospect ID", "Lead Number", "Converted"].includes(name))
      .reverse();
    const fresh = [
      ["note", ...keep],
      ...rows.slice(1, 51).map((row) => ["x", ...keep.map((n) => row[rows[0].indexOf(n)])]),
    ];
    const path = join(dir, "new.csv");
    await writeFile(path, european(fresh, true, "\r\n", true));
    const scored = await loadScoringTable(path, result.schema);
    const expected = takeRows(
      result.dataset,
      Int32Array.from({ length: 50 }, (_, i) => i),
    );
    expect(scored.dataset).toEqual({ ...expected, label: undefined });
    expect(scored.table.rows).toBe(50);
  });
});
