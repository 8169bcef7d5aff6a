/** A diff of two models as text, one change a line: "+ rule visit in engagement". */
import type { KeyChange, ModelChange } from "./diff.js";

const SIGNS = { added: "+", removed: "-", changed: "~", moved: ">" } as const;

export function renderDiff(changes: readonly ModelChange[]): string {
  if (changes.length === 0) return "No changes.\n";
  return `${changes.map(renderChange).join("\n")}\n`;
}

export function renderChange(change: ModelChange): string {
  const head = `${SIGNS[change.kind]} ${describeSubject(change)}${summary(change.value)}`;
  const changes = change.changes ?? [];
  if (changes.length === 0) return head;
  return [`${head}:`, ...changes.map((key) => `    ${renderKeyChange(key)}`)].join("\n");
}

function describeSubject(change: ModelChange): string {
  switch (change.subject) {
    case "model":
      return "model";
    case "dimension":
      return `dimension ${change.id}${change.kind === "added" || change.kind === "removed" ? ` ${change.kind}` : ""}`;
    case "rule": {
      const where = change.dimension === "account" ? "account rules" : change.dimension;
      if (change.kind === "moved") return `rule ${change.id} moved from ${change.fromDimension} to ${where}`;
      return `rule ${change.id} ${change.kind === "changed" ? "in" : `${change.kind} ${change.kind === "added" ? "to" : "from"}`} ${where}`;
    }
    case "gate":
      return `gate ${change.id}${change.kind === "changed" ? "" : ` ${change.kind}`}`;
    case "thresholds":
      return "thresholds";
    case "account":
      return "account";
  }
}

/** " (50 points)" for an added or removed rule, " (reason)" for a gate. */
function summary(value: unknown): string {
  if (value === null || typeof value !== "object") return "";
  if ("points" in value && typeof value.points === "number") {
    return ` (${value.points} ${Math.abs(value.points) === 1 ? "point" : "points"})`;
  }
  if ("reason" in value && typeof value.reason === "string") return ` (${value.reason})`;
  return "";
}

function renderKeyChange({ key, before, after }: KeyChange): string {
  if (before === undefined) return `${key}: added ${show(after)}`;
  if (after === undefined) return `${key}: removed (was ${show(before)})`;
  return `${key}: ${show(before)} → ${show(after)}`;
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
