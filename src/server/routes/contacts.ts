/** Contacts and companies: upsert, read, merge; a contact's scores and history. */
import { z } from "zod";
import type { ContactUpdate } from "../../service/contacts/contacts.js";
import { listMergeCandidates } from "../../service/contacts/merge-candidates.js";
import { RequestError } from "../errors.js";
import { queryBoolean } from "../route.js";
import {
  contactParams,
  contactSchema,
  contactScoreSchema,
  historyEntrySchema,
  type InputSchemas,
  idSchema,
  timestampSchema,
} from "../schemas.js";
import type { RouteContext } from "./index.js";
import { predictionSchema } from "./predictive.js";

/** The API says `id`; the store's references say `contactId`. */
export function toUpdate({ id, ...rest }: z.infer<InputSchemas["contactUpdate"]>): ContactUpdate {
  return { contactId: id, ...rest };
}

export function registerContactRoutes({ table, service, inputs }: RouteContext): void {
  const maxBatch = service.config.maxBatch;
  table.add({
    method: "POST",
    url: "/v1/contacts",
    summary: "Create or update one contact (by id or email), then rescore it",
    tag: "contacts",
    scope: "write",
    body: inputs.contactUpdate,
    responses: { 200: { description: "The contact as stored.", schema: contactSchema } },
    handler: async ({ body }) => (await service.contacts.upsertContacts([toUpdate(body)]))[0],
  });
  table.add({
    method: "POST",
    url: "/v1/contacts/batch",
    bodySize: "batch",
    summary: `Create or update up to ${maxBatch} contacts in one transaction`,
    description:
      "All or nothing: when any item is invalid, the answer lists each bad item and nothing is written.",
    tag: "contacts",
    scope: "write",
    body: z.strictObject({ contacts: z.array(inputs.contactUpdate).min(1).max(maxBatch) }),
    responses: {
      200: {
        description: "The contacts as stored, in request order.",
        schema: z.object({ contacts: z.array(contactSchema) }),
      },
    },
    handler: async ({ body }) => ({
      contacts: await service.contacts.upsertContacts(body.contacts.map(toUpdate)),
    }),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts",
    summary: "Find a contact by email",
    tag: "contacts",
    scope: "read",
    query: z.object({ email: z.email() }),
    responses: {
      200: { description: "The contact.", schema: contactSchema },
      404: { description: "No contact has this email." },
    },
    handler: async ({ query }) => service.reader.contact({ email: query.email }),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/:id",
    summary: "A contact's properties",
    tag: "contacts",
    scope: "read",
    params: contactParams,
    responses: {
      200: { description: "The contact.", schema: contactSchema },
      404: { description: "Unknown contact." },
    },
    handler: async ({ params }) => service.reader.contact({ contactId: params.id }),
  });
  table.add({
    method: "POST",
    url: "/v1/contacts/merge",
    summary: "Merge one contact into another",
    description:
      "Events and history of the merged contact move to the survivor, whose properties win; the merged id becomes an alias; the survivor is rescored from all its events. Merge candidates naming the merged contact are removed.",
    tag: "contacts",
    scope: "admin",
    body: z.strictObject({ survivorId: idSchema, mergedId: idSchema }),
    responses: {
      200: { description: "The surviving contact.", schema: contactSchema },
      404: { description: "Unknown contact." },
    },
    handler: async ({ body }) => service.contacts.merge(body.survivorId, body.mergedId),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/merge-candidates",
    summary: "Pairs of contacts an ingest key's identify or alias would have merged",
    description:
      "An identify or alias sent with an ingest key never merges a known contact: the two stay apart and the pair is listed here (reason `email`: the identify's email belongs to the other contact; `alias`: the alias names a known contact), oldest first, while both exist. Merge one with POST /v1/contacts/merge, which removes it from the list.",
    tag: "contacts",
    scope: "admin",
    query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
    responses: {
      200: {
        description: "Open merge candidates.",
        schema: z.object({
          candidates: z.array(
            z.object({
              survivorId: z.string().describe("The contact that would have kept its id."),
              mergedId: z.string().describe("The contact that would have been merged into it."),
              reason: z.enum(["email", "alias"]),
              email: z.string().nullable(),
              createdAt: z.string(),
            }),
          ),
        }),
      },
    },
    handler: async ({ query }) => ({
      candidates: await listMergeCandidates(service.store.mergeCandidates, query.limit),
    }),
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/:id/score",
    summary: "A contact's scores under every published model, with every point explained",
    description:
      "Computed from the contact's events at `asOf` (default: now), so decay and windows are exact between passes.",
    tag: "scores",
    scope: "read",
    params: contactParams,
    query: z.object({
      model: z.string().optional().describe("Only this model's score."),
      asOf: timestampSchema
        .optional()
        .describe("Score as of this date (not before the contact's latest event)."),
      predictions: queryBoolean
        .optional()
        .describe(
          "true: also the predictions of every published predictive model (as GET /v1/contacts/{id}/prediction gives them).",
        ),
    }),
    responses: {
      200: {
        description: "The contact and its scores with their ledgers (and, when asked, its predictions).",
        schema: z.object({
          contact: contactSchema,
          scores: z.array(contactScoreSchema),
          predictions: z.array(predictionSchema).optional(),
        }),
      },
      404: { description: "Unknown contact or model." },
    },
    handler: async ({ params, query }) => {
      const answer = await service.reader.scores(
        { contactId: params.id },
        { model: query.model, asOfMs: query.asOf },
      );
      if (!query.predictions) return answer;
      const { predictions } = await service.predictions.forContact(answer.contact.id, {
        asOfMs: query.asOf,
        factors: 3,
      });
      return { ...answer, predictions };
    },
  });
  table.add({
    method: "GET",
    url: "/v1/contacts/:id/history",
    summary:
      "Every change of a contact's scores: when, and why (event, properties, model version, decay, merge)",
    tag: "scores",
    scope: "read",
    params: contactParams,
    query: z.object({
      model: z.string().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(100),
      cursor: z.coerce.number().int().optional().describe("The `next` of the previous page."),
    }),
    responses: {
      200: {
        description: "Newest first.",
        schema: z.object({
          contactId: z.string(),
          entries: z.array(historyEntrySchema),
          next: z.number().int().nullable(),
        }),
      },
      404: { description: "Unknown contact." },
    },
    handler: async ({ params, query }) => {
      const page = await service.reader.history(
        { contactId: params.id },
        { model: query.model, limit: query.limit, before: query.cursor },
      );
      return { contactId: page.contact.id, entries: page.entries, next: page.next };
    },
  });
  const companySchema = z.object({ id: z.string(), properties: z.record(z.string(), z.unknown()) });
  table.add({
    method: "POST",
    url: "/v1/companies",
    summary: "Create or update one company, then rescore its contacts",
    tag: "companies",
    scope: "write",
    body: inputs.companyUpdate,
    responses: {
      200: {
        description: "How many contacts were rescored.",
        schema: z.object({ id: z.string(), rescoredContacts: z.number().int() }),
      },
    },
    handler: async ({ body }) => (await service.contacts.upsertCompanies([body]))[0],
  });
  table.add({
    method: "POST",
    url: "/v1/companies/batch",
    bodySize: "batch",
    summary: `Create or update up to ${maxBatch} companies in one transaction (all or nothing)`,
    tag: "companies",
    scope: "write",
    body: z.strictObject({ companies: z.array(inputs.companyUpdate).min(1).max(maxBatch) }),
    responses: {
      200: {
        description: "Per company, how many contacts were rescored.",
        schema: z.object({
          companies: z.array(z.object({ id: z.string(), rescoredContacts: z.number().int() })),
        }),
      },
    },
    handler: async ({ body }) => ({ companies: await service.contacts.upsertCompanies(body.companies) }),
  });
  table.add({
    method: "GET",
    url: "/v1/companies/:id",
    summary: "A company's properties",
    tag: "companies",
    scope: "read",
    params: z.object({ id: z.string().min(1) }),
    responses: {
      200: { description: "The company.", schema: companySchema },
      404: { description: "Unknown company." },
    },
    handler: async ({ params }) => {
      const company = await service.contacts.getCompany(params.id);
      if (!company) throw new RequestError(404, "not_found", `company ${params.id} not found`);
      return company;
    },
  });
}
