import { describe, expect, it } from "vitest";
import { csvCell, neutraliseFormula } from "./write.js";

describe("neutraliseFormula", () => {
  it("prefixes text a spreadsheet would run as a formula", () => {
    for (const text of ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")'])
      expect(neutraliseFormula(text)).toBe(`'${text}`);
  });

  it("keeps numbers, negative or signed, and ordinary text", () => {
    for (const text of ["-5", "-0.5", "+7", "1e-3", "-.5", "VP Sales", "a=b", "", "-"])
      expect(neutraliseFormula(text)).toBe(text === "-" ? "'-" : text);
  });
});

describe("csvCell", () => {
  it("writes numbers and booleans as they are, missing values as empty, objects as JSON", () => {
    expect([csvCell(-5), csvCell(2.5), csvCell(true), csvCell(null), csvCell(undefined)]).toEqual([
      "-5",
      "2.5",
      "true",
      "",
      "",
    ]);
    expect(csvCell([{ a: 1 }])).toBe('[{"a":1}]');
    expect(csvCell(Number.NaN)).toBe("");
  });
});
