/**
 * Reading a model from YAML or JSON text (JSON is YAML): syntax, then the schema, then the checks
 * that need the whole model. Every problem is reported with its line and column, all at once.
 * No I/O here: `load.ts` reads files.
 */
import { type Document, LineCounter, parseDocument } from "yaml";
import { ModelError, type ModelIssue, type ModelPath, type PathIssue } from "./errors.js";
import { explainIssues } from "./explain.js";
import { modelFileSchema } from "./format.js";
import { locate } from "./locate.js";
import { type Model, modelSchema } from "./schema.js";
import { validateModel } from "./validate.js";
import { yamlData } from "./yaml-data.js";

/** Parses and validates a model; throws a `ModelError` listing every issue. */
export function parseModel(text: string, source: string): Model {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ModelError(
      doc.errors.map((error) => syntaxIssue(error, lineCounter)),
      source,
    );
  }
  const read = yamlData(doc);
  if (!read.ok) throw new ModelError([{ path: [], line: 1, column: 1, message: read.message }], source);
  const data = read.data;
  if (data === null || data === undefined) {
    throw new ModelError([{ path: [], line: 1, column: 1, message: "the model file is empty" }], source);
  }
  const parsed = modelSchema.safeParse(data);
  const pathIssues = parsed.success
    ? validateModel(parsed.data)
    : explainIssues(parsed.error.issues, modelFileSchema, data);
  if (pathIssues.length > 0) throw new ModelError(locateAll(pathIssues, doc, lineCounter, data), source);
  return parsed.data as Model;
}

/**
 * Checks a model given as a plain object (from an API request, say). Issues carry paths but no
 * lines. Returns the model or the issues.
 */
export function checkModel(
  data: unknown,
): { model: Model; issues: [] } | { model?: undefined; issues: ModelIssue[] } {
  const parsed = modelSchema.safeParse(data);
  const issues = parsed.success
    ? validateModel(parsed.data)
    : explainIssues(parsed.error.issues, modelFileSchema, data);
  if (parsed.success && issues.length === 0) return { model: parsed.data, issues: [] };
  return { issues: withRuleIds(issues, data).map(({ atKey: _, ...issue }) => issue) };
}

function syntaxIssue(
  error: { message: string; pos: [number, number]; code: string },
  lineCounter: LineCounter,
): ModelIssue {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  const hint = error.code === "TAB_AS_INDENT" ? " (indent with spaces, not tabs)" : "";
  return { path: [], line, column: col, message: `YAML syntax error: ${error.message}${hint}` };
}

function locateAll(
  issues: PathIssue[],
  doc: Document,
  lineCounter: LineCounter,
  data: unknown,
): ModelIssue[] {
  return withRuleIds(issues, data)
    .map(({ atKey, ...issue }) => ({
      ...issue,
      ...toLineColumn(locate(doc, lineCounter, issue.path, atKey)),
    }))
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function toLineColumn(position: { line: number; column: number } | undefined): Partial<ModelIssue> {
  return position === undefined ? {} : { line: position.line, column: position.column };
}

function withRuleIds<T extends PathIssue>(issues: T[], data: unknown): T[] {
  return issues.map((issue) => {
    const rule = ruleIdAt(data, issue.path);
    return rule === undefined ? issue : { ...issue, rule };
  });
}

/** Id of the rule or gate a path is inside: dimensions[i].rules[j], account.rules[j], gates[i]. */
function ruleIdAt(data: unknown, path: ModelPath): string | undefined {
  let prefix: ModelPath | undefined;
  if (path[0] === "dimensions" && path[2] === "rules" && path.length >= 4) prefix = path.slice(0, 4);
  else if (path[0] === "account" && path[1] === "rules" && path.length >= 3) prefix = path.slice(0, 3);
  else if (path[0] === "gates" && path.length >= 2) prefix = path.slice(0, 2);
  if (prefix === undefined) return undefined;
  let node = data;
  for (const segment of prefix) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const id = (node as { id?: unknown } | undefined)?.id;
  return typeof id === "string" ? id : undefined;
}
