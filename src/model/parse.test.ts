import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { errorMessageOf, issuesOf, modelWith } from "../../test/helpers/model.js";
import { modelFileSchema } from "./format.js";
import { checkModel, parseModel } from "./parse.js";
import { toModelFile } from "./schema.js";
import { readTemplate } from "./template-files.js";
import { TEMPLATE_NAMES } from "./templates.js";

const VALID = modelWith(`  - id: fit
    rules:
      - id: software
        when: { field: company.industry, equals: software }
        points: 10
`);

describe("parseModel", () => {
  it("accepts a valid YAML model", () => {
    const model = parseModel(VALID, "model.yaml");
    expect(model.dimensions[0].rules[0].id).toBe("software");
  });

  it("tags each rule and condition with its kind, and gives the file form back without the tags", () => {
    const model = parseModel(VALID, "model.yaml");
    expect(model.dimensions[0].rules[0]).toEqual({
      kind: "property",
      id: "software",
      when: { kind: "field", field: "company.industry", equals: "software" },
      points: 10,
    });
    expect(toModelFile(model).dimensions[0].rules[0]).toEqual({
      id: "software",
      when: { field: "company.industry", equals: "software" },
      points: 10,
    });
  });

  it("accepts JSON, which is YAML", () => {
    const json = JSON.stringify(toModelFile(parseModel(VALID, "model.yaml")), null, "\t");
    expect(parseModel(json, "model.json").name).toBe("test");
  });

  it("reports a YAML syntax error with its line", () => {
    const [issue] = issuesOf("name: test\nversion: 1\ndimensions:\n  - id: fit\n   rules: [\n");
    expect(issue.message).toMatch(/^YAML syntax error/);
    expect(issue.line).toBeGreaterThanOrEqual(4);
  });

  it("reports a duplicate key as a syntax error", () => {
    const [issue] = issuesOf("name: a\nname: b\nversion: 1\ndimensions: []\n");
    expect(issue.line).toBe(2);
    expect(issue.message).toMatch(/unique/);
  });

  it("says so when the file is empty", () => {
    expect(errorMessageOf("# nothing yet\n")).toBe("model.yaml:1:1: the model file is empty");
  });

  it("names a missing required key at the line of its parent", () => {
    const issues = issuesOf("name: test\ndimensions:\n  - id: fit\n    rules: []\n");
    expect(issues).toEqual([
      {
        path: ["version"],
        line: 1,
        column: 1,
        message: expect.stringContaining('missing required key "version"'),
      },
    ]);
  });

  it("suggests the right key for a misspelt one, at the key's line and column", () => {
    const text = modelWith(`  - id: engagement
    rules:
      - id: visit
        event: page_view
        pionts: 5
`);
    const issues = issuesOf(text);
    const unknown = issues.find((issue) => issue.path.at(-1) === "pionts");
    expect(unknown).toMatchObject({ line: 8, column: 9, rule: "visit" });
    expect(unknown?.message).toBe('unknown key "pionts"; did you mean points?');
    // The event rule was meant (event + points), not an aggregate: only its errors are reported.
    expect(issues.map((issue) => issue.message)).toEqual([
      'missing required key "points" (a number)',
      'unknown key "pionts"; did you mean points?',
    ]);
  });

  it("reports the errors of the rule kind whose distinctive key is present", () => {
    const text = modelWith(`  - id: customers
    rules:
      - id: spend
        aggregate: sum
        of: value
        event: order
        bands: [{ min: 100, pionts: 5 }]
      - id: last-visit
        recency: { event: page_view }
        bands: [{ within: 1 month, points: 5 }]
`);
    const messages = errorMessageOf(text).split("\n");
    expect(messages).toEqual([
      'model.yaml:10:17: at dimensions[0].rules[0].bands[0].points (rule spend): missing required key "points" (a number)',
      'model.yaml:10:29: at dimensions[0].rules[0].bands[0].pionts (rule spend): unknown key "pionts"; did you mean points?',
      'model.yaml:13:27: at dimensions[0].rules[1].bands[0].within (rule last-visit): "1 month" is not valid: expected a duration like "30d", "12h" or "2w"',
    ]);
  });

  it("reports the errors of the condition kind whose key is present, deep inside all/any/not", () => {
    const text = modelWith(`  - id: fit
    rules:
      - id: title
        when:
          all:
            - { field: jobTitle, present: true }
            - not: { feild: jobTitle, matches: intern }
        points: 10
`);
    const path = ["dimensions", 0, "rules", 0, "when", "all", 1, "not"];
    expect(issuesOf(text)).toEqual([
      {
        path: [...path, "field"],
        line: 10,
        column: 15,
        rule: "title",
        message: 'missing required key "field" (text)',
      },
      {
        path: [...path, "feild"],
        line: 10,
        column: 22,
        rule: "title",
        message: 'unknown key "feild"; did you mean field?',
      },
    ]);
  });

  it("describes what a rule must look like when it is not a mapping", () => {
    const text = modelWith(`  - id: fit
    rules:
      - visit the pricing page
`);
    const [issue] = issuesOf(text);
    expect(issue.line).toBe(6);
    expect(issue.message).toBe(
      'expected a mapping with one of the keys when, cases, event, allOf, aggregate, recency, got "visit the pricing page"',
    );
  });

  it("lists the allowed field types for an unknown one", () => {
    const text = `name: test\nversion: 1\nfields:\n  contact:\n    jobTitle: text\ndimensions:\n  - id: fit\n    rules: []\n`;
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ line: 5, column: 15 });
    expect(issue.message).toBe(
      'unknown field type "text" for contact field "jobTitle"; allowed types: string, number, boolean, date, email',
    );
  });

  it("suggests the closest allowed value of an enumeration", () => {
    const text = modelWith(`  - id: orders
    rules:
      - id: spend
        aggregate: summ
        event: order
        of: value
        bands: [{ min: 1, points: 1 }]
`);
    expect(issuesOf(text)[0].message).toMatch(
      /"summ" is not allowed here; use one of: count, sum, .*; did you mean sum\?$/,
    );
  });

  it("explains wrong types in plain words", () => {
    const text = modelWith(`  - id: fit
    weight: heavy
    rules: []
`);
    expect(errorMessageOf(text)).toBe(
      'model.yaml:5:13: at dimensions[0].weight: expected a number, got "heavy"',
    );
  });

  it("reports every issue at once, in file order", () => {
    const text = modelWith(`  - id: fit
    rules:
      - id: a
        when: { field: x, equls: 1 }
        points: 1
      - id: b
        when: { field: x, equals: 1 }
        points: ten
`);
    expect(issuesOf(text).map((issue) => issue.line)).toEqual([7, 11]);
  });

  it("follows YAML aliases to locate issues", () => {
    const text = modelWith(`  - id: fit
    rules:
      - id: a
        when: &senior { field: jobTitle, matchs: director }
        points: 1
      - id: b
        when: *senior
        points: 2
`);
    expect(issuesOf(text).every((issue) => issue.line === 7)).toBe(true);
  });
});

