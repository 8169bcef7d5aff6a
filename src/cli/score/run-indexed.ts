/**
 * The default mode: every event in memory, grouped by contact (see event-index.ts), then the
 * contacts file streamed and scored in its own order. Events whose contact has no row are
 * reported at the end, each with its line.
 */
import { basename } from "node:path";
import type { Evaluator } from "../../engine/index.js";
import type { RecordSource } from "../../io/source.js";
import type { BadRowLog } from "./bad-rows.js";
import { ContactDirectory } from "./contact-directory.js";
import { type EventIndex, flaggedEvents, rangeOf, readEventIndex } from "./event-index.js";
import type { Inputs } from "./inputs.js";
import { LineIndex } from "./line-index.js";
import { contactIdOf } from "./readers.js";
import type { RunParts } from "./scorer.js";

function emptyIndex(evaluator: Evaluator): EventIndex {
  return {
    batch: evaluator.newBatch({ capacity: 16, keepIds: false }).build(),
    directory: new ContactDirectory(),
    contactsWithEvents: 0,
    offsets: new Int32Array(1),
    positions: new Int32Array(0),
    lines: new LineIndex(),
  };
}

export async function scoreIndexed(inputs: Inputs, parts: RunParts): Promise<void> {
  const { evaluator, badRows, progress } = parts;
  let index = emptyIndex(evaluator);
  if (inputs.events) {
    progress.phase("reading events");
    const { source, reader } = inputs.events;
    index = await readEventIndex(source, reader, evaluator, { keepIds: parts.ledger, badRows, progress });
  }
  parts.tally.eventsRead = index.batch.size;
  parts.tally.countFuture(index.batch.timeMs, 0, index.batch.size, parts.asOfMs);
  progress.phase("scoring contacts");
  const seenLine = await scoreContacts(inputs.contacts.source, inputs, index, parts);
  if (inputs.events)
    await reportOrphans(inputs.events.source, inputs.contacts.source, index, seenLine, badRows);
}

/** Streams the contacts; returns the line each contact index was scored at (0: never). */
async function scoreContacts(source: RecordSource, inputs: Inputs, index: EventIndex, parts: RunParts) {
  const { reader } = inputs.contacts;
  const { badRows } = parts;
  const seenLine: number[] = new Array(index.contactsWithEvents).fill(0);
  for await (const rows of source.batches()) {
    for (const row of rows) {
      const id = await contactIdOf(row, reader, source.path, badRows);
      if (id === undefined) continue;
      const c = index.directory.intern(id);
      if (c === seenLine.length) seenLine.push(0);
      if (seenLine[c] !== 0) {
        const message = `contact "${id}" is already on line ${seenLine[c]}; this row is not scored`;
        await badRows.add("duplicate contact id", source.path, row.line, message);
        continue;
      }
      seenLine[c] = row.line;
      const [start, end] = rangeOf(index, c);
      await parts.scorer.score(row, id, index.batch, start, end);
    }
    parts.progress.update();
  }
  return seenLine;
}

function contactAt(index: EventIndex, position: number): number {
  let low = 0;
  let high = index.contactsWithEvents - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (index.offsets[middle] <= position) low = middle;
    else high = middle - 1;
  }
  return low;
}

async function reportOrphans(
  events: RecordSource,
  contacts: RecordSource,
  index: EventIndex,
  seenLine: readonly number[],
  badRows: BadRowLog,
): Promise<void> {
  for (const ordinal of flaggedEvents(index, (c) => seenLine[c] === 0)) {
    const id = index.directory.ids[contactAt(index, index.positions[ordinal])];
    const message = `contact "${id}" is in no row of ${basename(contacts.path)}; the event is not used`;
    await badRows.add("unknown contact", events.path, index.lines.lineOf(ordinal), message);
  }
}
