import { describe, expect, it } from "vitest";
import { closest, didYouMean, editDistance } from "./suggest.js";

describe("editDistance", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("points", "pints")).toBe(1);
    expect(editDistance("page_view", "page_vue")).toBe(2);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("counts a swap of neighbouring letters as one edit", () => {
    expect(editDistance("feild", "field")).toBe(1);
    expect(editDistance("pionts", "points")).toBe(1);
  });

  it("ignores case", () => {
    expect(editDistance("jobtitle", "jobTitle")).toBe(0);
  });
});

describe("closest", () => {
  it("finds a plausible typo", () => {
    expect(closest("page_veiw", ["page_view", "email_open"])).toBe("page_view");
  });

  it("finds nothing when every candidate is too far", () => {
    expect(closest("x", ["id", "when"])).toBeUndefined();
    expect(closest("budget", ["points", "when"])).toBeUndefined();
  });
});

describe("didYouMean", () => {
  it("phrases the suggestion, or says nothing", () => {
    expect(didYouMean("matchs", ["matches", "equals"])).toBe("; did you mean matches?");
    expect(didYouMean("zzz", ["matches"])).toBe("");
  });
});
