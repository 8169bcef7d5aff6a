/** `leadscore import`: checks the options, opens files and target, imports in order, reports. */
import { describeMapping, parseUserMapping } from "../../io/mapping.js";
import { openSource } from "../../io/source.js";
import { openWriter, type RecordWriter } from "../../io/write.js";
import { inputRulesOf, inputSchemas } from "../../server/schemas.js";
import { ConfigError, configSchema, loadConfig, type ServiceConfig } from "../../service/config.js";
import { UserError } from "../errors.js";
import { type ImportRun, importFile } from "./file.js";
import { startProgress } from "./progress.js";
import { FileTally, PROBLEM_COLUMNS, ProblemLog, summaryLines } from "./report.js";
import { KINDS, type Kind, type RowShaper, rowShaper } from "./rows.js";
import { openDirectTarget, openHttpTarget, type Target } from "./targets.js";

/** As commander hands them over. */
export interface ImportOptions {
  companies?: string;
  contacts?: string;
  events?: string;
  url?: string;
  key?: string;
  direct?: boolean;
  dataDir?: string;
  config?: string;
  batchSize: string;
  concurrency: string;
  map: string[];
  inputFormat?: string;
  strict?: boolean;
  errors?: string;
  /** undefined: only when stderr is a terminal. */
  progress?: boolean;
}

export const DEFAULT_URL = "http://127.0.0.1:8080";

type Destination = { mode: "http"; url: string; key: string } | { mode: "direct"; config: ServiceConfig };

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max)
    throw new UserError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  return value;
}

function destinationOf(options: ImportOptions, env: NodeJS.ProcessEnv): Destination {
  if (options.direct) {
    if (options.url !== undefined || options.key !== undefined)
      throw new UserError("--direct writes to the database itself: --url and --key are for HTTP imports");
    try {
      return {
        mode: "direct",
        config: loadConfig({ file: options.config, env, overrides: { dataDir: options.dataDir } }),
      };
    } catch (error) {
      if (error instanceof ConfigError) throw new UserError(error.message);
      throw error;
    }
  }
  if (options.dataDir !== undefined || options.config !== undefined)
    throw new UserError("--data-dir and --config choose the database of a --direct import; add --direct");
  const url = options.url ?? DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`--url "${url}" is not a URL; e.g. ${DEFAULT_URL}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UserError(`--url must be http:// or https://, got ${parsed.protocol}`);
  const key = options.key ?? env.LEADSCORE_API_KEY;
  if (!key)
    throw new UserError(
      "an API key with the write scope is needed: set LEADSCORE_API_KEY (or give --key); create one with `leadscore keys create --name import --scope write`",
    );
  return { mode: "http", url, key };
}

/** Runs an import; resolves to the exit code (0, or 2 when rows were skipped). */
export async function runImport(
  options: ImportOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const startMs = performance.now();
  const paths = KINDS.flatMap((kind) => (options[kind] === undefined ? [] : [{ kind, path: options[kind] }]));
  if (paths.length === 0)
    throw new UserError("nothing to import: give --companies, --contacts and/or --events");
  const batchSize = integer("--batch-size", options.batchSize, 1, 100_000);
  const concurrency = integer("--concurrency", options.concurrency, 1, 64);
  const destination = destinationOf(options, env);
  const mappings = options.map.map(parseUserMapping);

  // The service checks again with its own settings; direct imports use the database's.
  const inputs = inputSchemas(
    inputRulesOf(destination.mode === "direct" ? destination.config : configSchema.parse({}), Date.now),
  );
  const shapers: RowShaper<Kind>[] = [];
  let target: Target | undefined;
  let errors: RecordWriter | undefined;
  try {
    for (const { kind, path } of paths)
      shapers.push(rowShaper(kind, await openSource(path, options.inputFormat), mappings, inputs));
    errors = options.errors === undefined ? undefined : openWriter(options.errors, "csv", PROBLEM_COLUMNS);
    target =
      destination.mode === "direct"
        ? await openDirectTarget(destination.config)
        : openHttpTarget({ url: destination.url, key: destination.key });
  } catch (error) {
    for (const shaper of shapers) shaper.source.close();
    await errors?.abort();
    throw error;
  }

  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(
    `importing into ${target.description} (${destination.mode === "direct" ? "directly" : "HTTP"}; batches of ${batchSize}, ${concurrency} in flight)`,
  );
  for (const shaper of shapers) {
    say(`${shaper.kind}: ${shaper.source.path} (${shaper.source.description})`);
    const how = describeMapping(shaper.mapping);
    if (how) say(`  ${how}`);
  }
  const run: ImportRun = {
    target,
    batchSize,
    concurrency,
    strict: options.strict === true,
    badRows: new ProblemLog(errors),
    warnings: new ProblemLog(),
    progress: startProgress(
      shapers.map((shaper) => shaper.source),
      options.progress,
    ),
    rowsRead: 0,
  };
  const tallies: FileTally[] = [];
  let failure: unknown;
  try {
    for (const shaper of shapers) {
      if (run.stoppedAt) break;
      const tally = new FileTally(shaper.kind, shaper.source.path);
      tallies.push(tally);
      await importFile(shaper, tally, run);
    }
  } catch (error) {
    failure = error;
  } finally {
    run.progress.stop();
    for (const shaper of shapers) shaper.source.close();
    await target.close().catch((error) => {
      failure ??= error;
    });
    await errors?.close();
  }
  for (const line of run.warnings.describe("warning: ")) process.stderr.write(`${line}\n`);
  for (const line of run.badRows.describe(
    "",
    options.errors ? `(all listed in ${options.errors})` : "(--errors FILE lists them all)",
  ))
    process.stderr.write(`${line}\n`);
  for (const line of summaryLines(tallies, performance.now() - startMs)) say(line);
  if (run.badRows.total > 0) {
    const rows = tallies.reduce((n, tally) => n + tally.skipped, 0);
    const where = options.errors ? `all listed in ${options.errors}` : "listed on stderr";
    say(`bad rows: ${rows} skipped (${run.badRows.total} problems, ${where})`);
  }
  if (run.stoppedAt)
    say(
      `stopped by --strict at ${run.stoppedAt.file}:${run.stoppedAt.line}: that row's batch and everything after it were not imported`,
    );
  if (failure !== undefined) {
    if (failure instanceof UserError)
      throw new UserError(`import stopped: ${failure.message}`, failure.exitCode);
    throw failure;
  }
  return run.badRows.total > 0 ? 2 : 0;
}
