/** Reading a model file from disk. The only I/O of the model module, kept out of `parse.ts`. */
import { readFile } from "node:fs/promises";
import { ModelError } from "./errors.js";
import { parseModel } from "./parse.js";
import type { Model } from "./schema.js";

/** Reads and parses a YAML or JSON model file; throws a `ModelError` when it is unreadable or invalid. */
export async function loadModelFile(path: string): Promise<Model> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory" : String(error);
    throw new ModelError([{ path: [], message: `cannot read the model file: ${reason}` }], path);
  }
  return parseModel(text, path);
}
