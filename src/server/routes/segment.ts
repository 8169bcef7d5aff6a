/**
 * Segment-compatible ingestion (the HTTP tracking API's shapes), so Segment's and RudderStack's
 * SDKs can send to Leadscore unchanged: POST /v1/batch, /v1/identify, /v1/track, /v1/page,
 * /v1/screen, /v1/group, /v1/alias, with the write key in Basic auth or the body. The mapping
 * is service/segment/segment.ts and they are carried out by service/segment/apply.ts; here the messages are validated (all or nothing: a bad message gets a
 * 400 naming it, batch[3].messageId, and nothing is written), then applied in order. Events go
 * through the ingestor (idempotent by messageId, durable before the answer); each step is
 * idempotent, so an SDK's retry of a batch that failed half way counts nothing twice.
 */
import { z } from "zod";
import { allows } from "../../service/api-keys/api-keys.js";
import { applySegmentMessages } from "../../service/segment/apply.js";
import {
  contactIdOf,
  eventTimeMs,
  eventTypeOf,
  planGroup,
  planIdentify,
  SEGMENT_TYPES,
  type SegmentEnvelope,
  type SegmentMessage,
  type SegmentType,
} from "../../service/segment/segment.js";
import { limitProblem } from "../input-limits.js";
import {
  emailSchema,
  eventTimeProblem,
  type InputRules,
  type InputSchemas,
  idSchema,
  validText,
} from "../schemas.js";
import type { RouteContext } from "./index.js";

/** Segment ids are strings; some SDKs send numbers. "" and null read as absent. */
const optionalId = z
  .union([validText(z.string().max(256)), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === "" ? undefined : String(value)));

const requiredId = z.union([validText(z.string().min(1).max(256)), z.number()]).transform(String);

type Issue = { path: PropertyKey[]; message: string };

/** Checks zod cannot express per field: who the message is about, its id, its event name. */
function messageIssues(type: SegmentType, message: Record<string, unknown>): Issue[] {
  const issues: Issue[] = [];
  if (message.userId === undefined && message.anonymousId === undefined)
    issues.push({ path: ["userId"], message: "give a userId or an anonymousId" });
  if ((type === "track" || type === "page" || type === "screen") && message.messageId === undefined)
    issues.push({
      path: ["messageId"],
      message: "required: it is the event's id, which keeps a message sent twice from counting twice",
    });
  if (type === "track" && typeof message.event === "string") {
    const eventType = eventTypeOf(message.event);
    if (eventType === "") issues.push({ path: ["event"], message: "needs at least one letter or digit" });
    else if (eventType.length > 128)
      issues.push({ path: ["event"], message: "too long: at most 128 characters once in snake_case" });
  }
  return issues;
}

/** A planned update's field, as the message's own path: properties.x is traits.x. */
function messagePath(path: readonly PropertyKey[], traits: PropertyKey[], idField: PropertyKey[]) {
  const [head, ...rest] = path;
  if (head === "properties") return [...traits, ...rest];
  if (head === "id") return idField;
  if (head === "email" || head === "companyId") return ["traits", head];
  return [...path];
}

/**
 * The contact and company updates an identify or a group becomes, checked as /v1/contacts and
 * /v1/companies check theirs (ids, email, property bounds), so that a batch is refused before
 * any of it is applied rather than failing half way.
 */
function updateIssues(message: SegmentMessage, inputs: InputSchemas): Issue[] {
  const issues: Issue[] = [];
  const idField = message.userId !== undefined ? ["userId"] : ["anonymousId"];
  const check = (schema: z.ZodType, value: unknown, traits: PropertyKey[], id: PropertyKey[]) => {
    const result = schema.safeParse(value);
    if (!result.success)
      for (const issue of result.error.issues)
        issues.push({ path: messagePath(issue.path, traits, id), message: issue.message });
  };
  if (message.type === "identify") {
    const plan = planIdentify(message);
    const { contactId, ...rest } = plan.contact;
    check(inputs.contactUpdate, { id: contactId, ...rest }, ["traits"], idField);
    if (plan.company)
      check(inputs.companyUpdate, plan.company, ["traits", "company"], ["traits", "company", "id"]);
  } else if (message.type === "group") {
    const plan = planGroup(message);
    check(inputs.contactUpdate, { id: plan.contactId, companyId: plan.company.id }, ["traits"], idField);
    check(inputs.companyUpdate, plan.company, ["traits"], ["groupId"]);
  } else if (message.type === "alias") {
    check(idSchema, contactIdOf(message), [], idField);
  } else if (message.messageId !== undefined) {
    check(idSchema, contactIdOf(message), [], idField);
  }
  return issues;
}

