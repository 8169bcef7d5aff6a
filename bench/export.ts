/**
 * Export of ranked scores on SQLite: the snapshot export (`RankedScores.snapshotPages`: pages on
 * the index by total, one streamed sorted query by a dimension) against keyset paging
 * (`RankedScores.pages`, how exports read before 2026-11-30: one query per 1,000 rows, outside any
 * snapshot), on the same table, sorted by total (an index serves it) and by a
 * dimension (no index: every page sorts the table again). Scores are written directly (random
 * totals and dimension points) under the published b2b template, so only the reading is timed.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ModelRegistry } from "../src/service/models/models.js";
import { type RankedPlan, RankedScores } from "../src/service/scores/ranked.js";
import { openDatabase } from "../src/store/database.js";
import { ModelQueries } from "../src/store/models.js";

export interface ExportRun {
  sort: string;
  reader: "snapshot" | "keyset pages";
  rows: number;
  seconds: number;
}

export interface ExportReport {
  contacts: number;
  runs: ExportRun[];
}

/** The repository: this file runs from build-bench/bench/. */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "../..");

const log = (text: string) => process.stderr.write(`[export] ${text}\n`);

export function exportContacts(argv: string[]): number {
  const at = argv.indexOf("--export-contacts");
  const n = at >= 0 ? Number(argv[at + 1]) : 200_000;
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--export-contacts must be a positive integer, got ${argv[at + 1]}`);
  return n;
}

/** A small deterministic generator: the same table at every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48_271) % 2_147_483_647;
    return state / 2_147_483_647;
  };
}

export async function benchExport(contacts: number): Promise<ExportReport> {
  const dir = mkdtempSync(join(tmpdir(), "leadscore-bench-export-"));
  const database = await openDatabase({ dataDir: dir });
  try {
    const source = readFileSync(join(ROOT, "src/model/templates/b2b.yaml"), "utf8");
    const now = Date.now();
    await database.db
      .insertInto("models")
      .values({ key: "b2b", version: 1, name: "b2b", source, created_ms: now })
      .execute();
    await database.db
      .insertInto("model_heads")
      .values({ key: "b2b", version: 1, published_ms: now })
      .execute();
    const models = new ModelRegistry();
    const ranked = new RankedScores(database.db, "sqlite", models);
    const dimensionIds = (await models.active(new ModelQueries(database.db)))[0].evaluator.dimensionIds;
    log(`writing ${contacts.toLocaleString("en-US")} scores (dimensions ${dimensionIds.join(", ")})`);
    const next = random(42);
    const sqlite = database.sqlite;
    if (!sqlite) throw new Error("the export benchmark runs on SQLite");
    const insert = sqlite.prepare(
      "insert into scores (contact_id, model_key, model_version, total, dimensions, band, temperature, fit_grade, engagement_grade, matrix, mql, disqualified, as_of_ms, updated_ms) values (?, 'b2b', 1, ?, ?, 'B', 'warm', 'B', '2', 'B2', 0, 0, ?, ?)",
    );
    const contact = sqlite.prepare(
      "insert into contacts (id, email, company_id, properties, created_ms, updated_ms) values (?, ?, null, '{}', ?, ?)",
    );
    sqlite.transaction(() => {
      for (let i = 0; i < contacts; i++) {
        const id = `c${String(i).padStart(8, "0")}`;
        const dimensions = Object.fromEntries(dimensionIds.map((d) => [d, Math.round(next() * 100)]));
        const total = Object.values(dimensions).reduce((a, b) => a + b, 0);
        contact.run(id, `${id}@example.com`, now, now);
        insert.run(id, total, JSON.stringify(dimensions), now, now);
      }
    })();
    const runs: ExportRun[] = [];
    for (const sort of ["total", dimensionIds[0]]) {
      const plan: RankedPlan = await ranked.plan({ sort, disqualified: "any" });
      for (const reader of ["snapshot", "keyset pages"] as const) {
        const started = performance.now();
        let rows = 0;
        const pages = reader === "snapshot" ? ranked.snapshotPages(database, plan) : ranked.pages(plan);
        for await (const items of pages) rows += items.length;
        const seconds = (performance.now() - started) / 1000;
        if (rows !== contacts) throw new Error(`${reader} by ${sort} read ${rows} rows of ${contacts}`);
        log(`by ${sort}, ${reader}: ${rows.toLocaleString("en-US")} rows in ${seconds.toFixed(2)} s`);
        runs.push({ sort, reader, rows, seconds });
      }
    }
    return { contacts, runs };
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function exportTable(report: ExportReport): string {
  const lines = [
    `| export, SQLite, ${report.contacts.toLocaleString("en-US")} scores | reader | rows/s | seconds | keyset pages / snapshot |`,
    "|---|---|---|---|---|",
  ];
  for (const run of report.runs) {
    const stream = report.runs.find((r) => r.sort === run.sort && r.reader === "snapshot");
    const ratio =
      run.reader === "keyset pages" && stream ? `${(run.seconds / stream.seconds).toFixed(1)}x` : "";
    lines.push(
      `| by ${run.sort} | ${run.reader} | ${Math.round(run.rows / run.seconds).toLocaleString("en-US")} | ${run.seconds.toFixed(2)} | ${ratio} |`,
    );
  }
  return lines.join("\n");
}
