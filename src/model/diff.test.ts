import { describe, expect, it } from "vitest";
import { diffModels } from "./diff.js";
import { renderDiff } from "./diff-text.js";
import { parseModel } from "./parse.js";
import type { Model } from "./schema.js";

const BEFORE = `
name: demo
version: 1
dimensions:
  - id: fit
    rules:
      - id: big-company
        when: { field: company.employees, gt: 50 }
        points: 10
      - id: free-mail
        when: { field: email, freeMail: true }
        points: -5
  - id: engagement
    rules:
      - id: visit
        event: page_view
        points: 5
        within: 30d
gates:
  - id: unsubscribed
    reason: Unsubscribed.
    when: { field: unsubscribed, equals: true }
thresholds:
  temperature: { warm: 40, hot: 70 }
`;

function edit(text: string, replacements: [string, string][]): Model {
  let edited = text;
  for (const [from, to] of replacements) {
    if (!edited.includes(from)) throw new Error(`not in the model: ${from}`);
    edited = edited.replace(from, to);
  }
  return parseModel(edited, "after.yaml");
}

const before = parseModel(BEFORE, "before.yaml");

describe("diffModels", () => {
  it("finds nothing between a model and itself", () => {
    expect(diffModels(before, before)).toEqual([]);
    expect(renderDiff([])).toBe("No changes.\n");
  });

  it("finds a changed rule with the changed keys, old and new", () => {
    const after = edit(BEFORE, [
      ["points: 5\n        within: 30d", "points: 8\n        within: 60d"],
      ["gt: 50", "gte: 50"],
    ]);
    expect(diffModels(before, after)).toEqual([
      {
        kind: "changed",
        subject: "rule",
        id: "big-company",
        dimension: "fit",
        changes: [
          { key: "when.gt", before: 50, after: undefined },
          { key: "when.gte", before: undefined, after: 50 },
        ],
      },
      {
        kind: "changed",
        subject: "rule",
        id: "visit",
        dimension: "engagement",
        changes: [
          { key: "points", before: 5, after: 8 },
          { key: "within", before: "30d", after: "60d" },
        ],
      },
    ]);
  });

  it("finds added and removed rules", () => {
    const after = edit(BEFORE, [
      ["      - id: free-mail\n        when: { field: email, freeMail: true }\n        points: -5\n", ""],
      [
        "        within: 30d\n",
        "        within: 30d\n      - id: pricing\n        event: page_view\n        points: 50\n",
      ],
    ]);
    const changes = diffModels(before, after);
    expect(changes.map(({ kind, id, dimension }) => ({ kind, id, dimension }))).toEqual([
      { kind: "removed", id: "free-mail", dimension: "fit" },
      { kind: "added", id: "pricing", dimension: "engagement" },
    ]);
    expect(renderDiff(changes)).toBe(
      "- rule free-mail removed from fit (-5 points)\n+ rule pricing added to engagement (50 points)\n",
    );
  });

  it("sees a rule moved to another dimension as a move", () => {
    const after = edit(BEFORE, [
      ["      - id: free-mail\n        when: { field: email, freeMail: true }\n        points: -5\n", ""],
      [
        "gates:",
        "      - id: free-mail\n        when: { field: email, freeMail: true }\n        points: -5\ngates:",
      ],
    ]);
    expect(renderDiff(diffModels(before, after))).toBe("> rule free-mail moved from fit to engagement\n");
  });

  it("finds metadata, dimension, gate and threshold changes", () => {
    const after = edit(BEFORE, [
      ["version: 1", "version: 2"],
      ["  - id: engagement\n", "  - id: engagement\n    weight: 2\n"],
      ["reason: Unsubscribed.", "reason: The contact unsubscribed."],
      ["hot: 70", "hot: 60"],
    ]);
    expect(renderDiff(diffModels(before, after))).toBe(
      [
        "~ model:",
        "    version: 1 → 2",
        "~ dimension engagement:",
        "    weight: added 2",
        "~ gate unsubscribed:",
        '    reason: "Unsubscribed." → "The contact unsubscribed."',
        "~ thresholds:",
        "    temperature.hot: 70 → 60",
        "",
      ].join("\n"),
    );
  });

  it("finds added dimensions and account changes", () => {
    const after = edit(BEFORE, [
      ["gates:", "  - id: product\n    rules: []\ngates:"],
      [
        "thresholds:",
        "account:\n  rollup: { method: max }\n  rules:\n    - id: acct\n      when: { field: industry, equals: x }\n      points: 1\nthresholds:",
      ],
    ]);
    expect(renderDiff(diffModels(before, after))).toBe(
      [
        "+ dimension product added",
        "+ rule acct added to account rules (1 point)",
        "~ account:",
        '    rollup: added {"method":"max"}',
        "",
      ].join("\n"),
    );
  });
});
