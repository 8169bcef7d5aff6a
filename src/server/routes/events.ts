/** Event ingest: one event or a batch; idempotent by event id; acknowledged once durable. */
import { z } from "zod";
import type { IncomingEvent, IngestResult } from "../../service/ingest/ingest.js";
import type { ScoringService } from "../../service/service.js";
import { RequestError } from "../errors.js";
import { fastBatchCheck, fastEventCheck } from "../fast-event.js";
import { type InputSchemas, ingestResultSchema } from "../schemas.js";
import type { RouteContext } from "./index.js";

type ParsedEvent = z.infer<InputSchemas["event"]>;

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

const waitQuery = z.strictObject({
  wait: z
    .enum(["stored", "scored"])
    .default("stored")
    .describe(
      "stored (default): answer once the events are durable; their scores follow within moments (a contact's score read meanwhile already counts them). scored: answer once the scores, history and ranked lists include them.",
    ),
});

const WAIT_DESCRIPTION =
  "Acknowledged once the events are durable (a crash right after loses nothing). Scoring runs next, off the request: `GET /v1/contacts/{id}/score` counts an acknowledged event at once; history and ranked lists follow within moments, or before the answer with `?wait=scored`.";

async function answer(
  service: ScoringService,
  events: readonly IncomingEvent[],
  result: IngestResult,
  wait: "stored" | "scored",
) {
  const unscoredTypes = await service.eventTypes.noteStored(events, result.stored);
  if (wait === "scored") {
    const seconds = service.config.scoredWaitSeconds;
    try {
      await service.scorer.waitFor(result.seqs, seconds * 1000);
    } catch (error) {
      throw new RequestError(
        504,
        "scoring_timeout",
        `the events are stored (${result.accepted} accepted) but were not scored within ${seconds} s: ${(error as Error).message}. Is a scoring process running (scoring: on)?`,
      );
    }
  }
  return {
    accepted: result.accepted,
    duplicates: result.duplicates,
    contactIds: result.contactIds,
    unscoredTypes,
  };
}

export function registerEventRoutes({ table, service, inputs, inputRules }: RouteContext): void {
  const maxBatch = service.config.maxBatch;
  table.add({
    method: "POST",
    url: "/v1/events",
    summary: "Ingest one event",
    description: WAIT_DESCRIPTION,
    tag: "events",
    scope: "ingest",
    query: waitQuery,
    body: inputs.event,
    fastBody: fastEventCheck(inputRules),
    responses: {
      200: {
        description: "Stored (accepted 1) or already known (duplicates 1).",
        schema: ingestResultSchema,
      },
      504: {
        description:
          "With wait=scored: stored, but not scored within scoredWaitSeconds (no scoring process?).",
      },
    },
    handler: async ({ body, query }) => {
      const events = [toIncoming(body, service.clock())];
      return answer(service, events, await service.ingestor.ingest(events), query.wait);
    },
  });
  table.add({
    method: "POST",
    url: "/v1/events/batch",
    bodySize: "batch",
    summary: `Ingest up to ${maxBatch} events in one transaction`,
    description: `All or nothing: when any event is invalid, the 400 answer names each bad item (events[3].timestamp) and nothing is written. Events whose id is already stored are skipped and counted as duplicates. ${WAIT_DESCRIPTION}`,
    tag: "events",
    scope: "ingest",
    query: waitQuery,
    body: z.strictObject({ events: z.array(inputs.event).min(1).max(maxBatch) }),
    fastBody: fastBatchCheck(inputRules, maxBatch),
    responses: {
      200: { description: "Counts of stored and duplicate events.", schema: ingestResultSchema },
      504: {
        description:
          "With wait=scored: stored, but not scored within scoredWaitSeconds (no scoring process?).",
      },
    },
    handler: async ({ body, query }) => {
      const now = service.clock();
      const events = body.events.map((event) => toIncoming(event, now));
      return answer(service, events, await service.ingestor.ingest(events), query.wait);
    },
  });
  table.add({
    method: "GET",
    url: "/v1/event-types",
    summary: "Every event type stored, with its number of events and the published models that score it",
    description:
      "A type that no model scores (scoredBy empty) is stored but counts for nothing: often a typo in the sender (pgae_veiw). Counts every stored event: a full scan, for occasional checks.",
    tag: "events",
    scope: "read",
    responses: {
      200: {
        description: "Types in alphabetical order.",
        schema: z
          .object({
            types: z.array(
              z.object({
                type: z.string(),
                events: z.number().int(),
                scoredBy: z.array(z.object({ key: z.string(), version: z.number().int() })),
              }),
            ),
          })
          .meta({ id: "EventTypes" }),
      },
    },
    handler: async () => ({ types: await service.eventTypes.list() }),
  });
}