/**
 * An event dated by `originalTimestamp` corrected for the sender's clock (eventTimeMs) must
 * land in the accepted range too: checked once the batch's sentAt is known.
 */
function correctedTimeIssue(
  message: SegmentMessage,
  envelope: SegmentEnvelope,
  rules: InputRules,
): Issue | undefined {
  if (message.type !== "track" && message.type !== "page" && message.type !== "screen") return undefined;
  if (message.timestamp !== undefined || message.originalTimestamp === undefined) return undefined;
  const ms = eventTimeMs(message, envelope);
  const problem = eventTimeProblem(undefined, ms, rules);
  return problem === undefined
    ? undefined
    : { path: ["originalTimestamp"], message: `corrected for the sender's clock (sentAt), ${problem}` };
}

/** Checks that read the parsed message run only once every field of it is valid. */
const valid = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;

/** The schemas of Segment messages, bounded as every other write route is. */
function segmentSchemas(inputs: InputSchemas, rules: InputRules, maxBatch: number) {
  const optionalTime = inputs.eventTime.nullish().transform((value) => value ?? undefined);
  const optionalObject = inputs.bounded.nullish().transform((value) => value ?? undefined);
  const traitsSchema = z
    .looseObject({
      email: z
        .union([emailSchema, z.literal(""), z.null()])
        .optional()
        .describe("Becomes the contact's email; must be a valid address (empty or null: ignored)."),
    })
    .superRefine((traits, context) => {
      const problem = limitProblem(traits, rules.limits);
      if (problem) context.addIssue({ code: "custom", path: problem.path, message: problem.message });
    });
  const messageFields = {
    messageId: optionalId.describe(
      "Becomes the event id: a message sent again is not counted again. Required for track, page and screen.",
    ),
    userId: optionalId.describe("The contact id."),
    anonymousId: optionalId.describe("Without a userId, the contact is `anon:<anonymousId>`."),
    timestamp: optionalTime,
    originalTimestamp: optionalTime,
    sentAt: optionalTime,
    context: optionalObject,
    properties: optionalObject,
  };
  const perType = {
    identify: { traits: traitsSchema.nullish().transform((value) => value ?? undefined) },
    track: { event: validText(z.string().min(1).max(256)) },
    page: { name: z.string().max(1024).nullish(), category: z.string().max(1024).nullish() },
    screen: { name: z.string().max(1024).nullish(), category: z.string().max(1024).nullish() },
    group: { groupId: requiredId, traits: optionalObject },
    alias: { userId: requiredId, previousId: requiredId },
  } as const;

  /** The schema of one message type; `type` is required in a batch, optional on its own route. */
  function messageSchema<T extends SegmentType>(type: T, typeRequired: boolean) {
    const typeField = typeRequired
      ? z.literal(type)
      : z
          .literal(type)
          .optional()
          .transform(() => type);
    return z
      .looseObject({ type: typeField, ...messageFields, ...perType[type] })
      .superRefine((message, context) => {
        for (const issue of messageIssues(type, message)) context.addIssue({ code: "custom", ...issue });
      })
      .superRefine(
        (message, context) => {
          for (const issue of updateIssues(message as SegmentMessage, inputs))
            context.addIssue({ code: "custom", ...issue });
        },
        { when: valid },
      );
  }

  const batchMessageSchema = z.discriminatedUnion(
    "type",
    [
      messageSchema("identify", true),
      messageSchema("track", true),
      messageSchema("page", true),
      messageSchema("screen", true),
      messageSchema("group", true),
      messageSchema("alias", true),
    ],
    { error: `must be one of ${SEGMENT_TYPES.join(", ")}` },
  );

  const batch = z
    .looseObject({
      batch: z.array(batchMessageSchema).max(maxBatch),
      context: optionalObject,
      sentAt: optionalTime,
    })
    .superRefine(
      (body, context) => {
        const envelope = { receivedMs: rules.clock(), sentAt: body.sentAt };
        body.batch.forEach((message, i) => {
          const issue = correctedTimeIssue(message as SegmentMessage, envelope, rules);
          if (issue) context.addIssue({ code: "custom", ...issue, path: ["batch", i, ...issue.path] });
        });
      },
      { when: valid },
    );
  const single = (type: SegmentType) =>
    messageSchema(type, false).superRefine(
      (message, context) => {
        const issue = correctedTimeIssue(message as SegmentMessage, { receivedMs: rules.clock() }, rules);
        if (issue) context.addIssue({ code: "custom", ...issue });
      },
      { when: valid },
    );
  return { batch, single };
}

