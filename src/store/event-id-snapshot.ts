/**
 * The memory of event ids saved in a file when a SQLite service stops, so that the next start
 * reads it instead of every stored id, which takes seconds at millions of events. Events are
 * never deleted nor changed, so the saved table stays true of the rows up to the seq it was
 * saved at, however old: a start loads it, checks that this row still holds the id it held
 * (else it is another database, or one restored from an older copy, and the file is ignored),
 * then reads only the events after it. The file: "LSEI", a version, the header's length and a
 * JSON header, then the slots. Written to a temporary name, synced, then renamed; a file whose
 * size or count of events does not match its header is refused.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { EventIdMemory } from "./event-id-memory.js";

const MAGIC = "LSEI";
const VERSION = 1;
/** Names the hash of event-id-memory.ts: a file made with another is not loaded. */
const HASH = "fnv1a32-fmix";

export interface SavedEventIds {
  memory: EventIdMemory;
  /** Every event up to this seq is in the memory. */
  throughSeq: number;
  /** The id of that event, to recognise the database. */
  idAtSeq: string;
}

interface Header {
  hash: string;
  throughSeq: number;
  idAtSeq: string;
  slotWords: number;
  events: number;
}

export function saveEventIds(file: string, saved: SavedEventIds): void {
  const slots = saved.memory.rawSlots;
  const header: Header = {
    hash: HASH,
    throughSeq: saved.throughSeq,
    idAtSeq: saved.idAtSeq,
    slotWords: slots.length,
    events: saved.memory.size,
  };
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, "latin1");
  prefix.writeUInt32LE(VERSION, 4);
  prefix.writeUInt32LE(headerBytes.length, 8);
  const temporary = `${file}.tmp`;
  // The ids are the clients' event ids: private, like the database beside it.
  const fd = openSync(temporary, "w", 0o600);
  try {
    for (const part of [prefix, headerBytes, Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength)])
      writeSync(fd, part);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

/** The saved memory, or why it cannot be used (a missing file, another format). */
export function loadEventIds(file: string): SavedEventIds | { unusable: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { unusable: (error as NodeJS.ErrnoException).code === "ENOENT" ? "no saved file" : String(error) };
  }
  if (bytes.length < 12 || bytes.toString("latin1", 0, 4) !== MAGIC)
    return { unusable: "not a saved id memory" };
  if (bytes.readUInt32LE(4) !== VERSION)
    return { unusable: `version ${bytes.readUInt32LE(4)}, not ${VERSION}` };
  const headerLength = bytes.readUInt32LE(8);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString("utf8", 12, 12 + headerLength)) as Header;
  } catch {
    return { unusable: "an unreadable header" };
  }
  if (header.hash !== HASH) return { unusable: `hash ${header.hash}, not ${HASH}` };
  const start = 12 + headerLength;
  if (!Number.isInteger(header.slotWords) || bytes.length - start !== header.slotWords * 4)
    return { unusable: `${bytes.length - start} bytes of slots, the header says ${header.slotWords * 4}` };
  if (!Number.isInteger(header.throughSeq) || header.throughSeq < 0 || typeof header.idAtSeq !== "string")
    return { unusable: "a header without its seq and id" };
  // Copied out: the slots sit at an offset of the file that a Uint32Array may not start at.
  const slots = new Uint32Array(header.slotWords);
  bytes.copy(Buffer.from(slots.buffer), 0, start);
  let memory: EventIdMemory;
  try {
    memory = EventIdMemory.fromSlots(slots);
  } catch (error) {
    return { unusable: (error as Error).message };
  }
  if (memory.size !== header.events)
    return { unusable: `${memory.size} events in its slots, the header says ${header.events}` };
  return { memory, throughSeq: header.throughSeq, idAtSeq: header.idAtSeq };
}
