/** Helpers for the model tests: parse a model text and get its issues. */
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
