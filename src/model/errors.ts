/** Problems found in a model file, with where they are, in words a marketer can act on. */

export type ModelPath = (string | number)[];

export interface ModelIssue {
  /** JSON path of the offending value, e.g. ["dimensions", 0, "rules", 2, "when", "matches"]. */
  path: ModelPath;
  /** 1-based line and column of the offending node (or of its nearest existing parent). */
  line?: number;
  column?: number;
  /** What is wrong and, when we can tell, how to fix it. */
  message: string;
  /** Id of the rule or gate the problem is in, when there is one. */
  rule?: string;
}

/** An issue before it gets a line and column (from the schema or the semantic checks). */
export interface PathIssue {
  path: ModelPath;
  message: string;
  /** Locate the key of the last path segment rather than its value (unknown keys, unknown ids). */
  atKey?: boolean;
}

/** Thrown by `parseModel` when a model is invalid; `message` lists every issue, one a line. */
export class ModelError extends Error {
  constructor(
    readonly issues: readonly ModelIssue[],
    readonly source: string,
  ) {
    super(issues.map((issue) => formatIssue(issue, source)).join("\n"));
    this.name = "ModelError";
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `dimensions[0].rules[2].when.matches`; keys that are not identifiers are quoted: `engagement["1"]`. */
export function formatPath(path: ModelPath): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === "" ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `model.yaml:12:9: at dimensions[0].rules[2].when.matches (rule pricing): <reason>` */
export function formatIssue(issue: ModelIssue, source: string): string {
  let location = source;
  if (issue.line !== undefined) location += `:${issue.line}:${issue.column ?? 1}`;
  const where = issue.path.length > 0 ? `at ${formatPath(issue.path)}` : "";
  const rule = issue.rule !== undefined ? `(rule ${issue.rule})` : "";
  const context = [where, rule].filter((part) => part !== "").join(" ");
  return context === "" ? `${location}: ${issue.message}` : `${location}: ${context}: ${issue.message}`;
}
