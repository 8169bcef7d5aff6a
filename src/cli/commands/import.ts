/** `leadscore import`: bulk import of companies, contacts and events into the scoring service. */
import type { Command } from "commander";
import { type ImportOptions, runImport } from "../import/run.js";
import { collect } from "../score/options.js";
import { asUserErrors } from "./score.js";

const HELP = `
Files are read as streams (CSV with a header, or JSONL), in this order: companies, contacts,
events. Columns:
  companies  id, then any properties (name, domain, industry, employees, revenue, country...)
  contacts   id and/or email, companyId, then any properties (jobTitle, country...)
  events     id, contactId (or email), type, timestamp (ISO 8601 or epoch ms), then any
             properties (url, form_id, campaign, value...)
CRM exports (HubSpot, Salesforce) are recognised by their headers; --map names other columns.
Empty cells are left out (a property is never erased by an empty cell).

Where the rows go:
  HTTP (default)  POST /v1/{companies,contacts,events}/batch of a running service (--url,
                  default http://127.0.0.1:8080) with a write-scope API key: LEADSCORE_API_KEY,
                  or --key (visible to other users in the process list). Requests that fail
                  with a 5xx answer or a network error are tried again, up to 4 times.
  --direct        the service's database itself, opened as \`leadscore serve\` opens it
                  (DATABASE_URL, or the SQLite folder --data-dir, or --config), through the
                  same code as the API: same validation, idempotency and scoring.

Bad rows: each row is checked as the API checks it. A row with errors is skipped, the
others are imported; each problem is reported as file:line: field: message (the first 20
on stderr, all of them with --errors FILE), and the exit code is 2. With --strict the import
stops at the first bad row, before sending anything of that row's batch (earlier batches
stay imported). Re-importing is safe: contacts and companies are updated, and an event whose
id the service already has is counted as a duplicate, never twice. An email that another
contact already has is left off (a warning names the row): emails identify contacts.

Exit codes: 0 all rows imported, 2 bad rows skipped (or bad options), 1 the import failed
(service unreachable, key refused); the summary says what was stored before it stopped.

Examples:
  $ export LEADSCORE_API_KEY=lsk_...      # leadscore keys create --name import --scope write
  $ leadscore import --companies companies.csv --contacts contacts.csv --events events.csv
  $ leadscore import --events events.jsonl --url https://leadscore.internal:8080 --batch-size 2000
  $ leadscore import --direct --data-dir .leadscore/data --contacts hubspot-contacts.csv
  $ DATABASE_URL=postgres://leadscore@db:5432/leadscore leadscore import --direct --events events.csv
  $ leadscore import --contacts leads.csv --map id=LeadNumber --map email="E-mail" --errors bad.csv
`;

export function register(program: Command): void {
  program
    .command("import")
    .description("Bulk-import companies, contacts and events (CSV or JSONL) into the scoring service.")
    .option("--companies <file>", "companies (.csv, .jsonl or .ndjson)")
    .option("--contacts <file>", "contacts")
    .option("--events <file>", "events")
    .option("--url <url>", "the service's URL (default http://127.0.0.1:8080)")
    .option("--key <key>", "API key with the write scope (default: env LEADSCORE_API_KEY)")
    .option("--direct", "write to the service's database directly instead of over HTTP")
    .option("--data-dir <dir>", "with --direct: the SQLite folder (env LEADSCORE_DATA_DIR)")
    .option("-c, --config <file>", "with --direct: the service's config file (YAML or JSON)")
    .option("--batch-size <n>", "rows per request or transaction (the service takes up to 5000)", "1000")
    .option("--concurrency <n>", "batches in flight at once", "4")
    .option(
      "--map <name=column>",
      "read a name from a column: email=E-mail, company.id=Account ID, event.timestamp=Date (repeatable)",
      collect,
      [],
    )
    .option("--input-format <format>", "csv or jsonl (default: from each file's extension)")
    .option("--strict", "stop at the first bad row (its batch is not sent)")
    .option("--errors <file>", "write every bad row (file, line, field, message) to this CSV")
    .option("--progress", "show the progress bar even when stderr is not a terminal")
    .option("--no-progress", "no progress bar")
    .addHelpText("after", HELP)
    .action(async (options: ImportOptions) => {
      const code = await asUserErrors(() => runImport(options));
      if (code !== 0) process.exitCode = code;
    });
}
