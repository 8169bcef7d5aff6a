import { describe, expect, it } from "vitest";
import type { CategoricalColumn, NumericColumn } from "./dataset.js";
import { dateOrderOf, parseDate } from "./dates.js";
import { DataError, type RawTable, uniqueNames } from "./raw-table.js";
import { applySchema, type FeatureSchema, readLabel } from "./schema.js";
import { buildTable, inferSchema } from "./table.js";

/** A table from rows of cells (header first); lines are 2, 3, ... as in a file. */
function tableOf(rows: string[][], decimalComma = false): RawTable {
  const [header, ...body] = rows;
  return {
    rows: body.length,
    columns: header.map((name, c) => ({ name, cells: body.map((row) => row[c]) })),
    decimalComma,
  };
}

/** n rows of one column built by `cell(i)`, plus a label column alternating 0/1. */
function column(name: string, n: number, cell: (i: number) => string): RawTable {
  return tableOf([[name, "y"], ...Array.from({ length: n }, (_, i) => [cell(i), String(i % 2)])]);
}

const small = { minLevelRows: 1, minLevelShare: 0 };

function kindOf(table: RawTable, name: string, options = small) {
  const { schema } = inferSchema(table, options, ["y"]);
  const feature = schema.features.find((f) => f.name === name);
  if (feature) return feature.kind;
  return schema.ignored.find((f) => f.name === name)?.reason;
}

