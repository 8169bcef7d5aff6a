/** Pieces shared by the CSV and JSONL readers. */
import { createReadStream, type ReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { InputError } from "./errors.js";

/** Rows per batch: large enough to amortise the await, small enough to keep memory flat. */
export const BATCH_ROWS = 2048;

/** Opens a file for streaming (`stream.bytesRead` counts progress); a missing file is a user error. */
export async function openFileStream(
  path: string,
  chunkBytes = 256 * 1024,
): Promise<{ stream: ReadStream; totalBytes: number }> {
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError("is a directory, not a file", path);
    totalBytes = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "file not found" : `cannot read: ${String(error)}`, path);
  }
  return { stream: createReadStream(path, { highWaterMark: chunkBytes }), totalBytes };
}

/** Pulls the first batch so the header (or first record) is known before the caller iterates. */
export async function peekFirst<T>(
  batches: AsyncGenerator<T[]>,
): Promise<{ first: T[]; rest: () => AsyncGenerator<T[]> }> {
  const head = await batches.next();
  const first = head.done ? [] : head.value;
  async function* rest(): AsyncGenerator<T[]> {
    if (head.done) return;
    yield* batches;
  }
  return { first, rest };
}
