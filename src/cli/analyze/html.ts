/**
 * The standalone HTML report of `leadscore analyze`, built as the predictive report is: one file
 * that opens from disk without a network, Chart.js inlined, the figures in a JSON data block,
 * every user-provided text escaped.
 */
import type { GroupingReport } from "../../analytics/band-report.js";
import type { Interval } from "../../analytics/intervals.js";
import type { FeatureAdvice } from "../../analytics/rule-advice.js";
import { chartJsBundle, escapeHtml, htmlTable, scriptJson } from "../predict/html.js";
import type { AnalyzeReport } from "./run.js";

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");
const range = (i: Interval) => `${pct(i.low)}-${pct(i.high)}`;
const fixed = (x: number | null, digits = 2) => (x === null || !Number.isFinite(x) ? "-" : x.toFixed(digits));

function groupingHtml(g: GroupingReport): string {
  const rows = g.cells.map((c) => [
    c.key,
    String(c.contacts),
    pct(c.share),
    String(c.conversions),
    pct(c.rate),
    c.contacts ? range(c.interval) : "-",
    fixed(c.lift),
    c.medianDaysToConversion === null ? "-" : String(c.medianDaysToConversion),
  ]);
  const words = g.monotonicity
    ? `<p>${escapeHtml(g.monotonicity.summary)}</p><ul>${g.monotonicity.pairs
        .filter((p) => p.kind !== "rises")
        .map((p) => `<li>${escapeHtml(p.text)}</li>`)
        .join("")}</ul>`
    : "";
  return `<h3>By ${escapeHtml(g.label)}</h3>${htmlTable(
    ["", "contacts", "share", "conversions", "rate", "95% interval", "lift", "median days"],
    rows,
  )}${words}`;
}

function featuresHtml(features: readonly FeatureAdvice[]): string {
  return htmlTable(
    ["", "fires for", "share", "conv. fired", "conv. not", "lift", "95% interval", "points", "suggested"],
    features.map((f) => [
      f.id,
      String(f.fired),
      pct(f.firedShare),
      pct(f.firedRate),
      pct(f.notFiredRate),
      fixed(f.lift),
      `${fixed(f.liftInterval.low)}-${fixed(f.liftInterval.high)}`,
      fixed(f.meanPoints, 1),
      String(f.suggestedPoints),
    ]),
  );
}

