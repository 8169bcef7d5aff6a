/** `leadscore demo`: write a realistic synthetic B2B data set, the same for the same seed. */
import { mkdir } from "node:fs/promises";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { DEMO_DEFAULTS, type DemoDataSet, generateDemo } from "../../demo/generator.js";
import { DEMO_FILES, type DemoCounts, type DemoFormat, writeDemoFiles } from "../demo/files.js";
import { UserError } from "../errors.js";

/** As commander hands them over: strings, validated by `parseDemoOptions`. */
export interface DemoCommandOptions {
  out: string;
  seed: string;
  contacts: string;
  companies?: string;
  months: string;
  endDate: string;
  eventsPerContact: string;
  format: string;
}

export interface DemoSettings {
  out: string;
  format: DemoFormat;
  seed: number;
  contacts: number;
  companies: number | undefined;
  months: number;
  endDate: string;
  eventsPerContact: number;
}

const EXAMPLES = `
Files (in --out, with the --format extension):
  companies   id, name, domain, industry, employees, revenue, country
  contacts    id, email, firstName, lastName, jobTitle, phone, country, leadSource, companyId,
              lifecycleStage, emailStatus, unsubscribed, budget, purchaseTimeframeDays, convertedAt
  events      id, contactId, type, timestamp, url, form_id, campaign, content_id, product, value,
              duration_s (grouped by contact, in time order within each contact)
  outcomes    contactId, convertedAt (empty for contacts who did not convert)

About 5 to 10% of contacts convert. A hidden lead quality drives fit, behaviour and conversion,
with noise: a good model ranks converters higher, but not perfectly. Existing files are replaced.

Examples:
  $ leadscore demo --out demo                    # 2,000 contacts, about 100,000 events
  $ leadscore demo --out big --contacts 100000 --seed 7 --format jsonl
  $ leadscore demo --out recent --months 3 --end-date 2026-06-01T00:00:00Z
`;

export function register(program: Command): void {
  program
    .command("demo")
    .description("Generate a synthetic B2B data set (companies, contacts, events, outcomes) from a seed.")
    .requiredOption("-o, --out <dir>", "directory to write the files to (created if missing)")
    .option("--seed <n>", "random seed: the same seed gives the same files, byte for byte", "42")
    .option("--contacts <n>", "number of contacts", "2000")
    .option("--companies <n>", "number of companies (default: one per 5 contacts)")
    .option("--months <n>", "length of the activity window, in months", String(DEMO_DEFAULTS.months))
    .option("--end-date <iso>", "end of the window (exclusive), ISO 8601 UTC", DEMO_DEFAULTS.endDate)
    .option(
      "--events-per-contact <n>",
      "mean number of events per contact",
      String(DEMO_DEFAULTS.eventsPerContact),
    )
    .option("--format <format>", "csv or jsonl", "csv")
    .addHelpText("after", EXAMPLES)
    .action(async (options: DemoCommandOptions) => {
      await demo(parseDemoOptions(options));
    });
}

function integerOption(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) {
    const expected = min === 1 ? "a positive integer" : `an integer >= ${min}`;
    throw new UserError(`${name} must be ${expected}, got "${text}"`);
  }
  return value;
}

export function parseDemoOptions(options: DemoCommandOptions): DemoSettings {
  const format = options.format.toLowerCase();
  if (format !== "csv" && format !== "jsonl") {
    throw new UserError(`--format must be csv or jsonl, got "${options.format}"`);
  }
  const eventsPerContact = Number(options.eventsPerContact);
  if (!(eventsPerContact > 0 && Number.isFinite(eventsPerContact))) {
    throw new UserError(`--events-per-contact must be a positive number, got "${options.eventsPerContact}"`);
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(options.endDate) || Number.isNaN(Date.parse(options.endDate))) {
    throw new UserError(
      `--end-date must be an ISO 8601 date such as 2026-11-01T00:00:00Z, got "${options.endDate}"`,
    );
  }
  return {
    out: options.out,
    format,
    seed: integerOption("--seed", options.seed, Number.MIN_SAFE_INTEGER),
    contacts: integerOption("--contacts", options.contacts, 1),
    companies:
      options.companies === undefined ? undefined : integerOption("--companies", options.companies, 1),
    months: integerOption("--months", options.months, 1),
    endDate: options.endDate,
    eventsPerContact,
  };
}

const number = (n: number) => n.toLocaleString("en-US");

/** A bar on stderr when it is a terminal; nothing in pipes, files and CI logs. */
function startProgress(total: number): { update(counts: DemoCounts): void; stop(): void } {
  if (!process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "demo [{bar}] {percentage}% | {value}/{total} contacts | {events} events | ETA {eta_formatted}",
      hideCursor: true,
      clearOnComplete: true,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { events: 0 });
  return {
    update(counts) {
      // The bar redraws on its own timer; updating it per contact would cost more than the data.
      if (counts.contacts % 256 === 0) bar.update(counts.contacts, { events: number(counts.events) });
    },
    stop: () => bar.stop(),
  };
}

function isSystemError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}

function summary(settings: DemoSettings, dataSet: DemoDataSet, counts: DemoCounts, seconds: number): string {
  const ext = settings.format;
  const rate = counts.contacts === 0 ? 0 : (100 * counts.converters) / counts.contacts;
  const [companies, contacts, events, outcomes] = DEMO_FILES.map((name) => `${name}.${ext}`.padEnd(16));
  return [
    `Wrote a demo data set to ${settings.out} (seed ${settings.seed}, ${dataSet.startDate.slice(0, 10)} to ${dataSet.endDate.slice(0, 10)}):`,
    `  ${companies}${number(counts.companies)} companies`,
    `  ${contacts}${number(counts.contacts)} contacts`,
    `  ${events}${number(counts.events)} events`,
    `  ${outcomes}${number(counts.converters)} converters (${rate.toFixed(1)}%)`,
    `Done in ${seconds.toFixed(1)} s.`,
    "",
  ].join("\n");
}

export async function demo(settings: DemoSettings): Promise<DemoCounts> {
  const started = performance.now();
  const dataSet = generateDemo({
    seed: settings.seed,
    contacts: settings.contacts,
    companies: settings.companies,
    months: settings.months,
    endDate: settings.endDate,
    eventsPerContact: settings.eventsPerContact,
  });
  try {
    await mkdir(settings.out, { recursive: true });
  } catch (error) {
    throw new UserError(`cannot create --out directory ${settings.out}: ${(error as Error).message}`);
  }
  const progress = startProgress(settings.contacts);
  let counts: DemoCounts;
  try {
    counts = await writeDemoFiles(dataSet, settings.out, settings.format, (c) => progress.update(c));
  } catch (error) {
    // A full disk or a read-only directory is the user's to fix, not a bug.
    if (isSystemError(error)) throw new UserError(`cannot write to ${settings.out}: ${error.message}`);
    throw error;
  } finally {
    progress.stop();
  }
  process.stdout.write(summary(settings, dataSet, counts, (performance.now() - started) / 1000));
  return counts;
}
