/**
 * Segment messages carried out: the steps planned in segment.ts applied through the contacts,
 * the ingestor and the merge candidates, in order. Each step is idempotent, so an SDK's retry
 * of a batch that failed half way counts nothing twice.
 */
import type { ContactStore, ContactView } from "../contacts/contacts.js";
import {
  type MergeCandidateStore,
  type MergeReason,
  recordMergeCandidate,
} from "../contacts/merge-candidates.js";
import type { EventTypes } from "../ingest/event-types.js";
import type { EventIngestor } from "../ingest/ingest.js";
import {
  anonymousContactId,
  planSegmentBatch,
  type SegmentEnvelope,
  type SegmentMessage,
  type SegmentStep,
} from "./segment.js";

/** What applying messages uses of the service. */
export interface SegmentServices {
  readonly contacts: ContactStore;
  readonly ingestor: EventIngestor;
  readonly eventTypes: EventTypes;
  readonly store: { readonly mergeCandidates: MergeCandidateStore };
  readonly clock: () => number;
}

/** The answer to a Segment request: Segment's own, plus counts. */
export interface SegmentResult {
  success: true;
  received: number;
  accepted: number;
  duplicates: number;
  contacts: number;
  merged: number;
  unscoredTypes: string[];
  mergeCandidates: number;
}

/**
 * What a request may merge. Keys with the write scope or more merge as Segment does. An ingest
 * key (embedded in a website or app, so anyone can read it) only folds anonymous visitors
 * (`anon:...`) into a user; a merge that would take in a known contact is recorded as a merge
 * candidate for an admin instead, and the two contacts stay apart.
 */
interface Applying {
  service: SegmentServices;
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

/**
 * Carries out Segment messages in order (planned by segment.ts): contact and company upserts,
 * events through the ingestor, and merges, or merge candidates when the key may not merge known
 * contacts (`mergesKnownContacts`: keys with the write scope or more).
 */
export async function applySegmentMessages(
  service: SegmentServices,
  mergesKnownContacts: boolean,
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
  const applying = { service, mergesKnownContacts, result };
  for (const step of planSegmentBatch(messages, envelope)) await applyStep(applying, step);
  return result;
}
