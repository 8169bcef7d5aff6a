/**
 * --grouped: the events file lists each contact's events together, contacts in the contacts
 * file's order (as `leadscore demo` writes them), so both files are read in lockstep and
 * memory stays constant whatever their size. Checks that need memory (duplicate contact ids
 * that are not adjacent) are not made; an event whose contact never comes stops the run.
 */
import { basename } from "node:path";
import { UserError } from "../errors.js";
import { EventCursor, type PendingEvent } from "./event-cursor.js";
import type { Inputs } from "./inputs.js";
import { contactIdOf } from "./readers.js";
import type { RunParts } from "./scorer.js";

export async function scoreGrouped(inputs: Inputs, parts: RunParts): Promise<void> {
  const { evaluator, badRows, progress, tally } = parts;
  const { source, reader } = inputs.contacts;
  const eventReader = inputs.events?.reader;
  const events = new EventCursor(inputs.events, badRows, progress);
  await events.advance();
  const builder = evaluator.newBatch({ keepIds: parts.ledger });
  let previousId: string | undefined;
  let previousLine = 0;
  progress.phase("scoring");
  for await (const rows of source.batches()) {
    for (const row of rows) {
      const id = await contactIdOf(row, reader, source.path, badRows);
      if (id === undefined) continue;
      if (id === previousId) {
        const message = `contact "${id}" is already on line ${previousLine}; this row is not scored`;
        await badRows.add("duplicate contact id", source.path, row.line, message);
        continue;
      }
      [previousId, previousLine] = [id, row.line];
      builder.reset();
      for (let pending = events.current; pending?.event.contactId === id; pending = events.current) {
        eventReader!.select(pending.row);
        builder.addWith(pending.event.type, pending.event.timeMs, eventReader!.property, pending.event.id);
        if (!events.step()) await events.advance();
      }
      const batch = builder.build();
      tally.eventsRead += batch.size;
      tally.countFuture(batch.timeMs, 0, batch.size, parts.asOfMs);
      await parts.scorer.score(row, id, batch, 0, batch.size);
    }
    progress.update();
  }
  await events.flush();
  if (events.current !== undefined) throw notGrouped(events.current, inputs, previousLine);
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
