/** Event ingest: one event or a batch; idempotent by event id; acknowledged once durable. */
import { z } from "zod";
import type { IncomingEvent } from "../../service/ingest.js";
import { eventSchema, ingestResultSchema } from "../schemas.js";
import type { RouteContext } from "./index.js";

type ParsedEvent = z.infer<typeof eventSchema>;

export function toIncoming(event: ParsedEvent, receivedMs: number): IncomingEvent {
  return {
    id: event.id,
    contactId: event.contactId,
    email: event.email,
    type: event.type,
    timeMs: event.timestamp ?? receivedMs,
    properties: event.properties ?? {},
  };
}

export function registerEventRoutes({ table, service }: RouteContext): void {
  const maxBatch = service.config.maxBatch;
  table.add({
    method: "POST",
    url: "/v1/events",
    summary: "Ingest one event; the contact's scores are updated before the answer",
    tag: "events",
    scope: "write",
    body: eventSchema,
    responses: {
      200: {
        description: "Stored (accepted 1) or already known (duplicates 1).",
        schema: ingestResultSchema,
      },
    },
    handler: async ({ body }) => {
      const result = await service.ingestor.ingest([toIncoming(body, service.clock())]);
      return { accepted: result.accepted, duplicates: result.duplicates, contactIds: result.contactIds };
    },
  });
  table.add({
    method: "POST",
    url: "/v1/events/batch",
    summary: `Ingest up to ${maxBatch} events in one transaction`,
    description:
      "All or nothing: when any event is invalid, the 400 answer names each bad item (events[3].timestamp) and nothing is written. Events whose id is already stored are skipped and counted as duplicates.",
    tag: "events",
    scope: "write",
    body: z.strictObject({ events: z.array(eventSchema).min(1).max(maxBatch) }),
    responses: { 200: { description: "Counts of stored and duplicate events.", schema: ingestResultSchema } },
    handler: async ({ body }) => {
      const now = service.clock();
      const result = await service.ingestor.ingest(body.events.map((event) => toIncoming(event, now)));
      return { accepted: result.accepted, duplicates: result.duplicates, contactIds: result.contactIds };
    },
  });
}
