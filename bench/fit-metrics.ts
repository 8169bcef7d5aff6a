/**
 * How well a model's scores fit what happened next: the marketer's "test and adjust" figures
 * (distribution per band and temperature, MQL share, conversion rate per band, ROC AUC of
 * the total against conversions in the following days). Pure functions, shared by
 * `bench/template-fit.ts` (scored files) and the template quality test (engine results).
 */

import { BANDS } from "../src/engine/index.js";

/** One scored contact and what happened to it. */
export interface FitRow {
  total: number;
  /** Dimension scores by dimension id. */
  dimensions: Readonly<Record<string, number>>;
  band: string;
  temperature: string | null;
  mql: boolean;
  disqualified: boolean;
  /**
   * In the measured population: not a customer yet at the as-of date (and, when known,
   * already active by then). Contacts outside it still count in the distribution.
   */
  measured: boolean;
  /** Converted within the horizon after the as-of date. */
  converted: boolean;
}

export interface GroupFigures {
  label: string;
  /** Every scored contact in the group, and its share of all scored contacts. */
  contacts: number;
  share: number;
  /** Measured contacts in the group, the converters among them and their rate. */
  measured: number;
  converters: number;
  rate: number;
}

export interface FitReport {
  contacts: number;
  measured: number;
  converters: number;
  /** Conversion rate of the whole measured population (the base rate). */
  baseRate: number;
  bands: GroupFigures[];
  temperatures: GroupFigures[];
  /** MQL and not MQL. */
  mql: GroupFigures[];
  /** Share of all scored contacts that are hot, and that are MQL. */
  hotShare: number;
  mqlShare: number;
  /** Share of the measured converters that were MQL at the as-of date. */
  mqlRecall: number;
  /** ROC AUC of the total over the measured population (0.5: no better than chance). */
  auc: number;
  /** The same, disqualified contacts ranked last (the order sales would call in). */
  aucCallOrder: number;
  /** ROC AUC of each dimension alone. */
  dimensionAuc: Record<string, number>;
  /**
   * Each dimension's highest score among measured contacts, and the share of them holding
   * it: a large share means the dimension saturates (everyone engaged sits at 100).
   */
  dimensionTop: Record<string, { value: number; share: number }>;
  /** Mean total of measured converters and of measured non-converters. */
  meanConverters: number;
  meanOthers: number;
}

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties
 * counting one half (Mann-Whitney U with average ranks). NaN without both classes.
 */
