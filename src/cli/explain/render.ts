/**
 * The ledger of one contact as a salesperson reads it: the verdict first, then every point
 * with its rule's label (or description) and the reason under it, and the evidence, dimension by
 * dimension, then how the dimensions make the total.
 * Disqualifications stand apart, in red.
 */
import pc from "picocolors";
import type { LedgerLine, ScoreResult } from "../../engine/index.js";
import type { Model } from "../../model/schema.js";

export interface ExplainView {
  id: string;
  model: Model;
  asOfMs: number;
  result: ScoreResult;
  identity: Record<string, unknown>;
  companyName: unknown;
  eventCount: number;
  /** Events dated after the as-of date: read, not counted. */
  futureEventCount: number;
}

/** "+12.5", "-5", "0": the sign shows whether a line helps or hurts. */
function signed(points: number): string {
  return points > 0 ? `+${points}` : String(points);
}

function text(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? "missing");
}

function headline(view: ExplainView): string[] {
  const { identity, result } = view;
  const name = [identity.firstName, identity.lastName]
    .filter((part) => part !== undefined && part !== "")
    .join(" ");
  const role = [name, identity.jobTitle].filter(Boolean).join(", ");
  const who = [role, view.companyName ? `at ${view.companyName}` : ""].filter(Boolean).join(" ");
  const email = identity.email ? ` <${identity.email}>` : "";
  const verdict = [
    `Total ${pc.bold(String(result.total))}`,
    result.temperature ? `${result.temperature}` : "",
    `band ${result.band}`,
    `MQL: ${result.mql ? pc.green("yes") : "no"}`,
  ].filter(Boolean);
  const lines = [
    pc.bold(`Contact ${view.id}${who ? `: ${who}` : ""}${email}`),
    `model ${view.model.name} v${view.model.version}, as of ${new Date(view.asOfMs).toISOString()}, ${view.eventCount} events${
      view.futureEventCount > 0 ? ` (${view.futureEventCount} after the as-of date, not counted)` : ""
    }`,
    verdict.join("  ·  "),
  ];
  if (result.fitGrade || result.engagementGrade) {
    const grades = [
      result.fitGrade ? `fit ${result.fitGrade}` : "",
      result.engagementGrade ? `engagement ${result.engagementGrade}` : "",
    ].filter(Boolean);
    lines.push(`Grades: ${grades.join(", ")}${result.matrix ? ` → ${result.matrix}` : ""}`);
  }
  return lines;
}

function evidence(line: LedgerLine): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(line.fields ?? {})) out.push(`${field} = ${text(value)}`);
  if (line.eventIds && line.eventIds.length > 0) {
    const shown = line.eventIds.slice(0, 10).join(", ");
    const more = line.eventIds.length > 10 ? ` and ${line.eventIds.length - 10} more` : "";
    out.push(`events: ${shown}${more}`);
  }
  if (line.occurrences !== undefined) {
    const counted = line.countedOccurrences ?? line.occurrences;
    out.push(
      counted === line.occurrences
        ? `occurrences: ${line.occurrences}`
        : `occurrences: ${counted} counted of ${line.occurrences}`,
    );
  }
  if (line.value !== undefined) out.push(`value: ${line.value ?? "none"}`);
  const { basePoints, decayedPoints, points } = line;
  if (basePoints !== points || decayedPoints !== points)
    out.push(`points: ${basePoints} base → ${decayedPoints} decayed → ${points} final`);
  return out;
}

/** What each rule means in words, where the model says it: its label, else its description. */
function ruleHeadlines(model: Model): Map<string, string> {
  const headlines = new Map<string, string>();
  for (const dimension of model.dimensions)
    for (const rule of dimension.rules) {
      const headline = rule.label ?? rule.description;
      if (headline) headlines.set(rule.id, headline);
    }
  return headlines;
}

function dimensionSection(view: ExplainView, id: string, width: number): string[] {
  const dimension = view.model.dimensions.find((d) => d.id === id);
  const headlines = ruleHeadlines(view.model);
  const lines = ["", pc.bold(`${dimension?.label ?? id}  ${view.result.dimensions[id]}`)];
  const ledger = (view.result.ledger ?? []).filter((line) => line.dimension === id);
  if (ledger.length === 0) lines.push(pc.dim("  no points"));
  for (const line of ledger) {
    const points = signed(line.points).padStart(width);
    const described = headlines.get(line.ruleId);
    const reason = line.kind === "clamp" ? pc.yellow(line.reason) : (described ?? line.reason);
    lines.push(`  ${points}  ${reason}  ${pc.dim(`[${line.ruleId}]`)}`);
    const indent = " ".repeat(width + 4);
    if (described) lines.push(`${indent}${pc.dim(line.reason)}`);
    for (const detail of evidence(line)) lines.push(`${indent}${pc.dim(detail)}`);
  }
  return lines;
}

function totalSection(view: ExplainView, width: number): string[] {
  const lines = ["", pc.bold("Total")];
  for (const total of view.result.totalLines ?? []) {
    const weight = total.weight !== 1 ? ` (× ${total.weight})` : "";
    const name = view.model.dimensions.find((d) => d.id === total.dimension)?.label ?? total.dimension;
    const label = total.dimension === "clamp" ? pc.yellow("kept within the scale") : `${name}${weight}`;
    lines.push(`  ${signed(total.points).padStart(width)}  ${label}`);
  }
  lines.push(`  ${String(view.result.total).padStart(width)}  ${pc.bold("total")}`);
  return lines;
}

function disqualificationSection(result: ScoreResult): string[] {
  if (result.disqualifications.length === 0) return [];
  const lines = ["", pc.red(pc.bold("Disqualified: not handed to sales whatever the score"))];
  for (const d of result.disqualifications) {
    lines.push(pc.red(`  ✗ ${d.reason}  [${d.gateId}]`));
    for (const [field, value] of Object.entries(d.fields ?? {}))
      lines.push(pc.red(`      ${field} = ${text(value)}`));
    if (d.eventIds?.length) lines.push(pc.red(`      events: ${d.eventIds.join(", ")}`));
  }
  return lines;
}

export function renderExplanation(view: ExplainView): string {
  const { result } = view;
  const numbers = [
    ...(result.ledger ?? []).map((line) => signed(line.points)),
    ...(result.totalLines ?? []).map((line) => signed(line.points)),
    String(result.total),
  ];
  const width = Math.max(...numbers.map((n) => n.length));
  const lines = [
    ...headline(view),
    ...disqualificationSection(result),
    ...Object.keys(result.dimensions).flatMap((id) => dimensionSection(view, id, width)),
    ...totalSection(view, width),
  ];
  return `${lines.join("\n")}\n`;
}
