import { describe, expect, it } from "vitest";
import { expectRejected, model, type RejectionCase, TITLE_RULE } from "../../test/helpers/model.js";
import { parseModel } from "./parse.js";

/** Declared fields and operator types, each on a realistic broken model (see validate.test.ts). */
const CASES: RejectionCase[] = [
  {
    name: "an undeclared contact field",
    text: model(TITLE_RULE, "", "fields:\n  contact:\n    jobtitle: string"),
    at: "field: jobTitle",
    reason:
      'unknown contact field "jobTitle"; did you mean jobtitle? Declared under fields.contact: jobtitle',
  },
  {
    name: "an undeclared company field",
    text: model(
      "      - id: size\n        when: { field: company.headcount, gt: 50 }\n        points: 10",
      "",
      "fields:\n  company:\n    employees: number",
    ),
    at: "headcount",
    reason: 'unknown company field "headcount". Declared under fields.company: employees',
  },
  {
    name: "an undeclared event property in where",
    text: model(
      TITLE_RULE,
      "      - id: pricing\n        event: page_view\n        where: { field: path, contains: pricing }\n        points: 5",
      "fields:\n  event:\n    url: string",
    ),
    at: "field: path",
    reason: 'unknown event property "path". Declared under fields.event: url',
  },
  {
    name: "a numeric operator on a text field",
    text: model(
      "      - id: big\n        when: { field: company.employees, gt: 50 }\n        points: 10",
      "",
      "fields:\n  company:\n    employees: string",
    ),
    at: "gt: 50",
    reason: '"gt" compares numbers, but "employees" is declared string',
  },
  {
    name: "a text operator on a number field",
    text: model(
      "      - id: budget\n        when: { field: contact.budget, contains: '000' }\n        points: 10",
      "",
      "fields:\n  contact:\n    budget: number",
    ),
    at: "contains",
    reason: '"contains" works on text, but "budget" is declared number',
  },
  {
    name: "a contact field in an account rule",
    text: model(
      TITLE_RULE,
      "",
      "account:\n  rules:\n    - id: big\n      when: { field: contact.jobTitle, matches: ceo }\n      points: 1",
    ),
    at: "contact.jobTitle",
    reason: 'account rules may only use company fields; "contact.jobTitle" is a contact field',
  },
  {
    name: "an account rule on an undeclared company field (bare names are company fields there)",
    text: model(
      TITLE_RULE,
      "",
      "fields:\n  company:\n    employees: number\naccount:\n  rules:\n    - id: big\n      when: { field: employes, gt: 50 }\n      points: 1",
    ),
    at: "employes",
    reason: 'unknown company field "employes"; did you mean employees?',
  },
  {
    name: "an aggregate of a text event property",
    text: model(
      TITLE_RULE,
      "      - id: spend\n        aggregate: sum\n        of: product\n        event: order\n        bands: [{ min: 1, points: 5 }]",
      "fields:\n  event:\n    product: string",
    ),
    at: "of: product",
    reason: 'aggregate "sum" needs a numeric property, but "product" is declared string',
  },
];

describe("declared fields", () => {
  it.each(CASES)("rejects $name, with its line and the reason", expectRejected);

  it("reads company.x and bare names against the right declarations", () => {
    const text = model(
      "      - id: big\n        when: { all: [{ field: company.employees, gt: 50 }, { field: jobTitle, present: true }] }\n        points: 10",
      "",
      "fields:\n  contact:\n    jobTitle: string\n  company:\n    employees: number",
    );
    expect(() => parseModel(text, "model.yaml")).not.toThrow();
  });

  it("does not check fields of a scope that declares none", () => {
    const text = model(TITLE_RULE, "", "fields:\n  company:\n    employees: number");
    expect(() => parseModel(text, "model.yaml")).not.toThrow();
  });
});
