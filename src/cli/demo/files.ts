/**
 * Writes a demo data set to a directory: companies, contacts, events and outcomes, as CSV
 * (csv-stringify) or JSONL, streaming with backpressure so memory stays flat whatever the
 * size. Events go out grouped by contact, in time order within each contact.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import type { DemoDataSet } from "../../demo/generator.js";
import { COMPANY_FIELDS, CONTACT_FIELDS, EVENT_FIELDS, OUTCOME_FIELDS } from "../../demo/types.js";

export type DemoFormat = "csv" | "jsonl";

/** Fixed file names, so tutorials and model templates can refer to them. */
export const DEMO_FILES = ["companies", "contacts", "events", "outcomes"] as const;

export interface DemoCounts {
  companies: number;
  contacts: number;
  events: number;
  converters: number;
}

/** One output file. `write` returns false when the caller should await `drained()`. */
interface RecordFile {
  write(record: object): boolean;
  drained(): Promise<void>;
  close(): Promise<void>;
}

/** Both ends of a pipe: `done` rejects on the first error of either (a full disk, say). */
function guarded(source: Readable | Writable, done: Promise<void>): RecordFile["drained"] {
  done.catch(() => {}); // observed by close(); never an unhandled rejection meanwhile
  return () => Promise.race([once(source, "drain").then(() => undefined), done]);
}

function csvFile(path: string, columns: readonly string[]): RecordFile {
  const stringifier = stringify({
    header: true,
    columns: [...columns],
    // csv-stringify writes booleans as "1" and ""; the importers read "true" and "false".
    cast: { boolean: (value) => (value ? "true" : "false") },
  });
  const done = pipeline(stringifier, createWriteStream(path));
  return {
    write: (record) => stringifier.write(record),
    drained: guarded(stringifier, done),
    async close() {
      stringifier.end();
      await done;
    },
  };
}

/** Lines are joined into chunks: one stream write per line would cost more than the JSON. */
function jsonlFile(path: string): RecordFile {
  const CHUNK_CHARS = 64 * 1024;
  const file = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    file.on("error", reject);
    file.on("close", resolve);
  });
  let pending = "";
  return {
    write(record) {
      pending += `${JSON.stringify(record)}\n`;
      if (pending.length < CHUNK_CHARS) return true;
      const chunk = pending;
      pending = "";
      return file.write(chunk);
    },
    drained: guarded(file, done),
    async close() {
      file.end(pending);
      await done;
    },
  };
}

function openFile(
  dir: string,
  name: (typeof DEMO_FILES)[number],
  format: DemoFormat,
  columns: readonly string[],
) {
  const path = join(dir, `${name}.${format}`);
  return format === "csv" ? csvFile(path, columns) : jsonlFile(path);
}

/**
 * Writes the four files into `dir` (which must exist); `onContact` is called after each
 * contact with the running counts, for a progress bar.
 */
export async function writeDemoFiles(
  dataSet: DemoDataSet,
  dir: string,
  format: DemoFormat,
  onContact: (counts: DemoCounts) => void = () => {},
): Promise<DemoCounts> {
  const counts: DemoCounts = { companies: 0, contacts: 0, events: 0, converters: 0 };
  const companies = openFile(dir, "companies", format, COMPANY_FIELDS);
  for (const company of dataSet.companies()) {
    counts.companies++;
    if (!companies.write(company)) await companies.drained();
  }
  const contacts = openFile(dir, "contacts", format, CONTACT_FIELDS);
  const events = openFile(dir, "events", format, EVENT_FIELDS);
  const outcomes = openFile(dir, "outcomes", format, OUTCOME_FIELDS);
  for (const { contact, events: contactEvents } of dataSet.contactsWithEvents()) {
    counts.contacts++;
    if (contact.convertedAt !== "") counts.converters++;
    if (!contacts.write(contact)) await contacts.drained();
    if (!outcomes.write({ contactId: contact.id, convertedAt: contact.convertedAt }))
      await outcomes.drained();
    for (const event of contactEvents) {
      if (!events.write(event)) await events.drained();
    }
    counts.events += contactEvents.length;
    onContact(counts);
  }
  await Promise.all([companies.close(), contacts.close(), events.close(), outcomes.close()]);
  return counts;
}