const resultSchema = z
  .object({
    success: z.literal(true),
    received: z.number().int().describe("Messages in the request."),
    accepted: z.number().int().describe("Events (track, page, screen) stored by this request."),
    duplicates: z.number().int().describe("Events whose messageId was already stored: not counted again."),
    contacts: z.number().int().describe("Contacts updated by identify and group messages."),
    merged: z.number().int().describe("Contacts merged into another (identify with both ids, alias)."),
    unscoredTypes: z
      .array(z.string())
      .describe("Event types of this request that no published model scores (stored, never counted)."),
    mergeCandidates: z
      .number()
      .int()
      .describe(
        "Merges of a known contact not made because the key has the ingest scope: recorded for an admin (GET /v1/contacts/merge-candidates).",
      ),
  })
  .meta({ id: "SegmentResult" });

const SINGLE_ROUTES: Record<SegmentType, string> = {
  identify: "Create or update a contact from its traits (Segment identify)",
  track: "Record an event (Segment track)",
  page: "Record a page view (Segment page)",
  screen: "Record a mobile screen view as a page view (Segment screen)",
  group: "Attach a contact to a company and set the company's traits (Segment group)",
  alias: "Merge a previous id's contact into a user (Segment alias)",
};

export function registerSegmentRoutes({ table, service, inputs, inputRules }: RouteContext): void {
  const maxBatch = service.config.maxBatch;
  const schemas = segmentSchemas(inputs, inputRules, maxBatch);
  const responses = {
    200: { description: "Applied; Segment's answer plus counts.", schema: resultSchema },
  };
  table.add({
    method: "POST",
    url: "/v1/batch",
    bodySize: "batch",
    bodyKey: true,
    summary: `Segment-compatible batch of up to ${maxBatch} messages`,
    description:
      "The body Segment's and RudderStack's SDKs send: {batch: [...], context?, sentAt?}. Authenticate with HTTP Basic auth, the write key as user name or password, or a Bearer key; without either, `writeKey` in the body (the body then held to 512 KiB). Bodies may be gzip or deflate compressed, labelled application/json, application/x-www-form-urlencoded (RudderStack) or text/plain (beacons). All or nothing: when a message is invalid, the 400 names it (batch[3].messageId) and nothing is written. Messages are applied in order; docs/sdks.md gives the mapping.",
    tag: "segment",
    scope: "ingest",
    body: schemas.batch,
    responses,
    handler: async ({ body, scope }) =>
      applySegmentMessages(
        service,
        scope !== null && allows(scope, "write"),
        body.batch as SegmentMessage[],
        {
          receivedMs: service.clock(),
          sentAt: body.sentAt,
          context: body.context,
        },
      ),
  });
  for (const type of SEGMENT_TYPES) {
    table.add({
      method: "POST",
      url: `/v1/${type}`,
      bodyKey: true,
      summary: SINGLE_ROUTES[type],
      description: `One Segment ${type} message (its type may be left out). Same mapping as in /v1/batch.`,
      tag: "segment",
      scope: "ingest",
      body: schemas.single(type),
      responses,
      handler: async ({ body, scope }) =>
        applySegmentMessages(service, scope !== null && allows(scope, "write"), [body as SegmentMessage], {
          receivedMs: service.clock(),
        }),
    });
  }
}
