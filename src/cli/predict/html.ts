/**
 * The standalone HTML report: one file that opens from disk without a network. Chart.js's UMD
 * bundle is inlined from node_modules; the figures travel as JSON in a data block (with <, >
 * and & escaped so no value can close the script), and every user-provided text shown in the
 * page's tables is HTML-escaped.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Importance } from "../../predict/artifact.js";
import type { Calibration } from "../../predict/calibration.js";
import type { Evaluation } from "../../predict/metrics.js";
import type { TierOutcome } from "../../predict/tiers.js";

export interface ReportScore {
  name: string;
  evaluation: Evaluation;
  roc: { fpr: number[]; tpr: number[] };
}

export interface ReportInput {
  title: string;
  /** Lines about the data and the model ("source: leads.csv"...). */
  facts: string[];
  scores: ReportScore[];
  calibration?: Calibration;
  tiers?: { cuts: number[]; outcomes: TierOutcome[] };
  importance: Importance[];
  ignored: { name: string; reason: string; detail: string }[];
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON safe inside a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v))
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Chart.js's UMD bundle, safe to inline in a <script> element. */
export async function chartJsBundle(): Promise<string> {
  const require = createRequire(import.meta.url);
  const main = require.resolve("chart.js");
  const text = await readFile(join(dirname(main), "chart.umd.min.js"), "utf8");
  return text.replace(/<\/script/gi, "<\\/script");
}

const num = (x: number | undefined, digits = 3) =>
  x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(digits);
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : "-");

