/**
 * The readable terminal report of a predictive model: metrics (side by side with the rules
 * when given), lift per decile, the reliability table, tiers on the holdout, the calibration
 * decision and what converters have in common.
 */
import type { Importance, PredictiveArtifact } from "../../predict/artifact.js";
import type { Calibration } from "../../predict/calibration.js";
import type { Evaluation } from "../../predict/metrics.js";
import type { TierOutcome } from "../../predict/tiers.js";

export interface Scored {
  name: string;
  evaluation: Evaluation;
}

const fixed = (x: number | undefined, digits = 3) =>
  x === undefined ? "-" : Number.isFinite(x) ? x.toFixed(digits) : "n/a";
const percent = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");
const count = (x: number) => x.toLocaleString("en-US");

/** Aligned columns: figures to the right, words to the left. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  // Figures line up on the right, words on the left.
  const numeric = header.map(
    (_, c) => c > 0 && rows.every((row) => /^([-+]?[\d.,]+%?|-|n\/a)$/.test(row[c])),
  );
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join("  ")
      .trimEnd()}`;
  return [line(header), ...rows.map(line)].join("\n");
}

/** ROC AUC, PR AUC, Brier, log loss: one column per score. */
export function metricsTable(scores: readonly Scored[]): string {
  const metric = (name: string, read: (e: Evaluation) => number | undefined) => [
    name,
    ...scores.map((s) => fixed(read(s.evaluation))),
  ];
  return table(
    ["metric", ...scores.map((s) => s.name)],
    [
      metric("ROC AUC", (e) => e.rocAuc),
      metric("PR AUC", (e) => e.prAuc),
      metric("Brier score", (e) => e.brier),
      metric("log loss", (e) => e.logLoss),
      metric("top-decile lift", (e) => e.deciles[0]?.lift),
    ],
  );
}

/** Conversion rate and lift per decile, one pair of columns per score. */
export function decileTable(scores: readonly Scored[]): string {
  const header = ["decile", ...scores.flatMap((s) => [`${s.name} conv.`, "lift"])];
  const rows = Array.from({ length: 10 }, (_, d) => [
    String(d + 1),
    ...scores.flatMap((s) => {
      const decile = s.evaluation.deciles[d];
      return decile ? [percent(decile.conversionRate), fixed(decile.lift, 2)] : ["-", "-"];
    }),
  ]);
  return table(header, rows);
}

export function reliabilityTable(evaluation: Evaluation): string {
  const bins = (evaluation.calibration ?? []).filter((bin) => bin.rows > 0);
  return table(
    ["predicted", "mean predicted", "observed", "rows"],
    bins.map((bin) => [
      `${bin.lower.toFixed(1)}-${bin.upper.toFixed(1)}`,
      percent(bin.meanPredicted),
      percent(bin.observedRate),
      count(bin.rows),
    ]),
  );
}

export function tierTable(outcomes: readonly TierOutcome[], cuts: readonly number[]): string {
  const from = [...cuts, 0];
  return table(
    ["tier", "probability from", "rows", "converted"],
    outcomes.map((o, i) => [o.tier, percent(from[i]), count(o.rows), percent(o.conversionRate)]),
  );
}

export function calibrationLine(calibration: Calibration): string {
  if (calibration.method === "none")
    return (
      `calibration: checked on ${count(calibration.rows)} validation rows (expected calibration error ` +
      `${fixed(calibration.eceBefore)}); Platt scaling would not lower their log loss by 1%, so none applied`
    );
  return (
    `calibration: the probabilities were off on ${count(calibration.rows)} validation rows (expected ` +
    `calibration error ${fixed(calibration.eceBefore)}, log loss ${fixed(calibration.logLossBefore)}); ` +
    `Platt scaling applied (${fixed(calibration.eceAfter)}, log loss ${fixed(calibration.logLossAfter)})`
  );
}

export function importanceTable(importance: readonly Importance[], top = 10): string {
  return table(
    ["feature", `strength (${importance[0]?.unit ?? "-"})`, "direction", "effect"],
    importance
      .slice(0, top)
      .map((item) => [item.feature, fixed(item.strength), item.direction, item.summary]),
  );
}

/** The whole report printed after training. */
export function trainingReport(artifact: PredictiveArtifact): string {
  const { holdout, training } = artifact;
  const metrics = holdout.metrics;
  const split =
    holdout.split === "time" ? `time-based: rows from ${holdout.cutoff?.slice(0, 10)} on` : "stratified";
  return [
    `model: ${artifact.kind === "gbdt" ? "gradient-boosted trees" : "scorecard (0-100 points)"}; ` +
      `trained on ${count(training.trainingRows)} rows, calibration checked on ${count(training.calibrationRows)}`,
    calibrationLine(artifact.calibration),
    "",
    `holdout (${split}): ${count(metrics.rows)} rows, ${count(metrics.converted)} converted`,
    metricsTable([{ name: "predictive", evaluation: metrics }]),
    "",
    "conversion and lift per decile (1 = highest probabilities):",
    decileTable([{ name: "predictive", evaluation: metrics }]),
    "",
    "reliability (calibration) table:",
    reliabilityTable(metrics),
    "",
    `tiers (cut at the training distribution: top ${artifact.tiers.shares.map((s) => `${Math.round(s * 100)}%`).join(" / ")}), on the holdout:`,
    tierTable(holdout.tiers, artifact.tiers.cuts),
    "",
    "what converters have in common (global importance on the holdout):",
    importanceTable(artifact.importance),
  ].join("\n");
}