export function rocAuc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end + 1 < n && scores[order[end + 1]] === scores[order[start]]) end++;
    const averageRank = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) {
      if (positive[order[k]]) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

function group(label: string, rows: readonly FitRow[], all: number): GroupFigures {
  let measured = 0;
  let converters = 0;
  for (const row of rows) {
    if (!row.measured) continue;
    measured++;
    if (row.converted) converters++;
  }
  return {
    label,
    contacts: rows.length,
    share: all === 0 ? 0 : rows.length / all,
    measured,
    converters,
    rate: measured === 0 ? 0 : converters / measured,
  };
}

function groupsBy(rows: readonly FitRow[], labels: readonly string[], key: (row: FitRow) => string) {
  const byLabel = new Map<string, FitRow[]>(labels.map((label) => [label, []]));
  for (const row of rows) {
    const label = key(row);
    let list = byLabel.get(label);
    if (list === undefined) {
      list = [];
      byLabel.set(label, list);
    }
    list.push(row);
  }
  return [...byLabel].map(([label, list]) => group(label, list, rows.length));
}

const mean = (values: readonly number[]) =>
  values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;

export function fitReport(rows: readonly FitRow[]): FitReport {
  const measured = rows.filter((row) => row.measured);
  const converted = measured.map((row) => row.converted);
  const converters = converted.filter(Boolean).length;
  const dimensionIds = [...new Set(rows.flatMap((row) => Object.keys(row.dimensions)))];
  const dimensionAuc: Record<string, number> = {};
  const dimensionTop: Record<string, { value: number; share: number }> = {};
  for (const id of dimensionIds) {
    const scores = measured.map((row) => row.dimensions[id] ?? 0);
    dimensionAuc[id] = rocAuc(scores, converted);
    const value = scores.reduce((top, score) => Math.max(top, score), Number.NEGATIVE_INFINITY);
    const share = scores.length === 0 ? 0 : scores.filter((score) => score === value).length / scores.length;
    dimensionTop[id] = { value, share };
  }
  // Below every possible total: disqualified leads come after all the others.
  const callOrder = measured.map((row) => (row.disqualified ? row.total - 1e9 : row.total));
  const mql = groupsBy(rows, ["MQL", "not MQL"], (row) => (row.mql ? "MQL" : "not MQL"));
  return {
    contacts: rows.length,
    measured: measured.length,
    converters,
    baseRate: measured.length === 0 ? 0 : converters / measured.length,
    bands: groupsBy(rows, BANDS, (row) => row.band),
    temperatures: groupsBy(rows, ["hot", "warm", "cold"], (row) => row.temperature ?? "none"),
    mql,
    hotShare: rows.length === 0 ? 0 : rows.filter((row) => row.temperature === "hot").length / rows.length,
    mqlShare: mql[0].share,
    mqlRecall: converters === 0 ? 0 : mql[0].converters / converters,
    auc: rocAuc(
      measured.map((row) => row.total),
      converted,
    ),
    aucCallOrder: rocAuc(callOrder, converted),
    dimensionAuc,
    dimensionTop,
    meanConverters: mean(measured.filter((row) => row.converted).map((row) => row.total)),
    meanOthers: mean(measured.filter((row) => !row.converted).map((row) => row.total)),
  };
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const count = (n: number) => n.toLocaleString("en-US");

function groupTable(title: string, groups: readonly GroupFigures[], baseRate: number): string[] {
  const lines = [
    `| ${title} | contacts | share | measured | converters | conversion | lift |`,
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const g of groups) {
    const lift = baseRate > 0 && g.measured > 0 ? (g.rate / baseRate).toFixed(2) : "-";
    lines.push(
      `| ${g.label} | ${count(g.contacts)} | ${percent(g.share)} | ${count(g.measured)} | ${count(g.converters)} | ${percent(g.rate)} | ${lift} |`,
    );
  }
  return lines;
}

/** The report as Markdown tables a marketer can paste into a review. */
export function formatFitReport(report: FitReport, title: string): string {
  const auc = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(3));
  const dimensions = Object.entries(report.dimensionAuc)
    .map(([id, value]) => `${id} ${auc(value)}`)
    .join(", ");
  const tops = Object.entries(report.dimensionTop)
    .map(([id, top]) => `${id} ${percent(top.share)} at ${top.value}`)
    .join(", ");
  return [
    `## ${title}`,
    "",
    `contacts ${count(report.contacts)}; measured ${count(report.measured)} (not yet customers at the as-of date), ` +
      `of whom ${count(report.converters)} converted in the horizon (${percent(report.baseRate)})`,
    `hot ${percent(report.hotShare)}, MQL ${percent(report.mqlShare)} (MQL conversion ${percent(report.mql[0].rate)}, ` +
      `${percent(report.mqlRecall)} of converters were MQL)`,
    `ROC AUC of the total ${auc(report.auc)}; disqualified last ${auc(report.aucCallOrder)}; per dimension: ${dimensions}`,
    `mean total: converters ${report.meanConverters.toFixed(1)}, others ${report.meanOthers.toFixed(1)}`,
    `measured contacts at each dimension's highest score: ${tops}`,
    "",
    ...groupTable("band", report.bands, report.baseRate),
    "",
    ...groupTable("temperature", report.temperatures, report.baseRate),
    "",
  ].join("\n");
}
