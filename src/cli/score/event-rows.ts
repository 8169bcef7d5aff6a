/** What makes an event row usable, shared by the indexed and the grouped modes. */

import type { Row } from "../../io/source.js";
import { parseTimestamp } from "../../time/timestamps.js";
import type { BadRowKind } from "./bad-rows.js";
import type { EventReader } from "./readers.js";

export interface AcceptedEvent {
  contactId: string;
  type: string;
  timeMs: number;
  id: string | undefined;
}

export interface RejectedEvent {
  kind: BadRowKind;
  message: string;
}

/** Synchronous on purpose: the caller awaits only for the rare bad row, not for every event. */
export function checkEvent(row: Row, reader: EventReader): AcceptedEvent | RejectedEvent {
  if (row.problem !== undefined) return { kind: "malformed row", message: `event row ${row.problem}` };
  const contactId = reader.contactId(row);
  if (contactId === undefined) return { kind: "missing contact id", message: "the event has no contactId" };
  const type = reader.type(row);
  if (type === undefined) return { kind: "missing event type", message: "the event has no type" };
  const raw = reader.timestamp(row);
  const timeMs = parseTimestamp(raw);
  if (timeMs === undefined) {
    const shown = raw === undefined || raw === "" ? "nothing" : JSON.stringify(raw);
    return {
      kind: "bad timestamp",
      message: `timestamp is ${shown}; expected ISO 8601 (2026-03-01T09:30:00Z) or epoch milliseconds`,
    };
  }
  return { contactId, type, timeMs, id: reader.id(row) };
}

export function isRejected(event: AcceptedEvent | RejectedEvent): event is RejectedEvent {
  return "kind" in event;
}