describe("checkModel", () => {
  it("returns the model when it is valid", () => {
    const model = parseModel(VALID, "model.yaml");
    expect(checkModel(toModelFile(model)).model).toEqual(model);
  });

  it("returns issues with paths and rule ids, without lines", () => {
    const data = {
      name: "x",
      version: 1,
      dimensions: [{ id: "d", rules: [{ id: "r", event: "page_veiw", points: 1 }] }],
    };
    const { issues } = checkModel(data);
    expect(issues).toEqual([
      {
        path: ["dimensions", 0, "rules", 0, "event"],
        rule: "r",
        message:
          "unknown event type 'page_veiw'; did you mean page_view? Custom types are declared under eventTypes",
      },
    ]);
  });
});

describe("parseModel, mixed kinds", () => {
  it("says two keys of different kinds cannot go together", () => {
    const text = modelWith(
      `  - id: fit
    rules:
      - id: visit
        event: page_view
        points: 1
        decay: { halfLife: 30d, steps: [{ after: 60d, factor: 0 }] }
`,
      "gates:\n  - id: gone\n    reason: Unsubscribed.\n    when: { field: unsubscribed, equals: true }\n    event: unsubscribe\n",
    );
    expect(errorMessageOf(text).split("\n")).toEqual([
      'model.yaml:9:33: at dimensions[0].rules[0].decay.steps (rule visit): "steps" cannot be used together with "halfLife" here: use one or the other',
      'model.yaml:14:5: at gates[0].event (rule gone): "event" cannot be used together with "when" here: use one or the other',
    ]);
  });
});

