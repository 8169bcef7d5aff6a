/**
 * Test and adjust: how a model's scores at a date fit the conversions that followed.
 *
 *   npm run build && npx tsc -p tsconfig.bench.json
 *   node bin/leadscore.js demo --out /tmp/tune --contacts 20000 --seed 11
 *   node bin/leadscore.js score --model src/model/templates/b2b.yaml --contacts /tmp/tune/contacts.csv \
 *     --events /tmp/tune/events.csv --companies /tmp/tune/companies.csv --as-of 2026-08-01 \
 *     --out /tmp/tune/b2b.csv
 *   node build-bench/bench/template-fit.js --scored /tmp/tune/b2b.csv \
 *     --outcomes /tmp/tune/outcomes.csv --as-of 2026-08-01 --events /tmp/tune/events.csv
 *
 * Prints, for each `--scored` file (a CSV written by `leadscore score`), the distribution per
 * band and temperature, the MQL share, the conversion rate of each group and the ROC AUC of
 * the total (and of each dimension) against conversions in the `--horizon` days (default 90)
 * after `--as-of`. Contacts who converted before the as-of date are left out of the
 * conversion figures; with `--events`, so are contacts with no activity yet at that date
 * (they were not leads yet). `--outcomes` is a CSV of contactId and convertedAt (empty when
 * the contact did not convert), such as the demo's outcomes.csv.
 */
import { createReadStream, readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { parse } from "csv-parse";
import { parse as parseSync } from "csv-parse/sync";
import { type FitRow, fitReport, formatFitReport } from "./fit-metrics.js";

const DAY_MS = 86_400_000;

function usage(message: string): never {
  process.stderr.write(
    `${message}\nusage: template-fit --scored <scored.csv> [--scored ...] --outcomes <outcomes.csv> ` +
      "--as-of <date> [--horizon <days>] [--events <events.csv>]\n",
  );
  process.exit(2);
}

/** UTC milliseconds of an ISO 8601 date (a date-time without a zone is UTC) or epoch ms. */
function timeMs(text: string): number {
  if (/^\d+$/.test(text)) return Number(text);
  const zoneless = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text);
  return Date.parse(zoneless ? `${text}Z` : text);
}

function readCsv(path: string): Record<string, string>[] {
  return parseSync(readFileSync(path), { columns: true, skip_empty_lines: true, bom: true });
}

/** convertedAt in ms by contact id, for contacts who converted. */
function readOutcomes(path: string): Map<string, number> {
  const converted = new Map<string, number>();
  for (const row of readCsv(path)) {
    const at = row.convertedAt ?? "";
    if (at !== "") converted.set(row.contactId, timeMs(at));
  }
  return converted;
}

/** Contacts with at least one event at or before the as-of date. */
async function activeBy(path: string, asOfMs: number): Promise<Set<string>> {
  const active = new Set<string>();
  const rows = createReadStream(path).pipe(parse({ columns: true, skip_empty_lines: true, bom: true }));
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    if (timeMs(row.timestamp) <= asOfMs) active.add(row.contactId);
  }
  return active;
}

function fitRows(
  path: string,
  outcomes: Map<string, number>,
  active: Set<string> | undefined,
  asOfMs: number,
  horizonMs: number,
): FitRow[] {
  const records = readCsv(path);
  if (records.length === 0) return [];
  const columns = Object.keys(records[0]);
  const first = columns.indexOf("total") + 1;
  const last = columns.indexOf("band");
  if (first === 0 || last < first) usage(`${path}: not a file written by leadscore score`);
  const dimensionIds = columns.slice(first, last);
  return records.map((record) => {
    const convertedAt = outcomes.get(record.id);
    const dimensions: Record<string, number> = {};
    for (const id of dimensionIds) dimensions[id] = Number(record[id]);
    return {
      total: Number(record.total),
      dimensions,
      band: record.band,
      temperature: record.temperature === "" ? null : record.temperature,
      mql: record.mql === "true",
      disqualified: record.disqualified === "true",
      measured: !(convertedAt !== undefined && convertedAt <= asOfMs) && (active?.has(record.id) ?? true),
      converted: convertedAt !== undefined && convertedAt > asOfMs && convertedAt <= asOfMs + horizonMs,
    };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scored: { type: "string", multiple: true },
      outcomes: { type: "string" },
      "as-of": { type: "string" },
      horizon: { type: "string", default: "90" },
      events: { type: "string" },
    },
  });
  if (!values.scored?.length || !values.outcomes || !values["as-of"]) usage("missing arguments");
  const asOfMs = timeMs(values["as-of"]);
  const horizonDays = Number(values.horizon);
  if (!Number.isFinite(asOfMs)) usage(`not a date: ${values["as-of"]}`);
  if (!(horizonDays > 0)) usage(`not a number of days: ${values.horizon}`);
  const outcomes = readOutcomes(values.outcomes);
  const active = values.events === undefined ? undefined : await activeBy(values.events, asOfMs);
  const asOf = new Date(asOfMs).toISOString().slice(0, 10);
  const population = active ? "active by then" : "all contacts";
  for (const path of values.scored) {
    const report = fitReport(fitRows(path, outcomes, active, asOfMs, horizonDays * DAY_MS));
    const title = `${basename(path)}: as of ${asOf}, conversions in the next ${horizonDays} days (${population})`;
    process.stdout.write(`${formatFitReport(report, title)}\n`);
  }
}

await main();
