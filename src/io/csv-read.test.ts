import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCsv, sniffDelimiter } from "./csv-read.js";
import type { Row } from "./source.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "csv-read-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function readAll(text: string | Buffer, chunkBytes?: number) {
  const path = join(dir, "t.csv");
  await writeFile(path, text);
  const source = await openCsv(path, chunkBytes);
  const rows: Row[] = [];
  for await (const batch of source.batches()) rows.push(...batch);
  return { source, rows };
}

describe("sniffDelimiter", () => {
  it("picks the separator of the header line, ignoring quoted text", () => {
    expect(sniffDelimiter("a,b,c\n1;2;3;4;5")).toBe(",");
    expect(sniffDelimiter('"x,y";b;c\n')).toBe(";");
    expect(sniffDelimiter("a\tb\tc")).toBe("\t");
    expect(sniffDelimiter("single")).toBe(",");
  });
});

describe("openCsv", () => {
  it("reads the header, drops a byte-order mark and numbers lines from the header", async () => {
    const { source, rows } = await readAll("\uFEFFid;name\r\n1;a\r\n\r\n2;b\r\n");
    expect(source.columns).toEqual(["id", "name"]);
    expect(source.description).toBe("CSV, semicolon-separated");
    expect(rows.map((r) => [r.line, r.data])).toEqual([
      [2, ["1", "a"]],
      [4, ["2", "b"]],
    ]);
  });

  it("flags a row with a different number of cells, but not a trailing delimiter", async () => {
    const { rows } = await readAll("a,b\n1,2,\n1\n1,2,3\n");
    expect(rows.map((r) => r.problem)).toEqual([
      undefined,
      "has 1 cells but the header has 2 columns",
      "has 3 cells but the header has 2 columns",
    ]);
  });

  it("reads lines ended by a lone carriage return", async () => {
    const { rows } = await readAll("a,b\r1,2\r3,4");
    expect(rows.map((r) => [r.line, r.data])).toEqual([
      [2, ["1", "2"]],
      [3, ["3", "4"]],
    ]);
  });

  it("reports an unclosed quote with its line", async () => {
    await expect(readAll('a,b\n1,2\n3,"open\n')).rejects.toThrow(/t\.csv:3: not valid CSV/);
  });

  it("reads any table back as written, at any chunk size, with each record's first line", async () => {
    const cell = fc.oneof(
      fc.constantFrom("", "x", "-5", 'q"q', "a,b", "a;b", "l1\nl2", "r1\r\nr2", " padded ", "é€"),
      fc.string({ maxLength: 6 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(",", ";"),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 1, max: 64 }),
        async (table, delimiter, newline, chunkBytes) => {
          // A row of one blank cell reads as an empty line; real exports have no such rows.
          const records = table.filter((r) => !r.every((c) => c.trim() === ""));
          const text = stringify([["h1", "h2", "h3"], ...records], {
            delimiter,
            record_delimiter: newline,
            quote_record_delimiter: true,
          });
          const { rows } = await readAll(text, chunkBytes);
          expect(rows.map((r) => r.data)).toEqual(records);
          let line = 2;
          for (const [k, row] of rows.entries()) {
            expect(row.line).toBe(line);
            line += 1 + records[k].join("").split("\n").length - 1;
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
