/**
 * Every relative link of the README, docs/ and the bench pages leads to a file that exists and,
 * with an anchor, to a heading of that file.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "./helpers/cli.js";
import { brokenLinks, headingAnchors } from "./helpers/doc-links.js";

const PAGES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
  "bench/README.md",
  "bench/HISTORY.md",
];

describe("documentation links", () => {
  it("finds the pages of docs/", () => {
    expect(PAGES).toContain("docs/README.md");
    expect(PAGES).toContain("docs/settings.md");
  });

  it("resolves every relative link and anchor of the README, docs/ and bench/", () => {
    expect(brokenLinks(ROOT, PAGES)).toEqual([]);
  });

  it("links every page of docs/ from the index, and the index from the README", () => {
    const linked = (page: string) => brokenLinks(ROOT, [page]).length === 0;
    expect(linked("docs/README.md")).toBe(true);
    const index = readdirSync(join(ROOT, "docs")).filter(
      (name) => name.endsWith(".md") && name !== "README.md",
    );
    const text = readFileSync(join(ROOT, "docs", "README.md"), "utf8");
    for (const name of index) expect(text, `docs/README.md does not link ${name}`).toContain(`](${name})`);
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).toContain("](docs/README.md");
  });
});

describe("the link checker", () => {
  const dir = mkdtempSync(join(tmpdir(), "leadscore-links-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("makes GitHub's anchors: punctuation dropped, code marks dropped, repeats numbered", () => {
    const anchors = headingAnchors(
      "# Import files: `leadscore import`\n## Run\n## Run\n```\n# not a heading\n```\n",
    );
    expect([...anchors]).toEqual(["import-files-leadscore-import", "run", "run-1"]);
  });

  it("reports a missing file, a missing heading and a broken anchor of the same page, with their lines", () => {
    writeFileSync(join(dir, "a.md"), "# Title\n\n## Part one\n\n[ok](#part-one) [ok](b.md#there)\n");
    writeFileSync(
      join(dir, "b.md"),
      "## There\n\n[gone](c.md) [no](a.md#part-two)\n[self](#nowhere) [web](https://example.com/x#y)\n`[code](c.md)`\n",
    );
    expect(brokenLinks(dir, ["a.md", "b.md"])).toEqual([
      { where: "b.md:3", target: "c.md", reason: "no file c.md" },
      { where: "b.md:3", target: "a.md#part-two", reason: "no heading #part-two in a.md" },
      { where: "b.md:4", target: "#nowhere", reason: "no heading #nowhere in b.md" },
    ]);
  });
});
