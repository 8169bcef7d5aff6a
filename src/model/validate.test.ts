import { describe, expect, it } from "vitest";
import {
  expectRejected,
  issuesOf,
  model,
  type RejectionCase,
  TITLE_RULE,
  VISIT_RULE,
} from "../../test/helpers/model.js";
import { parseModel } from "./parse.js";

/**
 * Every semantic check, each on a realistic broken model: `at` is a piece of the offending line
 * (its last occurrence), so the test checks the reported line without counting lines by hand.
 */
const CASES: RejectionCase[] = [
  {
    name: "duplicate dimension ids",
    text: `${model(TITLE_RULE)}\n  - id: fit\n    rules: []`,
    at: "- id: fit",
    reason: 'duplicate dimension id "fit"; already used at dimensions[0].id',
  },
  {
    name: "duplicate rule ids across dimensions",
    text: model(TITLE_RULE, "      - id: title\n        event: page_view\n        points: 5"),
    at: "- id: title",
    reason: 'duplicate rule id "title"; already used at dimensions[0].rules[0]',
  },
  {
    name: "a gate with the id of a rule",
    text: model(TITLE_RULE, VISIT_RULE, "gates:\n  - id: visit\n    reason: x\n    event: unsubscribe"),
    at: "- id: visit",
    reason: 'duplicate rule id "visit"; already used at dimensions[1].rules[0]',
  },
  {
    name: "an account rule with the id of a rule",
    text: model(
      TITLE_RULE,
      "",
      "account:\n  rules:\n    - id: title\n      when: { field: employees, gt: 5 }\n      points: 1",
    ),
    at: "- id: title",
    reason: 'duplicate rule id "title"',
  },
  {
    name: "a regular expression that does not compile",
    text: model(
      "      - id: title\n        when: { field: jobTitle, matches: 'head (of' }\n        points: 10",
    ),
    at: "head (of",
    reason: "invalid regular expression: error parsing regexp: missing closing )",
  },
  {
    name: "a backreference, which RE2 does not support",
    text: model(
      TITLE_RULE,
      "      - id: repeat\n        event: page_view\n        where: { field: url, matches: '(a)\\1' }\n        points: 1",
    ),
    at: "(a)",
    reason: "invalid escape sequence",
  },
  {
    name: "a field range [min, max] upside down",
    text: model(
      "      - id: size\n        when: { field: company.employees, between: [500, 50] }\n        points: 10",
    ),
    at: "between",
    reason: "between [min, max]: min is greater than max",
  },
  {
    name: "a field test without an operator",
    text: model("      - id: title\n        when: { field: jobTitle }\n        points: 10"),
    at: "field: jobTitle }",
    reason: 'no test on "jobTitle"',
  },
  {
    name: "warm above hot",
    text: model(TITLE_RULE, "", "thresholds:\n  temperature: { warm: 70, hot: 40 }"),
    at: "warm: 70",
    reason: "hot (40) must be greater than warm (70)",
  },
  {
    name: "fit grades out of order",
    text: model(TITLE_RULE, "", "thresholds:\n  grades:\n    fit: { A: 30, B: 50, C: 10 }"),
    at: "A: 30",
    reason: "grade A (30) must need a higher score than grade B (50)",
  },
  {
    name: "engagement grades out of order",
    text: model(TITLE_RULE, "", 'thresholds:\n  grades:\n    engagement: { "1": 20, "2": 20 }'),
    at: '"1": 20',
    reason: "grade 1 (20) must need a higher score than grade 2 (20)",
  },
  {
    name: "grades of a dimension that does not exist",
    text: model(TITLE_RULE, "", "thresholds:\n  grades:\n    fit: { dimension: fitt, A: 50, B: 30, C: 10 }"),
    at: "fitt",
    reason: 'no dimension "fitt"; did you mean fit?',
  },
  {
    name: "default grade dimension missing",
    text: [
      "name: t",
      "version: 1",
      "dimensions:",
      "  - id: demographic",
      "    rules: []",
      "thresholds:",
      "  grades:",
      "    fit: { A: 50, B: 30, C: 10 }",
    ].join("\n"),
    at: "fit: { A",
    reason: 'no dimension "fit" (the default; set "dimension" to grade another one)',
  },
  {
    name: "MQL minimum on an unknown dimension",
    text: model(TITLE_RULE, "", "thresholds:\n  mql:\n    minDimensions: { engagment: 20 }"),
    at: "engagment",
    reason: 'no dimension "engagment"; did you mean engagement? Dimensions: fit, engagement',
  },
  {
    name: "an MQL matrix without grades",
    text: model(TITLE_RULE, "", "thresholds:\n  mql:\n    matrix: [A1, B1]"),
    at: "matrix",
    reason: "the MQL matrix needs both thresholds.grades.fit and thresholds.grades.engagement",
  },
  {
    name: "decay steps out of order",
    text: model(
      TITLE_RULE,
      "      - id: pricing\n        event: page_view\n        points: 50\n        decay:\n          steps:\n            - { after: 60d, factor: 0.5 }\n            - { after: 4w, factor: 0.2 }",
    ),
    at: "after: 4w",
    reason: 'decay steps must have strictly increasing "after": "4w" does not come after "60d"',
  },
  {
    name: "an aggregate band with min above max",
    text: model(
      TITLE_RULE,
      "      - id: orders\n        aggregate: count\n        event: order\n        bands:\n          - { min: 10, max: 5, points: 5 }",
    ),
    at: "min: 10, max: 5",
    reason: "band min 10 is greater than max 5",
  },
  {
    name: "recency bands out of order",
    text: model(
      TITLE_RULE,
      "      - id: recent\n        recency: {}\n        bands:\n          - { within: 30d, points: 5 }\n          - { within: 7d, points: 10 }",
    ),
    at: "within: 7d",
    reason: 'recency bands must have increasing "within"',
  },
  {
    name: "a sum without the property to sum",
    text: model(
      TITLE_RULE,
      "      - id: spend\n        aggregate: sum\n        event: order\n        bands: [{ min: 1, points: 5 }]",
    ),
    at: "aggregate: sum",
    reason: 'aggregate "sum" needs "of"',
  },
  {
    name: "a count with a property",
    text: model(
      TITLE_RULE,
      "      - id: orders\n        aggregate: count\n        of: value\n        event: order\n        bands: [{ min: 1, points: 5 }]",
    ),
    at: "of: value",
    reason: 'aggregate "count" does not read a property; remove "of"',
  },
  {
    name: "a misspelt event type",
    text: model(TITLE_RULE, "      - id: visit\n        event: page_veiw\n        points: 5"),
    at: "page_veiw",
    reason:
      "unknown event type 'page_veiw'; did you mean page_view? Custom types are declared under eventTypes",
  },
  {
    name: "an undeclared custom event type in a list",
    text: model(
      TITLE_RULE,
      "      - id: trial\n        event: [demo_request, trial_started]\n        points: 5",
    ),
    at: "trial_started",
    reason: "unknown event type 'trial_started'. Custom types are declared under eventTypes",
  },
  {
    name: "an undeclared event type in a gate",
    text: model(TITLE_RULE, "", "gates:\n  - id: unsub\n    reason: unsubscribed\n    event: unsubscribed"),
    at: "event: unsubscribed",
    reason: "unknown event type 'unsubscribed'; did you mean unsubscribe?",
  },
  {
    name: "a clamp with min above max",
    text: model(TITLE_RULE, "", "scale: { min: 100, max: 0 }"),
    at: "scale",
    reason: "min (100) is greater than max (0)",
  },
  {
    name: "a roll-up of an unknown dimension",
    text: model(TITLE_RULE, "", "account:\n  rollup: { method: max, of: engagment }"),
    at: "engagment",
    reason: 'roll-up of "engagment": use "total" or a dimension id; did you mean engagement?',
  },
  {
    name: "account temperatures out of order",
    text: model(TITLE_RULE, "", "account:\n  temperature: { warm: 50, hot: 50 }"),
    at: "warm: 50",
    reason: "hot (50) must be greater than warm (50)",
  },
];

describe("validateModel, through parseModel", () => {
  it.each(CASES)("rejects $name, with its line and the reason", expectRejected);

  it("accepts event types that are built in, declared, or the wildcard", () => {
    const text = model(
      TITLE_RULE,
      "      - id: any\n        event: '*'\n        points: 1\n      - id: trial\n        event: [trial_started, order]\n        points: 5",
      "eventTypes: [trial_started]",
    );
    expect(parseModel(text, "model.yaml").eventTypes).toEqual(["trial_started"]);
  });

  it("names the rule each issue is in", () => {
    const issues = issuesOf(
      model(TITLE_RULE, "      - id: visit\n        event: page_veiw\n        points: 5"),
    );
    expect(issues[0].rule).toBe("visit");
  });
});
