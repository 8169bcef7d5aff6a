/**
 * Writing calibrated limits into the model file. Only the edited numbers change: each one is
 * found as a node of the parsed YAML document and its source text is replaced in place, so the
 * file's comments, blank lines, flow maps and line lengths stay as the user wrote them
 * (re-printing the whole document would re-flow long lines and move some comments).
 */
import { isScalar, parseDocument, type Scalar } from "yaml";
import type { Model } from "../../model/schema.js";
import { UserError } from "../errors.js";

export interface ValueEdit {
  /** Path of the value in the document: ["dimensions", 2, "rules", 0, "bands", 1, "min"]. */
  path: (string | number)[];
  value: number | string;
}

function sourceText(node: Scalar, value: number | string): string {
  if (typeof value === "number") return String(value);
  if (node.type === "QUOTE_DOUBLE") return JSON.stringify(value);
  if (node.type === "QUOTE_SINGLE") return `'${value.replaceAll("'", "''")}'`;
  return value;
}

/** The model text with these values replaced; everything else byte for byte as it was. */
export function editModelText(text: string, file: string, edits: readonly ValueEdit[]): string {
  const doc = parseDocument(text);
  const splices = edits.map((edit) => {
    const node = doc.getIn(edit.path, true);
    if (!isScalar(node) || node.range === undefined || node.range === null)
      throw new UserError(
        `${file}: cannot change ${edit.path.join(".")} in place (is it written through an alias or a merge key?)`,
      );
    return { start: node.range[0], end: node.range[1], text: sourceText(node, edit.value) };
  });
  splices.sort((a, b) => b.start - a.start);
  let edited = text;
  for (const splice of splices)
    edited = edited.slice(0, splice.start) + splice.text + edited.slice(splice.end);
  return edited;
}

/** Checks that the parsed new model holds the edited values where they were meant to go. */
export function checkEdits(model: Model, edits: readonly ValueEdit[]): void {
  for (const edit of edits) {
    let at: unknown = model;
    for (const key of edit.path) at = (at as Record<string | number, unknown> | undefined)?.[key];
    if (at !== edit.value)
      throw new Error(
        `calibrate: ${edit.path.join(".")} reads ${String(at)} after the edit, not ${edit.value}`,
      );
  }
}
