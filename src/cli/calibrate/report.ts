/** The text `leadscore calibrate` prints for each rule: its bands, now and calibrated. */
import { type CalibrationPlan, percent, shareWord } from "../../analytics/calibrate.js";
import type { BandedRule } from "./rules.js";

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  return rows.map((row) => `  ${row.map((cell, c) => cell.padEnd(widths[c])).join("  ")}`.trimEnd());
}

const share = (band: { share: number; count: number }) => `${percent(band.share)} (${band.count})`;

/** Lines for one rule: a heading, the bands' table, and what was or could not be done. */
export function renderPlan(rule: BandedRule, plan: CalibrationPlan, contacts: number): string[] {
  const k = rule.bands.bands.length;
  const lines = [`${rule.dimension} / ${rule.id}: ${rule.label}`];
  if (plan.bands.length === 0) return [...lines, `  not calibrated: ${plan.problem}`];
  const others = contacts - plan.covered;
  lines.push(
    `  ${plan.covered} of ${contacts} contacts have a value the bands cover; the other ${others} (no value, or outside the bands) get \`otherwise\``,
  );
  if (plan.problem !== undefined) {
    const rows = [["band", "points", "range", "contacts"]];
    plan.bands.forEach((band, i) => {
      rows.push([String(i + 1), String(band.points), band.before.range, share(band.before)]);
    });
    return [...lines, ...table(rows), `  not calibrated: ${plan.problem}; the bands are kept`];
  }
  const rows = [
    ["band", "points", "range now", "new range", `contacts now → new (target: ${shareWord(k)} each)`],
  ];
  plan.bands.forEach((band, i) => {
    const newRange = band.after.range === band.before.range ? "(same)" : band.after.range;
    rows.push([
      String(i + 1),
      String(band.points),
      band.before.range,
      newRange,
      `${share(band.before)} → ${share(band.after)}`,
    ]);
  });
  lines.push(...table(rows));
  for (const note of plan.notes) lines.push(`  note: ${note}`);
  if (plan.edits.length === 0)
    lines.push("  the limits already split the contacts this way: nothing to change");
  return lines;
}
