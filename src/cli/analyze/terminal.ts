/** The terminal report of `leadscore analyze`: tables per grouping, thresholds, warnings, rules. */
import type { GroupingReport } from "../../analytics/band-report.js";
import type { Interval } from "../../analytics/intervals.js";
import type { FeatureAdvice } from "../../analytics/rule-advice.js";
import type { CurvePoint } from "../../analytics/thresholds.js";
import { table } from "../predict/terminal.js";
import type { AnalyzeReport } from "./run.js";

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");
const range = (i: Interval) => `${pct(i.low)}-${pct(i.high)}`;
const fixed = (x: number | null | undefined, digits = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
const count = (x: number) => x.toLocaleString("en-US");
const signed = (x: number) => (x > 0 ? `+${x}` : String(x));

/** Candidates shown in the terminal; --json and --html have them all. */
const CANDIDATES_SHOWN = 15;

export function renderTerminal(report: AnalyzeReport): string {
  const { analysis } = report;
  const out: string[] = [];
  out.push(`model: ${report.model.name} v${report.model.version}`);
  out.push(`conversion: ${report.conversion}`);
  const horizon = analysis.horizonDays === null ? "no horizon" : `horizon ${analysis.horizonDays} days`;
  out.push(`as of: ${analysis.asOf}, ${horizon}, period ${analysis.periodDays} days`);
  out.push(...report.notes);
  out.push("", ...population(report));
  for (const grouping of analysis.groupings) out.push("", ...groupingSection(grouping));
  out.push("", ...thresholdSection(report));
  out.push("", "Warnings");
  out.push(...(analysis.warnings.length ? analysis.warnings.map((w) => `  - ${w.text}`) : ["  none"]));
  out.push("", ...ruleSection(report));
  return `${out.join("\n")}\n`;
}

function population({ analysis }: AnalyzeReport): string[] {
  const p = analysis.population;
  const horizon =
    analysis.horizonDays === null ? "after the as-of date" : `within ${analysis.horizonDays} days`;
  return [
    `contacts analysed: ${count(p.contacts)} (${count(p.alreadyConverted)} converted at or before the as-of date, left out)`,
    `conversions ${horizon}: ${count(p.conversions)}, base rate ${pct(p.baseRate)} (95% ${range(p.baseInterval)})`,
    `disqualified: ${count(p.disqualified.contacts)} contacts, ${count(p.disqualified.conversions)} conversions (${pct(p.disqualified.rate)}); not in the groupings below`,
  ];
}

function groupingSection(grouping: GroupingReport): string[] {
  const rows = grouping.cells.map((c) => [
    c.key,
    count(c.contacts),
    pct(c.share),
    count(c.conversions),
    pct(c.rate),
    c.contacts ? range(c.interval) : "-",
    fixed(c.lift),
    c.medianDaysToConversion === null ? "-" : String(c.medianDaysToConversion),
  ]);
  const lines = [
    `By ${grouping.label}`,
    table(["", "contacts", "share", "conversions", "rate", "95% interval", "lift", "median days"], rows),
  ];
  if (grouping.monotonicity) {
    lines.push(`  ${grouping.monotonicity.summary}`);
    for (const pair of grouping.monotonicity.pairs) if (pair.kind !== "rises") lines.push(`    ${pair.text}`);
  }
  return lines;
}

function thresholdSection({ analysis, advice }: AnalyzeReport): string[] {
  const { points } = analysis.thresholds;
  if (points.length === 0) return ["Thresholds: no contact can be an MQL"];
  const shown = new Set(points.filter((p) => p.threshold % 10 === 0).map((p) => p.threshold));
  if (advice?.threshold != null) shown.add(advice.threshold);
  const row = (p: CurvePoint) => [
    p === advice?.point ? `${p.threshold} <` : String(p.threshold),
    count(p.mqls),
    fixed(p.mqlsPerWeek, 1),
    count(p.conversions),
    pct(p.rate),
    p.mqls ? range(p.interval) : "-",
    pct(p.shareCaught),
  ];
  return [
    `Thresholds (MQL: total >= threshold; MQLs a week over the ${analysis.periodDays}-day period)`,
    table(
      ["threshold", "MQLs", "MQLs/week", "converted", "rate", "95% interval", "customers caught"],
      points.filter((p) => shown.has(p.threshold)).map(row),
    ),
    advice
      ? `  advice: ${advice.text}`
      : "  (give a goal with --capacity 50/week, --min-conversion 0.3 or --catch 0.8)",
  ];
}

function featureRow(f: FeatureAdvice): string[] {
  return [
    f.id,
    count(f.fired),
    pct(f.firedShare),
    pct(f.firedRate),
    pct(f.notFiredRate),
    fixed(f.lift),
    Number.isFinite(f.liftInterval.low) ? `${fixed(f.liftInterval.low)}-${fixed(f.liftInterval.high)}` : "-",
    f.meanPoints === null ? "-" : fixed(f.meanPoints, 1),
    signed(f.suggestedPoints),
  ];
}

function ruleSection({ analysis }: AnalyzeReport): string[] {
  const { rules } = analysis;
  const header = [
    "",
    "fires for",
    "share",
    "conv. fired",
    "conv. not",
    "lift",
    "95% interval",
    "points",
    "suggested",
  ];
  const candidates = rules.candidates.slice(0, CANDIDATES_SHOWN);
  const lines = [
    "Rules (lift: conversion when the rule gives points over when it does not)",
    table(header, rules.rules.map(featureRow)),
    `  ${rules.method}`,
  ];
  if (candidates.length)
    lines.push(
      "",
      `Candidates the model does not read (${candidates.length} of ${rules.candidates.length}, strongest first)`,
      table(header, candidates.map(featureRow)),
    );
  for (const skipped of rules.skipped) lines.push(`  ${skipped.property}: ${skipped.reason}`);
  return lines;
}
