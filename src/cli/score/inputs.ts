/**
 * Opening the input files of a run: each file's format, column mapping and reader, plus the
 * lines that tell the user how each file was read and which model fields it lacks.
 */
import { basename } from "node:path";
import type { Evaluator } from "../../engine/index.js";
import { type ColumnMapping, describeMapping, type Entity, resolveMapping } from "../../io/mapping.js";
import { openSource, type RecordSource } from "../../io/source.js";
import { UserError } from "../errors.js";
import { type InputOptions, userMappings } from "./options.js";
import {
  type CompanyReader,
  type ContactReader,
  companyReader,
  contactReader,
  type EventReader,
  eventReader,
} from "./readers.js";

export interface Inputs {
  contacts: { source: RecordSource; reader: ContactReader; mapping: ColumnMapping };
  events?: { source: RecordSource; reader: EventReader };
  companies?: { source: RecordSource; reader: CompanyReader };
  /** How each file is read, and warnings, for the run's report. */
  notes: string[];
  sources: RecordSource[];
}

async function openMapped(
  path: string,
  entity: Entity,
  options: InputOptions,
  notes: string[],
): Promise<{ source: RecordSource; mapping: ColumnMapping }> {
  const source = await openSource(path, options.inputFormat);
  const mapping = resolveMapping(entity, source.columns, userMappings(options), path);
  const how = describeMapping(mapping);
  notes.push(
    `${entity === "company" ? "companies" : `${entity}s`}: ${basename(path)} (${source.description})`,
  );
  if (how) notes.push(`  ${how}`);
  return { source, mapping };
}

function missingNote(file: string, what: string, names: readonly string[]): string | undefined {
  if (names.length === 0) return undefined;
  const list = names.map((name) => `"${name}"`).join(", ");
  return `warning: the model reads ${what} ${list}, which ${basename(file)} does not have (map with --map)`;
}

export async function openInputs(options: InputOptions, evaluator: Evaluator): Promise<Inputs> {
  const notes: string[] = [];
  const sources: RecordSource[] = [];
  const contacts = await openMapped(options.contacts, "contact", options, notes);
  sources.push(contacts.source);
  const inputs: Inputs = {
    contacts: {
      source: contacts.source,
      reader: contactReader(contacts.source, contacts.mapping, evaluator),
      mapping: contacts.mapping,
    },
    notes,
    sources,
  };
  if (contacts.mapping.columnOf("id") === undefined)
    throw new UserError(
      `${options.contacts}: no contact id column (columns: ${contacts.source.columns.join(", ")}); name it with --id-column`,
    );
  if (options.companies !== undefined) {
    const companies = await openMapped(options.companies, "company", options, notes);
    sources.push(companies.source);
    if (companies.mapping.columnOf("id") === undefined)
      throw new UserError(
        `${options.companies}: no company id column (columns: ${companies.source.columns.join(", ")}); map it with --map company.id=COLUMN`,
      );
    inputs.companies = {
      source: companies.source,
      reader: companyReader(companies.source, companies.mapping, evaluator),
    };
  }
  if (options.events !== undefined) {
    const events = await openMapped(options.events, "event", options, notes);
    sources.push(events.source);
    const reader = eventReader(events.source, events.mapping, evaluator);
    if (reader.missingColumns.length > 0)
      throw new UserError(
        `${options.events}: no ${reader.missingColumns.join(", ")} column (columns: ${events.source.columns.join(", ")}); map with --map event.NAME=COLUMN`,
      );
    inputs.events = { source: events.source, reader };
  }
  const companyFile = options.companies ?? options.contacts;
  const companyMissing = inputs.companies?.reader.missingFields ?? [];
  for (const note of [
    missingNote(options.contacts, "contact fields", inputs.contacts.reader.missingFields),
    missingNote(companyFile, "company fields", companyMissing),
  ])
    if (note) notes.push(note);
  return inputs;
}

export function closeInputs(inputs: Inputs): void {
  for (const source of inputs.sources) source.close();
}
