/**
 * Writes a demo data set to a directory: companies, contacts, events and outcomes, as CSV
 * (csv-stringify) or JSONL, streaming with backpressure so memory stays flat whatever the
 * size. Events go out grouped by contact, in time order within each contact.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { stringify } from "csv-stringify/sync";
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

/** Records per formatting call: csv-stringify's fixed cost per call and per chunk is paid once. */
const BATCH_RECORDS = 512;

/**
 * Formats records in batches and writes each batch as one chunk. Piping csv-stringify's
 * stream straight to the file would push one tiny chunk per record, and the file stream
 * spends more on those chunks than the generator spends on the data.
 */
function batchedFile(path: string, format: (records: object[], first: boolean) => string): RecordFile {
  const file = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    file.on("error", reject);
    file.on("close", resolve);
  });
  done.catch(() => {}); // observed by drained() and close(); never an unhandled rejection meanwhile
  let batch: object[] = [];
  let first = true;
  const flush = (): boolean => {
    const text = format(batch, first);
    batch = [];
    first = false;
    return file.write(text);
  };
  return {
    write(record) {
      batch.push(record);
      return batch.length < BATCH_RECORDS || flush();
    },
    drained: () => Promise.race([once(file, "drain").then(() => undefined), done]),
    async close() {
      if (batch.length > 0 || first) flush(); // the header, even when there are no records
      file.end();
      await done;
    },
  };
}

function csvFormat(columns: readonly string[]) {
  const options = {
    columns: [...columns],
    // csv-stringify writes booleans as "1" and ""; the importers read "true" and "false".
    cast: { boolean: (value: boolean) => (value ? "true" : "false") },
  };
  return (records: object[], first: boolean) => stringify(records, { ...options, header: first });
}

function jsonlFormat(records: object[]): string {
  let text = "";
  for (const record of records) text += `${JSON.stringify(record)}\n`;
  return text;
}

function openFile(
  dir: string,
  name: (typeof DEMO_FILES)[number],
  format: DemoFormat,
  columns: readonly string[],
) {
  const path = join(dir, `${name}.${format}`);
  return batchedFile(path, format === "csv" ? csvFormat(columns) : jsonlFormat);
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
