/**
 * Finding one contact for `leadscore explain`: its row, its company and its events, by
 * streaming the files and keeping only what belongs to it.
 */
import { basename } from "node:path";
import type { Evaluator, EventBatch, Properties } from "../../engine/index.js";
import type { Row } from "../../io/source.js";
import { UserError } from "../errors.js";
import { checkEvent, isRejected } from "../score/event-rows.js";
import type { Inputs } from "../score/inputs.js";
import { propertiesReader } from "../score/readers.js";

export interface FoundContact {
  id: string;
  line: number;
  properties: Properties;
  /** Name, email, job title and company name when the file has them, to head the explanation. */
  identity: Record<string, unknown>;
  company: Properties | undefined;
  events: EventBatch;
  /** Event rows of other contacts are skipped; bad event rows are only counted here. */
  badEventRows: number;
}

const IDENTITY = ["firstName", "lastName", "email", "jobTitle", "company.name"];

async function findRow(inputs: Inputs, id: string): Promise<Row> {
  const { source, reader } = inputs.contacts;
  let rows = 0;
  for await (const batch of source.batches()) {
    for (const row of batch) {
      rows++;
      if (row.problem === undefined && reader.id(row) === id) {
        source.close();
        return row;
      }
    }
  }
  throw new UserError(`contact "${id}" is not in ${basename(source.path)} (${rows} rows read)`);
}

async function findCompany(inputs: Inputs, companyId: string | undefined): Promise<Properties | undefined> {
  if (!inputs.companies || companyId === undefined) return undefined;
  const { source, reader } = inputs.companies;
  for await (const batch of source.batches()) {
    for (const row of batch) {
      if (row.problem === undefined && reader.id(row) === companyId) {
        source.close();
        return reader.properties(row);
      }
    }
  }
  return undefined;
}

async function collectEvents(
  inputs: Inputs,
  evaluator: Evaluator,
  id: string,
): Promise<{ events: EventBatch; bad: number }> {
  const builder = evaluator.newBatch({ keepIds: true });
  let bad = 0;
  if (inputs.events) {
    const { source, reader } = inputs.events;
    for await (const batch of source.batches()) {
      for (const row of batch) {
        const event = checkEvent(row, reader);
        if (isRejected(event)) bad++;
        else if (event.contactId === id) {
          reader.select(row);
          builder.addWith(event.type, event.timeMs, reader.property, event.id);
        }
      }
    }
  }
  return { events: builder.build(), bad };
}

export async function findContact(inputs: Inputs, evaluator: Evaluator, id: string): Promise<FoundContact> {
  const row = await findRow(inputs, id);
  const { reader, source, mapping } = inputs.contacts;
  const identity = propertiesReader(source, mapping, IDENTITY)(row);
  const company = (await findCompany(inputs, reader.companyId(row))) ?? reader.inlineCompany(row);
  const { events, bad } = await collectEvents(inputs, evaluator, id);
  return {
    id,
    line: row.line,
    properties: reader.properties(row),
    identity,
    company,
    events,
    badEventRows: bad,
  };
}