export function htmlTable(header: string[], rows: string[][]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

function metricsHtml(scores: ReportScore[]): string {
  const row = (name: string, read: (e: Evaluation) => number | undefined) => [
    name,
    ...scores.map((s) => num(read(s.evaluation))),
  ];
  return htmlTable(
    ["metric", ...scores.map((s) => s.name)],
    [
      row("rows", (e) => e.rows).map((c, i) => (i === 0 ? c : c.replace(/\.000$/, ""))),
      row("ROC AUC", (e) => e.rocAuc),
      row("PR AUC", (e) => e.prAuc),
      row("Brier score", (e) => e.brier),
      row("log loss", (e) => e.logLoss),
      row("top-decile lift", (e) => e.deciles[0]?.lift),
    ],
  );
}

function calibrationHtml(calibration: Calibration | undefined): string {
  if (!calibration) return "";
  const text =
    calibration.method === "platt"
      ? `Platt scaling applied: expected calibration error ${num(calibration.eceBefore)} → ${num(calibration.eceAfter)} on ${calibration.rows} validation rows.`
      : `No calibration needed: expected calibration error ${num(calibration.eceBefore)} on ${calibration.rows} validation rows (Platt scaling would not lower their log loss by 1%).`;
  return `<p>${escapeHtml(text)}</p>`;
}

const SCRIPT = `
const data = JSON.parse(document.getElementById("report-data").textContent);
const colours = ["#1f6feb", "#d97706", "#16a34a"];
new Chart(document.getElementById("roc"), { type: "scatter", data: { datasets: [
  ...data.scores.map((s, i) => ({ label: s.name + " (AUC " + (s.evaluation.rocAuc ?? 0).toFixed(3) + ")",
    data: s.roc.fpr.map((x, k) => ({ x, y: s.roc.tpr[k] })), showLine: true, pointRadius: 0, borderColor: colours[i] })),
  { label: "chance", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, pointRadius: 0, borderDash: [4, 4], borderColor: "#999" }] },
  options: { scales: { x: { min: 0, max: 1, title: { display: true, text: "false positive rate" } },
    y: { min: 0, max: 1, title: { display: true, text: "true positive rate" } } } } });
new Chart(document.getElementById("lift"), { type: "bar", data: { labels: [1,2,3,4,5,6,7,8,9,10],
  datasets: data.scores.map((s, i) => ({ label: s.name, data: s.evaluation.deciles.map((d) => d.conversionRate * 100), backgroundColor: colours[i] })) },
  options: { scales: { x: { title: { display: true, text: "decile (1 = highest scores)" } }, y: { title: { display: true, text: "conversion rate (%)" } } } } });
const cal = (data.scores[0].evaluation.calibration || []).filter((b) => b.rows > 0);
new Chart(document.getElementById("calibration"), { type: "scatter", data: { datasets: [
  { label: "observed", data: cal.map((b) => ({ x: b.meanPredicted, y: b.observedRate })), showLine: true, borderColor: colours[0] },
  { label: "perfect", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, pointRadius: 0, borderDash: [4, 4], borderColor: "#999" }] },
  options: { scales: { x: { min: 0, max: 1, title: { display: true, text: "mean predicted probability" } },
    y: { min: 0, max: 1, title: { display: true, text: "observed conversion rate" } } } } });
const imp = data.importance.slice(0, 15);
new Chart(document.getElementById("importance"), { type: "bar", data: { labels: imp.map((f) => f.feature),
  datasets: [{ label: "mean |contribution| (" + (imp[0] ? imp[0].unit : "") + ")", data: imp.map((f) => f.strength),
    backgroundColor: imp.map((f) => f.direction === "higher lowers" ? "#dc2626" : f.direction === "higher raises" ? "#16a34a" : "#1f6feb") }] },
  options: { indexAxis: "y", plugins: { tooltip: { callbacks: { afterLabel: (c) => imp[c.dataIndex].direction + ": " + imp[c.dataIndex].summary } } } } });
`;

const STYLE = `body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:right}
td:first-child,th:first-child{text-align:left}.charts{display:grid;grid-template-columns:1fr 1fr;gap:2em}
.wide{grid-column:1 / span 2}`;

export async function renderReport(input: ReportInput): Promise<string> {
  const main = input.scores[0];
  const importanceRows = input.importance.map((f) => [f.feature, num(f.strength), f.direction, f.summary]);
  const decileRows = main.evaluation.deciles.map((d) => [
    String(d.decile),
    String(d.rows),
    pct(d.conversionRate),
    num(d.lift, 2),
    pct(d.cumulativeCapture),
  ]);
  const reliability = (main.evaluation.calibration ?? []).filter((b) => b.rows > 0);
  const data = { scores: input.scores, importance: input.importance };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(input.title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<ul>${input.facts.map((fact) => `<li>${escapeHtml(fact)}</li>`).join("")}</ul>
<h2>Metrics</h2>
${metricsHtml(input.scores)}
${calibrationHtml(input.calibration)}
<div class="charts">
<div><h2>ROC curve</h2><canvas id="roc"></canvas></div>
<div><h2>Conversion per decile</h2><canvas id="lift"></canvas></div>
<div><h2>Calibration (reliability)</h2><canvas id="calibration"></canvas></div>
<div><h2>What converters have in common</h2><canvas id="importance"></canvas></div>
</div>
<h2>Deciles (${escapeHtml(main.name)})</h2>
${htmlTable(["decile", "rows", "conversion", "lift", "converters found so far"], decileRows)}
<h2>Reliability table</h2>
${htmlTable(
  ["mean predicted", "observed", "rows"],
  reliability.map((b) => [pct(b.meanPredicted), pct(b.observedRate), String(b.rows)]),
)}
${
  input.tiers
    ? `<h2>Tiers</h2>${htmlTable(
        ["tier", "probability from", "rows", "converted"],
        input.tiers.outcomes.map((o, i) => [
          o.tier,
          pct([...input.tiers!.cuts, 0][i]),
          String(o.rows),
          pct(o.conversionRate),
        ]),
      )}`
    : ""
}
<h2>Feature importance, with direction</h2>
${htmlTable(["feature", "strength", "direction", "effect"], importanceRows)}
${
  input.ignored.length
    ? `<h2>Columns not used</h2>${htmlTable(
        ["column", "reason", "detail"],
        input.ignored.map((c) => [c.name, c.reason, c.detail]),
      )}`
    : ""
}
<script id="report-data" type="application/json">${scriptJson(data)}</script>
<script>${await chartJsBundle()}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}
