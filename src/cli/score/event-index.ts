/**
 * The events of a whole file, in memory, grouped by contact. They are read once, in file order,
 * into the engine's columnar batch (only the columns the model reads) with a parallel array of
 * contact indices; a counting sort then makes each contact's events one contiguous range. About
 * 20-30 bytes per event and no object per event.
 */
import type { Evaluator, EventBatch } from "../../engine/index.js";
import type { RecordSource } from "../../io/source.js";
import type { BadRowLog } from "./bad-rows.js";
import { ContactDirectory } from "./contact-directory.js";
import { checkEvent, isRejected } from "./event-rows.js";
import { LineIndex } from "./line-index.js";
import type { Progress } from "./progress.js";
import type { EventReader } from "./readers.js";

export interface EventIndex {
  readonly batch: EventBatch;
  /** Contact ids met in the events file; contacts met later in the contacts file are added after. */
  readonly directory: ContactDirectory;
  /** Contacts [0, contactsWithEvents) have events: offsets[c] to offsets[c + 1]. */
  readonly contactsWithEvents: number;
  readonly offsets: Int32Array;
  /** Sorted position of each event, by its ordinal in the file. */
  readonly positions: Int32Array;
  readonly lines: LineIndex;
}

/** The events of contact c: [start, end). */
export function rangeOf(index: EventIndex, c: number | undefined): [number, number] {
  if (c === undefined || c >= index.contactsWithEvents) return [0, 0];
  return [index.offsets[c], index.offsets[c + 1]];
}

const BYTES_PER_EVENT_GUESS = 80;

function grow(array: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (size < array.length) return array;
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

export async function readEventIndex(
  source: RecordSource,
  reader: EventReader,
  evaluator: Evaluator,
  options: { keepIds: boolean; badRows: BadRowLog; progress: Progress },
): Promise<EventIndex> {
  const capacity = Math.min(1 << 26, Math.max(1024, Math.ceil(source.totalBytes / BYTES_PER_EVENT_GUESS)));
  const builder = evaluator.newBatch({ capacity, keepIds: options.keepIds });
  const directory = new ContactDirectory();
  const lines = new LineIndex();
  let contactOf: Int32Array<ArrayBuffer> = new Int32Array(capacity);
  for await (const rows of source.batches()) {
    for (const row of rows) {
      const event = checkEvent(row, reader);
      if (isRejected(event)) {
        await options.badRows.add(event.kind, source.path, row.line, event.message);
        continue;
      }
      const ordinal = builder.size;
      contactOf = grow(contactOf, ordinal);
      contactOf[ordinal] = directory.intern(event.contactId);
      lines.add(ordinal, row.line);
      reader.select(row);
      builder.addWith(event.type, event.timeMs, reader.property, event.id);
    }
    options.progress.update();
  }
  const contactsWithEvents = directory.size;
  const { batch, offsets, positions } = groupByContact(builder.build(), contactOf, contactsWithEvents);
  return { batch, directory, contactsWithEvents, offsets, positions, lines };
}

/**
 * Counting sort by contact, stable so each contact's events keep their file order. The
 * contact array is turned into the positions array in place; each column is copied once into
 * an exact-size array (so the builder's spare capacity goes; the peak is about twice the columns).
 */
function groupByContact(
  built: EventBatch,
  contactOf: Int32Array,
  contacts: number,
): { batch: EventBatch; offsets: Int32Array; positions: Int32Array } {
  const n = built.size;
  const offsets = new Int32Array(contacts + 1);
  for (let i = 0; i < n; i++) offsets[contactOf[i] + 1]++;
  for (let c = 0; c < contacts; c++) offsets[c + 1] += offsets[c];
  const cursor = offsets.slice(0, contacts);
  const positions = contactOf.subarray(0, n);
  for (let i = 0; i < n; i++) positions[i] = cursor[positions[i]]++;
  const batch: EventBatch = {
    size: n,
    type: permuteInt32(built.type, positions),
    timeMs: permuteFloat64(built.timeMs, positions),
    strings: built.strings.map((column) => permuteInt32(column, positions)),
    numbers: built.numbers.map((column) => permuteFloat64(column, positions)),
    ids: built.ids === undefined ? undefined : permuteIds(built.ids, positions),
  };
  return { batch, offsets, positions: positions.slice() };
}

// One function per array type keeps each loop monomorphic: these run over every event.
function permuteInt32(source: Int32Array, positions: Int32Array): Int32Array {
  const target = new Int32Array(positions.length);
  for (let i = 0; i < positions.length; i++) target[positions[i]] = source[i];
  return target;
}

function permuteFloat64(source: Float64Array, positions: Int32Array): Float64Array {
  const target = new Float64Array(positions.length);
  for (let i = 0; i < positions.length; i++) target[positions[i]] = source[i];
  return target;
}

function permuteIds(source: readonly (string | undefined)[], positions: Int32Array): (string | undefined)[] {
  const target = new Array<string | undefined>(positions.length);
  for (let i = 0; i < positions.length; i++) target[positions[i]] = source[i];
  return target;
}

/** Ordinals (file order) of the events whose contact is flagged, for reporting orphans. */
export function* flaggedEvents(index: EventIndex, flagged: (c: number) => boolean): Generator<number> {
  const atPosition = new Uint8Array(index.batch.size);
  let any = false;
  for (let c = 0; c < index.contactsWithEvents; c++) {
    if (!flagged(c)) continue;
    atPosition.fill(1, index.offsets[c], index.offsets[c + 1]);
    any = true;
  }
  if (!any) return;
  for (let i = 0; i < index.positions.length; i++) if (atPosition[index.positions[i]] === 1) yield i;
}
