/**
 * Streaming JSONL (NDJSON) reader: one JSON object per line; blank lines are skipped, a line
 * that is not a JSON object becomes a row with a problem (reported, never dropped silently).
 */
import { StringDecoder } from "node:string_decoder";
import { InputError } from "./errors.js";
import { BATCH_ROWS, openFileStream, peekFirst } from "./read-common.js";
import type { Accessor, RecordSource, Row } from "./source.js";

type JsonObject = Readonly<Record<string, unknown>>;

function toRow(text: string, line: number): Row | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    return { line, data: {}, problem: `is not valid JSON (${(error as Error).message})` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return { line, data: {}, problem: "is not a JSON object" };
  return { line, data: value as JsonObject };
}

/** Splits decoded chunks into lines, keeping the unfinished last line for the next chunk. */
async function* jsonlBatches(chunks: AsyncIterable<Buffer>): AsyncGenerator<Row[]> {
  const decoder = new StringDecoder("utf8");
  let carry = "";
  let line = 0;
  let batch: Row[] = [];
  let first = true;
  const take = (text: string) => {
    line++;
    const row = toRow(text, line);
    if (row) batch.push(row);
  };
  for await (const chunk of chunks) {
    let text = carry + decoder.write(chunk);
    if (first) {
      text = text.replace(/^\uFEFF/, "");
      first = false;
    }
    const parts = text.split("\n");
    carry = parts.pop() ?? "";
    for (const part of parts) take(part);
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  carry += decoder.end();
  if (carry !== "") take(carry);
  if (batch.length > 0) yield batch;
}

export async function openJsonl(path: string): Promise<RecordSource> {
  const { stream, totalBytes } = await openFileStream(path);
  const { first, rest } = await peekFirst(jsonlBatches(stream));
  const sample = first.find((row) => row.problem === undefined);
  if (first.length === 0)
    throw new InputError("the file is empty: a JSONL file holds one JSON object per line", path);
  const columns = sample ? Object.keys(sample.data) : [];
  async function* batches(): AsyncGenerator<Row[]> {
    if (first.length > 0) yield first;
    yield* rest();
  }
  return {
    path,
    format: "jsonl",
    columns,
    description: "JSONL",
    decimalComma: false,
    accessor(column: string): Accessor {
      return (row) => (row.data as JsonObject)[column];
    },
    record(row: Row): Record<string, unknown> {
      return { ...(row.data as JsonObject) };
    },
    batches,
    get bytesRead() {
      return stream.bytesRead;
    },
    totalBytes,
    close() {
      stream.destroy();
    },
  };
}
