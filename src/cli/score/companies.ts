/** Companies are few next to contacts and events: they are read whole into a map by id. */
import type { Properties } from "../../engine/index.js";
import type { RecordSource } from "../../io/source.js";
import type { BadRowLog } from "./bad-rows.js";
import type { Progress } from "./progress.js";
import type { CompanyReader } from "./readers.js";

export async function readCompanies(
  source: RecordSource,
  reader: CompanyReader,
  badRows: BadRowLog,
  progress: Progress,
): Promise<Map<string, Properties>> {
  const companies = new Map<string, Properties>();
  const firstLine = new Map<string, number>();
  for await (const batch of source.batches()) {
    for (const row of batch) {
      if (row.problem !== undefined) {
        await badRows.add("malformed row", source.path, row.line, `company row ${row.problem}`);
        continue;
      }
      const id = reader.id(row);
      if (id === undefined) {
        await badRows.add("missing company id", source.path, row.line, "the company row has no id");
        continue;
      }
      const seen = firstLine.get(id);
      if (seen !== undefined) {
        const message = `company "${id}" is already on line ${seen}; this row is ignored`;
        await badRows.add("duplicate company id", source.path, row.line, message);
        continue;
      }
      firstLine.set(id, row.line);
      companies.set(id, reader.properties(row));
    }
    progress.update();
  }
  return companies;
}
