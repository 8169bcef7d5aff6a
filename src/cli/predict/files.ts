/**
 * File side of the predictive commands: reading a training or scoring table (with the file's
 * line in every data error), choosing columns to drop by name or pattern, and reading and
 * writing model artifacts. Errors are UserErrors naming the file.
 */
import { readFile, writeFile } from "node:fs/promises";
import { InputError } from "../../io/errors.js";
import { type FlatTable, type ReadOptions, readFlatTable } from "../../io/flat-table.js";
import {
  ArtifactError,
  type PredictiveArtifact,
  parseArtifact,
  serializeArtifact,
} from "../../predict/artifact.js";
import type { Dataset } from "../../predict/dataset.js";
import { columnList, DataError } from "../../predict/raw-table.js";
import { applySchema, type EncodeNote, type FeatureSchema } from "../../predict/schema.js";
import { buildTable, type TableResult } from "../../predict/table.js";
import { UserError } from "../errors.js";

/** File problems (and data errors, with their line) as messages for people. */
export async function asUserError<T>(path: string, action: () => Promise<T> | T): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof DataError) {
      const line = error.where.line;
      throw new UserError(
        line === undefined ? `${path}: ${error.reason}` : `${path}:${line}: ${error.reason}`,
      );
    }
    if (error instanceof InputError) throw new UserError(error.message);
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UserError(`${path}: no such file`);
    throw error;
  }
}

export async function readTable(path: string, options: ReadOptions = {}): Promise<FlatTable> {
  return asUserError(path, () => readFlatTable(path, options));
}

/** "Tags, Asymmetrique*" → the table's column names they match (a * matches any text). */
export function dropList(table: FlatTable, patterns: readonly string[]): string[] {
  const names: string[] = [];
  for (const pattern of patterns.map((p) => p.trim()).filter((p) => p !== "")) {
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
    const regex = new RegExp(`^${escaped}$`, "i");
    const matched = table.columns.filter((column) => regex.test(column.name)).map((column) => column.name);
    if (matched.length === 0)
      throw new UserError(`--drop "${pattern}": no column matches; the columns are ${columnList(table)}`);
    for (const name of matched) if (!names.includes(name)) names.push(name);
  }
  return names;
}

export interface TrainingTable extends TableResult {
  table: FlatTable;
}

export async function encodeTraining(
  path: string,
  table: FlatTable,
  options: { label: string; drop: string[]; timeColumn?: string },
): Promise<TrainingTable> {
  const exclude = dropList(table, options.drop);
  const result = await asUserError(path, () =>
    buildTable(table, { label: options.label, exclude, timeColumn: options.timeColumn }),
  );
  return { ...result, table };
}

/** Encodes rows to score with the training schema; a missing feature column names itself. */
export async function encodeScoring(
  path: string,
  table: FlatTable,
  schema: FeatureSchema,
  label: boolean,
): Promise<{ dataset: Dataset; notes: EncodeNote[] }> {
  return asUserError(path, () => applySchema(schema, table, { label }));
}

export async function loadArtifact(path: string): Promise<PredictiveArtifact> {
  const text = await asUserError(path, () => readFile(path, "utf8"));
  try {
    return parseArtifact(text);
  } catch (error) {
    if (error instanceof ArtifactError) throw new UserError(`${path}: ${error.message}`);
    throw error;
  }
}

export async function saveArtifact(path: string, artifact: PredictiveArtifact): Promise<void> {
  await writeFile(path, serializeArtifact(artifact));
}