describe("column types", () => {
  it("reads numbers, with a decimal comma only in semicolon files", () => {
    const cells = (i: number) => `${i},5`;
    expect(
      kindOf(
        column("x", 40, (i) => `${i}.5`),
        "x",
      ),
    ).toBe("numeric");
    expect(kindOf({ ...column("x", 40, cells), decimalComma: true }, "x")).toBe("numeric");
    const comma = { ...column("x", 40, cells), decimalComma: true };
    expect(buildTable(comma, { label: "y" }).dataset.features[0]).toMatchObject({
      values: expect.any(Float64Array),
    });
    expect((buildTable(comma, { label: "y" }).dataset.features[0] as NumericColumn).values[3]).toBe(3.5);
    expect(
      kindOf(
        column("x", 40, (i) => `${i % 10},5`),
        "x",
      ),
    ).toBe("categorical");
  });

  it("reads yes/no words as booleans (1/0) and a 0/1 column as numeric", () => {
    const words = ["Yes", "no", "TRUE", "false", "oui", "Non", ""];
    const table = column("b", 70, (i) => words[i % words.length]);
    expect(kindOf(table, "b")).toBe("boolean");
    const values = (buildTable(table, { label: "y" }).dataset.features[0] as NumericColumn).values;
    expect([...values.slice(0, 7)]).toEqual([1, 0, 1, 0, 1, 0, Number.NaN]);
    expect(
      kindOf(
        column("b", 40, (i) => String(i % 2)),
        "b",
      ),
    ).toBe("numeric");
  });

  it("reads the placeholders as missing, keeping missing as information", () => {
    const tokens = ["", "NA", "n/a", "null", "None", "-", "Select", "?", "#N/A", "red", "blue"];
    const table = column("c", 110, (i) => tokens[i % tokens.length]);
    const result = buildTable(table, { label: "y", ...small });
    const feature = result.dataset.features[0] as CategoricalColumn;
    expect(feature.levels).toEqual(["blue", "red"]);
    expect([...feature.codes.slice(0, 11)]).toEqual([-1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 0]);
  });

  it("leaves out empty and constant columns, with the reason", () => {
    const table = tableOf([
      ["empty", "same", "sameButMissing", "no", "y"],
      ...Array.from({ length: 30 }, (_, i) => ["", "A", i % 3 ? "A" : "", "No", String(i % 2)]),
    ]);
    const { schema } = inferSchema(table, small, ["y"]);
    expect(schema.ignored).toEqual([
      { name: "empty", reason: "empty", detail: "every one of 30 cells is missing" },
      { name: "same", reason: "constant", detail: '"A" in all 30 rows' },
      { name: "no", reason: "constant", detail: '"No" (no) in all 30 rows' },
    ]);
    expect(schema.features).toEqual([{ name: "sameButMissing", kind: "categorical", levels: ["A"] }]);
  });

  it("leaves out identifiers: by name, unique text, unique integers", () => {
    const table = tableOf([
      ["Prospect ID", "contactId", "Lead Number", "code", "Do Not Email", "amount", "y"],
      ...Array.from({ length: 40 }, (_, i) => [
        `p${i}`,
        String(1000 + (i % 38)),
        String(660000 + 7 * i),
        `k-${i * 13}`,
        i % 2 ? "Yes" : "No",
        String(i + 0.5),
        String(i % 2),
      ]),
    ]);
    const { schema } = inferSchema(table, small, ["y"]);
    expect(schema.ignored.map((c) => [c.name, c.reason])).toEqual([
      ["Prospect ID", "id-like"],
      ["contactId", "id-like"],
      ["Lead Number", "id-like"],
      ["code", "id-like"],
    ]);
    expect(schema.features.map((f) => f.kind)).toEqual(["boolean", "numeric"]);
  });

  it("groups rare levels into (other), ordered by frequency, and drops free text", () => {
    const cell = (i: number) => (i < 60 ? "b" : i < 100 ? "a" : i < 110 ? `rare${i % 3}` : "c");
    const table = column("src", 140, cell);
    const result = buildTable(table, { label: "y", minLevelRows: 15, minLevelShare: 0 });
    expect(result.schema.features[0]).toEqual({
      name: "src",
      kind: "categorical",
      levels: ["b", "a", "c", "(other)"],
    });
    expect(result.notes).toEqual(['src: 3 rare levels (10 rows) grouped into "(other)"']);
    const codes = (result.dataset.features[0] as CategoricalColumn).codes;
    expect([codes[0], codes[60], codes[100], codes[139]]).toEqual([0, 1, 3, 2]);
    const text = column("comment", 200, (i) => (i < 40 ? "ok" : `free text ${i}`));
    expect(inferSchema(text, {}, ["y"]).schema.ignored[0]).toEqual({
      name: "comment",
      reason: "high-cardinality",
      detail: "161 distinct values; 80% of rows hold a rare one",
    });
  });

  it("keeps a numeric column with a few unreadable cells, reading them as missing", () => {
    const table = column("n", 200, (i) => (i === 150 ? "n.c." : String(i)));
    const result = buildTable(table, { label: "y", exclude: [] });
    expect(result.schema.features[0].kind).toBe("numeric");
    expect(result.notes).toEqual(['n: 1 value is not a number; read as missing (first: "n.c.", line 152)']);
  });

  it("excludes the columns asked for, and refuses an unknown one", () => {
    const table = column("x", 40, (i) => String(i * 1.5));
    expect(inferSchema(table, { exclude: ["X"] }, ["y"]).schema.ignored).toEqual([
      { name: "x", reason: "excluded", detail: "excluded by request" },
    ]);
    expect(() => inferSchema(table, { exclude: ["z"] })).toThrow('cannot exclude "z": no such column');
  });

  it("names repeated and blank header cells so that they stay distinct", () => {
    expect(uniqueNames(["a", "a", "", "a (2)", " b "])).toEqual(["a", "a (2)", "column 3", "a (2) (2)", "b"]);
  });

  it("returns the times of a date column (day first in semicolon files)", () => {
    const table = tableOf(
      [
        ["when", "y"],
        ["03/02/2024", "1"],
        ["", "0"],
        ["25/12/2023 10:30", "0"],
      ],
      true,
    );
    const result = buildTable(table, { label: "y", timeColumn: "when" });
    expect([...result.times!]).toEqual([Date.UTC(2024, 1, 3), Number.NaN, Date.UTC(2023, 11, 25, 10, 30)]);
    expect(result.schema.ignored[0].reason).toBe("date");
    expect(() => buildTable(table, { label: "y", timeColumn: "y" })).toThrow(DataError);
  });
});

describe("date cells", () => {
  it("reads ISO dates with offsets, and tells day-first from month-first by the column", () => {
    expect(parseDate("2026-03-01T10:00:00+02:00", "iso")).toBe(Date.UTC(2026, 2, 1, 8));
    expect(parseDate("2026-02-30", "iso")).toBeNaN();
    expect(dateOrderOf(["12/31/2025", "01/02/2026"], true)).toBe("month-first");
    expect(dateOrderOf(["31.12.2025", "01.02.2026"], false)).toBe("day-first");
    expect(dateOrderOf(["01/02/2026"], false)).toBe("month-first");
    expect(dateOrderOf(["2026-01-02", "01/02/2026"], false)).toBeUndefined();
    expect(dateOrderOf(["13/01/2026", "01/13/2026"], false)).toBeUndefined();
  });
});

