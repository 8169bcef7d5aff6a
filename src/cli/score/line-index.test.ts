import { describe, expect, it } from "vitest";
import { LineIndex } from "./line-index.js";

describe("LineIndex", () => {
  it("gives back the line of every ordinal while storing only where the offset changes", () => {
    const lines = [2, 3, 4, 7, 8, 12, 13, 14, 15];
    const index = new LineIndex();
    lines.forEach((line, ordinal) => {
      index.add(ordinal, line);
    });
    expect(lines.map((_, ordinal) => index.lineOf(ordinal))).toEqual(lines);
    expect((index as unknown as { ordinals: number[] }).ordinals).toEqual([0, 3, 5]);
  });
});