const SCRIPT = `
const data = JSON.parse(document.getElementById("report-data").textContent);
const pc = (x) => x === null ? null : x * 100;
const total = data.groupings.find((g) => g.id === "total");
new Chart(document.getElementById("bands"), { type: "bar", data: { labels: total.cells.map((c) => c.key),
  datasets: [{ label: "conversion rate (%)", data: total.cells.map((c) => pc(c.rate)), backgroundColor: "#1f6feb" },
    { label: "95% low", data: total.cells.map((c) => pc(c.interval.low)), type: "line", borderColor: "#999", showLine: false },
    { label: "95% high", data: total.cells.map((c) => pc(c.interval.high)), type: "line", borderColor: "#999", showLine: false },
    { label: "base rate", data: total.cells.map(() => pc(data.population.baseRate)), type: "line", borderDash: [4, 4], pointRadius: 0, borderColor: "#d97706" }] },
  options: { scales: { y: { title: { display: true, text: "conversion within the horizon (%)" } } } } });
const points = data.thresholds.points;
new Chart(document.getElementById("curve"), { type: "line", data: { labels: points.map((p) => p.threshold), datasets: [
  { label: "MQLs a week", data: points.map((p) => p.mqlsPerWeek), borderColor: "#1f6feb", yAxisID: "y", pointRadius: 0 },
  { label: "MQL conversion (%)", data: points.map((p) => pc(p.rate)), borderColor: "#16a34a", yAxisID: "y1", pointRadius: 0 },
  { label: "customers caught (%)", data: points.map((p) => pc(p.shareCaught)), borderColor: "#d97706", yAxisID: "y1", pointRadius: 0 }] },
  options: { scales: { x: { title: { display: true, text: "threshold (total >=)" } },
    y: { position: "left", title: { display: true, text: "MQLs a week" } },
    y1: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false }, title: { display: true, text: "%" } } } } });
const rules = data.rules.rules.filter((r) => r.fired > 0 && r.lift !== null);
document.getElementById("lifts-box").style.height = (rules.length * 22 + 80) + "px";
new Chart(document.getElementById("lifts"), { type: "bar", data: { labels: rules.map((r) => r.id),
  datasets: [{ label: "lift (fired / not fired), log2", data: rules.map((r) => Math.log2(r.lift)),
    backgroundColor: rules.map((r) => !r.significant ? "#999" : r.lift > 1 ? "#16a34a" : "#dc2626") }] },
  options: { indexAxis: "y", maintainAspectRatio: false, scales: { y: { ticks: { autoSkip: false } }, x: { ticks: { callback: (v) => String(+(2 ** v).toPrecision(2)) }, title: { display: true, text: "lift, from 1 (log scale: each step doubles; grey: its 95% interval holds 1)" } } } } });
`;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}.charts{display:grid;grid-template-columns:1fr 1fr;gap:2em}
.wide{grid-column:1 / span 2}`;

export async function renderHtml(report: AnalyzeReport): Promise<string> {
  const { analysis, advice } = report;
  const title = `Analysis of ${report.model.name} v${report.model.version}`;
  const p = analysis.population;
  const facts = [
    `conversion: ${report.conversion}`,
    `as of ${analysis.asOf}, ${analysis.horizonDays === null ? "no horizon" : `horizon ${analysis.horizonDays} days`}, period ${analysis.periodDays} days`,
    `${p.contacts} contacts analysed (${p.alreadyConverted} converted before, left out); ${p.conversions} conversions, base rate ${pct(p.baseRate)} (95% ${range(p.baseInterval)})`,
    `disqualified: ${p.disqualified.contacts} contacts, ${p.disqualified.conversions} conversions`,
    ...report.notes,
  ];
  const curveRows = analysis.thresholds.points
    .filter((pt) => pt.threshold % 5 === 0 || pt.threshold === advice?.threshold)
    .map((pt) => [
      String(pt.threshold),
      String(pt.mqls),
      fixed(pt.mqlsPerWeek, 1),
      String(pt.conversions),
      pct(pt.rate),
      pt.mqls ? range(pt.interval) : "-",
      pct(pt.shareCaught),
    ]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<ul>${facts.map((fact) => `<li>${escapeHtml(fact)}</li>`).join("")}</ul>
<div class="charts">
<div><h2>Conversion per band of the total</h2><canvas id="bands"></canvas></div>
<div><h2>Threshold trade-off</h2><canvas id="curve"></canvas></div>
<div class="wide"><h2>Lift of each rule</h2><div id="lifts-box"><canvas id="lifts"></canvas></div></div>
</div>
<h2>Warnings</h2>
<ul>${analysis.warnings.map((w) => `<li>${escapeHtml(w.text)}</li>`).join("") || "<li>none</li>"}</ul>
<h2>Bands</h2>
${analysis.groupings.map(groupingHtml).join("\n")}
<h2>Thresholds</h2>
${advice ? `<p><strong>${escapeHtml(advice.text)}</strong></p>` : ""}
${htmlTable(["threshold", "MQLs", "MQLs/week", "converted", "rate", "95% interval", "customers caught"], curveRows)}
<h2>Rules</h2>
<p>${escapeHtml(analysis.rules.method)}</p>
${featuresHtml(analysis.rules.rules)}
${analysis.rules.candidates.length ? `<h2>Candidates the model does not read</h2>${featuresHtml(analysis.rules.candidates)}` : ""}
<script id="report-data" type="application/json">${scriptJson(analysis)}</script>
<script>${await chartJsBundle()}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
