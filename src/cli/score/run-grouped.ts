/**
 * --grouped: the events file lists each contact's events together, contacts in the contacts
 * file's order (as `leadscore demo` writes them), so both files are read in lockstep and
 * memory stays constant whatever their size. Checks that need memory (duplicate contact ids
 * that are not adjacent) are not made; an event whose contact never comes stops the run.
 */
import { basename } from "node:path";
import type { Evaluator } from "../../engine/index.js";
import type { RecordSource, Row } from "../../io/source.js";
import { UserError } from "../errors.js";
import type { BadRowLog } from "./bad-rows.js";
import { type AcceptedEvent, checkEvent, isRejected } from "./event-rows.js";
import type { Inputs } from "./inputs.js";
import type { Progress } from "./progress.js";
import type { EventReader } from "./readers.js";
import type { ContactScorer } from "./scorer.js";
import type { Tally } from "./summary.js";

interface RunParts {
  evaluator: Evaluator;
  ledger: boolean;
  badRows: BadRowLog;
  tally: Tally;
  progress: Progress;
  scorer: ContactScorer;
}

interface PendingEvent {
  row: Row;
  event: AcceptedEvent;
}

/** The accepted events in file order; bad rows are reported on the way. */
async function* acceptedEvents(
  source: RecordSource,
  reader: EventReader,
  badRows: BadRowLog,
  progress: Progress,
): AsyncGenerator<PendingEvent> {
  for await (const rows of source.batches()) {
    for (const row of rows) {
      const event = checkEvent(row, reader);
      if (isRejected(event)) await badRows.add(event.kind, source.path, row.line, event.message);
      else yield { row, event };
    }
    progress.update();
  }
}

async function* noEvents(): AsyncGenerator<PendingEvent> {}

export async function scoreGrouped(inputs: Inputs, parts: RunParts): Promise<void> {
  const { evaluator, badRows, progress, tally } = parts;
  const { source, reader } = inputs.contacts;
  const eventReader = inputs.events?.reader;
  const events = inputs.events
    ? acceptedEvents(inputs.events.source, inputs.events.reader, badRows, progress)
    : noEvents();
  const builder = evaluator.newBatch({ keepIds: parts.ledger });
  let pending = (await events.next()).value as PendingEvent | undefined;
  let previousId: string | undefined;
  let previousLine = 0;
  progress.phase("scoring");
  for await (const rows of source.batches()) {
    for (const row of rows) {
      if (row.problem !== undefined) {
        await badRows.add("malformed row", source.path, row.line, `contact row ${row.problem}`);
        continue;
      }
      const id = reader.id(row);
      if (id === undefined) {
        await badRows.add("missing contact id", source.path, row.line, "the contact row has no id");
        continue;
      }
      if (id === previousId) {
        const message = `contact "${id}" is already on line ${previousLine}; this row is not scored`;
        await badRows.add("duplicate contact id", source.path, row.line, message);
        continue;
      }
      [previousId, previousLine] = [id, row.line];
      builder.reset();
      while (pending !== undefined && pending.event.contactId === id) {
        eventReader!.select(pending.row);
        builder.addWith(pending.event.type, pending.event.timeMs, eventReader!.property, pending.event.id);
        pending = (await events.next()).value as PendingEvent | undefined;
      }
      tally.eventsRead += builder.size;
      const batch = builder.build();
      await parts.scorer.score(row, id, batch, 0, batch.size);
    }
    progress.update();
  }
  if (pending !== undefined) throw notGrouped(pending, inputs, previousLine);
}

function notGrouped(pending: PendingEvent, inputs: Inputs, lastContactLine: number): UserError {
  const events = inputs.events!.source.path;
  const contacts = basename(inputs.contacts.source.path);
  const id = pending.event.contactId;
  return new UserError(
    `${events}:${pending.row.line}: with --grouped, events must be grouped by contact in the order of ` +
      `${contacts}, but this event's contact "${id}" was not found there after it (read to line ` +
      `${lastContactLine}): the events are out of order, or "${id}" has no contact row. Run without ` +
      "--grouped to score them anyway (events of unknown contacts are then listed as bad rows).",
  );
}