describe("the label", () => {
  it("reads 0/1, yes/no, true/false and oui/non in any case", () => {
    const table = tableOf([
      ["Converted"],
      ["1"],
      ["0"],
      ["YES"],
      ["no"],
      ["True"],
      ["false"],
      ["Oui"],
      ["non"],
    ]);
    const { label, mapping } = readLabel(table, "converted", []);
    expect([...label]).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(mapping).toEqual({
      column: "Converted",
      positive: ["1", "Oui", "True", "YES"],
      negative: ["0", "false", "no", "non"],
    });
  });

  it("refuses any other value, naming the line and the value", () => {
    const table = tableOf([["Converted"], ["1"], ["0"], ["maybe"]]);
    expect(() => readLabel(table, "Converted", [])).toThrow(
      'line 4: the label "Converted" is "maybe"; a label is 0/1, yes/no or true/false',
    );
    const empty = tableOf([["Converted"], ["1"], [""]]);
    expect(() => readLabel(empty, "Converted", [""])).toThrow(
      'line 3: the label "Converted" is missing ("")',
    );
  });

  it("refuses a missing label column, listing the columns", () => {
    const table = tableOf([
      ["a", "b"],
      ["1", "2"],
    ]);
    expect(() => buildTable(table, { label: "Converted" })).toThrow(
      'no label column "Converted"; the columns are "a", "b"',
    );
  });
});

describe("applySchema (prediction)", () => {
  const training = tableOf([
    ["id", "colour", "size", "vip", "y"],
    ...Array.from({ length: 60 }, (_, i) => [
      `r${i}`,
      ["red", "blue", "green"][i % 3] + (i === 59 ? "ish" : ""),
      String(i / 4),
      i % 4 ? "no" : "yes",
      String(i % 2),
    ]),
  ]);
  const options = { label: "y", minLevelRows: 5, minLevelShare: 0 };

  it("re-encodes the training table exactly, also from the schema read back from JSON", () => {
    const result = buildTable(training, options);
    const schema = JSON.parse(JSON.stringify(result.schema)) as FeatureSchema;
    const again = applySchema(schema, training, { label: true }).dataset;
    expect(again).toEqual(result.dataset);
    expect(schema.label).toEqual({ column: "y", positive: ["1"], negative: ["0"] });
  });

  it("keeps every row in order, sends unseen levels to (other), ignores extra columns", () => {
    const { schema } = buildTable(training, options);
    const fresh = tableOf([
      ["extra", "vip", "size", "colour"],
      ["x", "yes", "2,5", "purple"],
      ["x", "", "1", "blue"],
      ["x", "maybe", "", "red"],
    ]);
    const { dataset, notes } = applySchema(schema, { ...fresh, decimalComma: true });
    expect(dataset.rows).toBe(3);
    expect(dataset.label).toBeUndefined();
    const [colour, size, vip] = dataset.features;
    // red 20 rows, blue 20, green 19 ("greenish" is rare): by frequency, ties by text.
    expect(colour).toMatchObject({ levels: ["blue", "red", "green", "(other)"] });
    expect([...(colour as CategoricalColumn).codes]).toEqual([3, 0, 1]);
    expect([...(size as NumericColumn).values]).toEqual([2.5, 1, Number.NaN]);
    expect([...(vip as NumericColumn).values]).toEqual([1, Number.NaN, Number.NaN]);
    expect(notes.map((note) => note.message)).toEqual([
      'colour: 1 value was not seen in training; read as "(other)" (first: "purple", line 2)',
      'vip: 1 value is not a yes/no word; read as missing (first: "maybe", line 4)',
    ]);
  });

  it("reads unseen levels as missing when training had no (other) level", () => {
    const schema: FeatureSchema = {
      version: 1,
      features: [{ name: "c", kind: "categorical", levels: ["a", "b"] }],
      ignored: [],
      missingTokens: [""],
    };
    const { dataset } = applySchema(schema, tableOf([["c"], ["b"], ["z"], [""]]));
    expect([...(dataset.features[0] as CategoricalColumn).codes]).toEqual([1, -1, -1]);
  });

  it("names the columns a new table lacks", () => {
    const { schema } = buildTable(training, options);
    expect(() => applySchema(schema, tableOf([["colour"], ["red"]]))).toThrow(
      'missing columns "size", "vip"; the table has "colour"',
    );
  });
});
