/** Helpers for the model tests: parse a model text and get its issues. */
import { expect } from "vitest";
import { ModelError, type ModelIssue } from "../../src/model/errors.js";
import { parseModel } from "../../src/model/parse.js";

/** The issues `parseModel` reports for `text`; fails when the model is valid. */
export function issuesOf(text: string): ModelIssue[] {
  try {
    parseModel(text, "model.yaml");
  } catch (error) {
    if (error instanceof ModelError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the model to be invalid");
}

/** The `ModelError` message for `text` (every issue, formatted). */
export function errorMessageOf(text: string): string {
  try {
    parseModel(text, "model.yaml");
  } catch (error) {
    if (error instanceof ModelError) return error.message;
    throw error;
  }
  throw new Error("expected the model to be invalid");
}

/** A minimal valid model whose dimensions are given as YAML (indented by 2). */
export function modelWith(dimensionsYaml: string, rest = ""): string {
  return `name: test\nversion: 1\ndimensions:\n${dimensionsYaml}${rest}`;
}

/** A model with fit and engagement; `extra` is appended at the top level. */
export function model(fitRules: string, engagementRules = "", extra = ""): string {
  return [
    "name: test",
    "version: 1",
    "dimensions:",
    "  - id: fit",
    "    rules:",
    fitRules,
    "  - id: engagement",
    "    rules:",
    engagementRules || "      []",
    extra,
  ].join("\n");
}

export const TITLE_RULE =
  "      - id: title\n        when: { field: jobTitle, matches: director }\n        points: 10";
export const VISIT_RULE = "      - id: visit\n        event: page_view\n        points: 5";

/** A broken model, a piece of the line the issue must be reported on, and the expected reason. */
export interface RejectionCase {
  name: string;
  text: string;
  /** A piece of the offending line (its last occurrence counts). */
  at: string;
  reason: string;
}

/** Checks that `text` is rejected with exactly one issue, on the line holding `at`, giving `reason`. */
export function expectRejected({ text, at, reason }: RejectionCase): void {
  const lines = text.split("\n");
  const line = lines
    .map((content, index) => (content.includes(at) ? index + 1 : 0))
    .reduce((a, b) => Math.max(a, b));
  expect(line).toBeGreaterThan(0);
  const message = errorMessageOf(text);
  expect(message).toContain(`model.yaml:${line}:`);
  expect(message).toContain(reason);
  expect(message.split("\n")).toHaveLength(1);
}
