/** Options shared by `leadscore score` and `leadscore explain`, and the checks on their values. */
import type { Command } from "commander";
import { parseUserMapping, type UserMapping } from "../../io/mapping.js";
import { ModelError } from "../../model/errors.js";
import { loadModelFile } from "../../model/load.js";
import type { Model } from "../../model/schema.js";
import { parseTimestamp } from "../../time/timestamps.js";
import { UserError } from "../errors.js";

export interface InputOptions {
  model: string;
  contacts: string;
  events?: string;
  companies?: string;
  asOf?: string;
  inputFormat?: string;
  map: string[];
  idColumn?: string;
}

export interface ScoreOptions extends InputOptions {
  out: string;
  format?: string;
  ledger?: boolean;
  accountsOut?: string;
  strict?: boolean;
  errors?: string;
  grouped?: boolean;
  keepColumns?: boolean;
  progress: boolean;
}

/** The as-of date in UTC milliseconds: the option's date, or now. */
export function parseAsOf(text: string | undefined, nowMs = Date.now()): number {
  if (text === undefined) return nowMs;
  const ms = parseTimestamp(text);
  if (ms === undefined)
    throw new UserError(
      `--as-of "${text}" is not a date; use an ISO date (2026-06-01) or date-time (2026-06-01T12:00:00Z)`,
    );
  return ms;
}

/** --map values and --id-column, as one list of mappings. */
export function userMappings(options: InputOptions): UserMapping[] {
  const mappings = options.map.map(parseUserMapping);
  if (options.idColumn !== undefined)
    mappings.push({ entity: "contact", name: "id", column: options.idColumn });
  return mappings;
}

/**
 * The options of the commands that read the scoring files (`analyze`, `compare`, `calibrate`)
 * beyond their paths: how the files are read, mapped, checked and shown in progress.
 */
export function withFileReading(command: Command): Command {
  return command
    .option("--grouped", "events are grouped by contact in the contacts' order: stream both, constant memory")
    .option("--input-format <format>", "input format: csv or jsonl (default: from each file's extension)")
    .option("--map <name=column>", "read a name from a column (repeatable), as for score", collect, [])
    .option("--id-column <column>", "the contacts' id column")
    .option("--errors <file>", "write every bad row (file, line, kind, message) to this CSV")
    .option("--no-progress", "no progress bar");
}

/** Collects a repeatable option's values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export async function loadModel(path: string): Promise<Model> {
  try {
    return await loadModelFile(path);
  } catch (error) {
    if (error instanceof ModelError) throw new UserError(error.message);
    throw error;
  }
}