describe("parseModel, kinds", () => {
  const text = modelWith(
    `  - id: fit
    rules:
      - { id: p, when: { field: title, matches: "ceo" }, points: 5 }
      - id: c
        cases: [{ when: { any: [{ field: a, equals: 1 }, { not: { field: b, present: true } }] }, points: 1 }]
      - { id: e, event: page_view, where: { all: [{ field: url, contains: pricing }] }, points: 1, decay: { halfLife: 7d } }
      - { id: s, event: email_open, points: 1, decay: { steps: [{ after: 30d, factor: 0.5 }] } }
      - { id: k, allOf: [{ event: webinar_registration }, { event: webinar_attendance, where: { field: x, equals: y } }], points: 3 }
      - { id: g, aggregate: count, event: page_view, bands: [{ min: 1, points: 2 }] }
      - { id: r, recency: { where: { field: url, present: true } }, bands: [{ within: 7d, points: 4 }] }
`,
    "gates:\n  - { id: w, reason: Rival., when: { field: company.name, equals: Rival } }\n  - { id: u, reason: Gone., event: unsubscribe }\n",
  );

  it("tags every rule, gate, condition and decay with its kind", () => {
    const model = parseModel(text, "model.yaml");
    const [p, c, e, s, k, g, r] = model.dimensions[0].rules;
    expect([p, c, e, s, k, g, r].map((rule) => rule.kind)).toEqual([
      "property",
      "cases",
      "event",
      "event",
      "combination",
      "aggregate",
      "recency",
    ]);
    expect(model.gates?.map((gate) => gate.kind)).toEqual(["property", "event"]);
    expect(c.kind === "cases" && c.cases[0].when).toEqual({
      kind: "any",
      any: [
        { kind: "field", field: "a", equals: 1 },
        { kind: "not", not: { kind: "field", field: "b", present: true } },
      ],
    });
    expect(e.kind === "event" && [e.where?.kind, e.decay?.kind]).toEqual(["all", "halfLife"]);
    expect(s.kind === "event" && s.decay?.kind).toBe("steps");
    expect(k.kind === "combination" && k.allOf.map((part) => part.where?.kind)).toEqual([undefined, "field"]);
    expect(r.kind === "recency" && r.recency.where?.kind).toBe("field");
  });

  it("gives back exactly what the file schema read, keys in the same order, once the tags are off", async () => {
    const texts = [text, ...(await Promise.all(TEMPLATE_NAMES.map((name) => readTemplate(name))))];
    for (const source of texts) {
      const read = modelFileSchema.parse(parse(source));
      expect(JSON.stringify(toModelFile(parseModel(source, "model.yaml")))).toBe(JSON.stringify(read));
    }
  });
});

describe("parseModel, rule labels", () => {
  const withLabel = (label: string) =>
    modelWith(`  - id: fit
    rules:
      - id: senior
        label: ${label}
        when: { field: jobTitle, matches: "\\\\b(chief|ceo|vp)\\\\b" }
        points: 20
`);

  it("keeps a rule's label, trimmed", () => {
    const model = parseModel(withLabel('"  Senior decision maker "'), "model.yaml");
    expect(model.dimensions[0].rules[0].label).toBe("Senior decision maker");
  });

  it("rejects an empty label, a label over 120 characters and a label that is not text, at its line", () => {
    expect(errorMessageOf(withLabel('"  "'))).toBe(
      "model.yaml:7:16: at dimensions[0].rules[0].label (rule senior): must not be empty",
    );
    expect(errorMessageOf(withLabel("x".repeat(121)))).toBe(
      "model.yaml:7:16: at dimensions[0].rules[0].label (rule senior): must have at most 120 characters",
    );
    expect(errorMessageOf(withLabel("[a, b]"))).toBe(
      "model.yaml:7:9: at dimensions[0].rules[0].label (rule senior): expected text, got a list",
    );
  });

  it("takes no label on a gate, whose reason already says it in words", () => {
    const text = modelWith(
      "  - id: fit\n    rules: []\n",
      "gates:\n  - { id: gone, label: Gone, reason: Unsubscribed., event: unsubscribe }\n",
    );
    expect(errorMessageOf(text)).toMatch(/at gates\[0\]\.label \(rule gone\): unknown key "label"/);
  });
});
