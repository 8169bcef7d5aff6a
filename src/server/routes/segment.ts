/**
 * Segment-compatible ingestion (the HTTP tracking API's shapes), so Segment's and RudderStack's
 * SDKs can send to Leadscore unchanged: POST /v1/batch, /v1/identify, /v1/track, /v1/page,
 * /v1/screen, /v1/group, /v1/alias, with the write key in Basic auth or the body. The mapping
 * is service/segment/segment.ts; here the messages are validated (all or nothing: a bad message gets a
 * 400 naming it, batch[3].messageId, and nothing is written), then applied in order. Events go
 * through the ingestor (idempotent by messageId, durable before the answer); each step is
 * idempotent, so an SDK's retry of a batch that failed half way counts nothing twice.
 */
import { z } from "zod";
import { allows, type Scope } from "../../service/api-keys/api-keys.js";
import type { ContactView } from "../../service/contacts/contacts.js";
import { type MergeReason, recordMergeCandidate } from "../../service/contacts/merge-candidates.js";
import {
  anonymousContactId,
  contactIdOf,
  eventTimeMs,
  eventTypeOf,
  planGroup,
  planIdentify,
  planSegmentBatch,
  SEGMENT_TYPES,
  type SegmentEnvelope,
  type SegmentMessage,
  type SegmentStep,
  type SegmentType,
} from "../../service/segment/segment.js";
import type { ScoringService } from "../../service/service.js";
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

type SegmentResult = z.infer<typeof resultSchema>;

/**
 * What a request may merge. Keys with the write scope or more merge as Segment does. An ingest
 * key (embedded in a website or app, so anyone can read it) only folds anonymous visitors
 * (`anon:...`) into a user; a merge that would take in a known contact is recorded as a merge
 * candidate for an admin instead, and the two contacts stay apart.
 */
interface Applying {
  service: ScoringService;
  mergesKnownContacts: boolean;
  result: SegmentResult;
}

function isAnonymousContact(id: string): boolean {
  return id.startsWith(anonymousContactId(""));
}

/** Merges each candidate that is a contact of its own (not already an alias) into the survivor. */
async function mergeInto(
  { service, mergesKnownContacts, result }: Applying,
  survivor: ContactView,
  candidates: readonly string[],
  reason: MergeReason,
): Promise<void> {
  for (const candidate of candidates) {
    const found = await service.contacts.find({ contactId: candidate });
    if (!found || found.id !== candidate || found.id === survivor.id) continue;
    if (!mergesKnownContacts && !isAnonymousContact(candidate)) {
      await recordMergeCandidate(
        service.store.mergeCandidates,
        { survivorId: survivor.id, mergedId: candidate, reason },
        service.clock(),
      );
      result.mergeCandidates++;
      continue;
    }
    await service.contacts.merge(survivor.id, candidate);
    result.merged++;
  }
}

async function applyIdentify(
  applying: Applying,
  step: Extract<SegmentStep, { kind: "identify" }>,
): Promise<void> {
  const { service, result } = applying;
  if (step.company) await service.contacts.upsertCompanies([step.company]);
  let update = step.contact;
  let candidates = step.mergeCandidates;
  const owner = update.email !== undefined ? await service.contacts.find({ email: update.email }) : undefined;
  const current = owner ? await service.contacts.find({ contactId: update.contactId }) : undefined;
  let emailOwner: ContactView | undefined;
  if (owner && owner.id !== (current?.id ?? update.contactId)) {
    // The email already belongs to another contact: the same person, so the two become one
    // rather than the identify failing on the email's uniqueness. A user keeps its id and
    // takes the other contact in; an anonymous visitor is taken into the known contact.
    if (!applying.mergesKnownContacts) {
      // Kept apart (see Applying): the contact is updated without the email.
      update = { ...update, email: undefined };
      emailOwner = owner;
    } else if (step.anonymous) {
      update = { ...update, contactId: owner.id };
      candidates = [step.contact.contactId];
    } else {
      const [user] = await service.contacts.upsertContacts([{ ...update, email: undefined }]);
      await mergeInto(applying, user, [owner.id], "email");
    }
  }
  const [contact] = await service.contacts.upsertContacts([update]);
  result.contacts++;
  if (emailOwner) {
    const [survivorId, mergedId] = step.anonymous ? [emailOwner.id, contact.id] : [contact.id, emailOwner.id];
    await recordMergeCandidate(
      service.store.mergeCandidates,
      { survivorId, mergedId, reason: "email", email: emailOwner.email ?? undefined },
      service.clock(),
    );
    result.mergeCandidates++;
  }
  await mergeInto(applying, contact, candidates, "email");
}

async function applyStep(applying: Applying, step: SegmentStep): Promise<void> {
  const { service, result } = applying;
  switch (step.kind) {
    case "events": {
      const ingested = await service.ingestor.ingest(step.events);
      result.accepted += ingested.accepted;
      result.duplicates += ingested.duplicates;
      for (const type of await service.eventTypes.noteStored(step.events, ingested.stored))
        if (!result.unscoredTypes.includes(type)) result.unscoredTypes.push(type);
      return;
    }
    case "identify":
      return applyIdentify(applying, step);
    case "group": {
      await service.contacts.upsertCompanies([step.company]);
      await service.contacts.upsertContacts([{ contactId: step.contactId, companyId: step.company.id }]);
      result.contacts++;
      return;
    }
    case "alias": {
      const found = await Promise.all(
        step.mergeCandidates.map((id) => service.contacts.find({ contactId: id })),
      );
      if (!found.some((contact, i) => contact && contact.id === step.mergeCandidates[i])) return;
      const [survivor] = await service.contacts.upsertContacts([{ contactId: step.contactId }]);
      await mergeInto(applying, survivor, step.mergeCandidates, "alias");
      return;
    }
  }
}

async function applyMessages(
  service: ScoringService,
  scope: Scope | null,
  messages: readonly SegmentMessage[],
  envelope: SegmentEnvelope,
): Promise<SegmentResult> {
  const result: SegmentResult = {
    success: true,
    received: messages.length,
    accepted: 0,
    duplicates: 0,
    contacts: 0,
    merged: 0,
    unscoredTypes: [],
    mergeCandidates: 0,
  };
  const applying = { service, mergesKnownContacts: scope !== null && allows(scope, "write"), result };
  for (const step of planSegmentBatch(messages, envelope)) await applyStep(applying, step);
  return result;
}

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
      "The body Segment's and RudderStack's SDKs send: {batch: [...], context?, sentAt?}. Authenticate with HTTP Basic auth, the write key as user name or password, or a Bearer key; without either, `writeKey` in the body (the body then held to 512 KiB). Bodies may be gzip or deflate compressed, labelled application/json, application/x-www-form-urlencoded (RudderStack) or text/plain (beacons). All or nothing: when a message is invalid, the 400 names it (batch[3].messageId) and nothing is written. Messages are applied in order; see the README for the mapping.",
    tag: "segment",
    scope: "ingest",
    body: schemas.batch,
    responses,
    handler: async ({ body, scope }) =>
      applyMessages(service, scope, body.batch as SegmentMessage[], {
        receivedMs: service.clock(),
        sentAt: body.sentAt,
        context: body.context,
      }),
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
        applyMessages(service, scope, [body as SegmentMessage], { receivedMs: service.clock() }),
    });
  }
}
