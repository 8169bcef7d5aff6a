/**
 * Contacts and companies: upsert (a property given overwrites, null removes it, others stay),
 * identify by id or email, merge. Every change rescores the contacts concerned in the same
 * transaction, so a read after the answer sees the new score.
 */
import type { Kysely } from "kysely";
import { retriedTransaction } from "../../store/conflicts.js";
import { moveEvents } from "../../store/contact-events.js";
import type { Database } from "../../store/database.js";
import { lockContacts } from "../../store/locks.js";
import { MergeCandidateQueries } from "../../store/merge-candidates.js";
import { ModelQueries } from "../../store/models.js";
import { chunks, scoringStore } from "../../store/scoring-store.js";
import type { Tables } from "../../store/tables.js";
import { isoTime } from "../../time/timestamps.js";
import { type ContactRef, normaliseEmail, resolveContacts } from "../identity/identity.js";
import type { ModelRegistry } from "../models/models.js";
import { scoreContacts, type Tx } from "../scoring/score-contacts.js";
import { noteEventsMoved } from "../scoring/scorer.js";
import { Conflict, InvalidInput, notFound } from "../shared/errors.js";
import { jsonObject } from "../shared/json.js";
import { settleMergeCandidates } from "./merge-candidates.js";

export interface ContactUpdate extends ContactRef {
  /** null detaches the contact from its company. */
  companyId?: string | null | undefined;
  properties?: Record<string, unknown> | undefined;
}

export interface CompanyUpdate {
  id: string;
  properties: Record<string, unknown>;
}

export interface ContactView {
  id: string;
  email: string | null;
  companyId: string | null;
  properties: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

function mergeProperties(base: Record<string, unknown>, patch: Record<string, unknown> | undefined) {
  const merged = { ...base };
  for (const [key, value] of Object.entries(patch ?? {})) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE";
}

export class ContactStore {
  constructor(
    private readonly database: Database,
    private readonly models: ModelRegistry,
    private readonly clock: () => number,
  ) {}

  async upsertContacts(updates: readonly ContactUpdate[]): Promise<ContactView[]> {
    const nowMs = this.clock();
    try {
      return await retriedTransaction(this.database, async (tx) => {
        const store = scoringStore(this.database, tx);
        const ids = await resolveContacts(store, updates, nowMs);
        await lockContacts(tx, this.database.dialect, ids);
        const createdMs = await createdTimes(tx, ids);
        const current = new Map<string, Tables["contacts"]>();
        for (const row of await store.contacts(ids))
          current.set(row.id, { ...row, created_ms: createdMs.get(row.id) ?? nowMs, updated_ms: 0 });
        updates.forEach((update, i) => {
          const row = current.get(ids[i]) as Tables["contacts"];
          current.set(ids[i], {
            ...row,
            email: update.email !== undefined ? normaliseEmail(update.email) : row.email,
            company_id: update.companyId !== undefined ? update.companyId : row.company_id,
            properties: JSON.stringify(mergeProperties(jsonObject(row.properties), update.properties)),
            updated_ms: nowMs,
          });
        });
        const rows = [...current.values()];
        await store.updateContacts(rows);
        const models = await this.models.active(new ModelQueries(tx));
        await scoreContacts(
          store,
          models,
          rows.map((r) => r.id).sort(),
          new Map(),
          { cause: "properties" },
          nowMs,
        );
        return ids.map((id) => viewOf(current.get(id) as Tables["contacts"]));
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new Conflict("conflict", "email: this email already belongs to another contact", [
          { field: "email", message: "already used by another contact; merge the two contacts instead" },
        ]);
      }
      throw error;
    }
  }

  async upsertCompanies(
    updates: readonly CompanyUpdate[],
  ): Promise<{ id: string; rescoredContacts: number }[]> {
    const nowMs = this.clock();
    return retriedTransaction(this.database, async (tx) => {
      const ids = [...new Set(updates.map((u) => u.id))].sort();
      const existing = new Map<string, Record<string, unknown>>();
      for (const part of chunks(ids, 500)) {
        for (const row of await tx
          .selectFrom("companies")
          .select(["id", "properties"])
          .where("id", "in", part)
          .execute()) {
          existing.set(row.id, jsonObject(row.properties));
        }
      }
      for (const update of updates)
        existing.set(update.id, mergeProperties(existing.get(update.id) ?? {}, update.properties));
      for (const part of chunks(ids, 300)) {
        await tx
          .insertInto("companies")
          .values(
            part.map((id) => ({
              id,
              properties: JSON.stringify(existing.get(id)),
              created_ms: nowMs,
              updated_ms: nowMs,
            })),
          )
          .onConflict((oc) =>
            oc.column("id").doUpdateSet((eb) => ({
              properties: eb.ref("excluded.properties"),
              updated_ms: eb.ref("excluded.updated_ms"),
            })),
          )
          .execute();
      }
      const models = await this.models.active(new ModelQueries(tx));
      const counts = new Map<string, number>();
      for (const companyId of ids) {
        const contacts = await tx
          .selectFrom("contacts")
          .select("id")
          .where("company_id", "=", companyId)
          .execute();
        const contactIds = contacts.map((c) => c.id).sort();
        counts.set(companyId, contactIds.length);
        if (contactIds.length === 0) continue;
        await lockContacts(tx, this.database.dialect, contactIds);
        await scoreContacts(
          scoringStore(this.database, tx),
          models,
          contactIds,
          new Map(),
          { cause: "company", companyId },
          nowMs,
        );
      }
      return ids.map((id) => ({ id, rescoredContacts: counts.get(id) ?? 0 }));
    });
  }

  /** A contact by id (following merges) or by email. */
  async find(ref: ContactRef, tx: Kysely<Tables> | Tx = this.database.db): Promise<ContactView | undefined> {
    let row: Tables["contacts"] | undefined;
    if (ref.contactId) {
      const alias = await tx
        .selectFrom("contact_aliases")
        .select("contact_id")
        .where("alias_id", "=", ref.contactId)
        .executeTakeFirst();
      row = await tx
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", alias?.contact_id ?? ref.contactId)
        .executeTakeFirst();
    } else if (ref.email) {
      row = await tx
        .selectFrom("contacts")
        .selectAll()
        .where("email", "=", normaliseEmail(ref.email))
        .executeTakeFirst();
    }
    return row ? viewOf(row) : undefined;
  }

  async getCompany(id: string): Promise<{ id: string; properties: Record<string, unknown> } | undefined> {
    const row = await this.database.db
      .selectFrom("companies")
      .select(["id", "properties"])
      .where("id", "=", id)
      .executeTakeFirst();
    return row ? { id: row.id, properties: jsonObject(row.properties) } : undefined;
  }

  /**
   * Merges `mergedId` into `survivorId`: events, history and aliases move to the survivor, its
   * properties win (the merged contact's fill the gaps), the merged id becomes an alias (later
   * events sent to it reach the survivor), and the survivor is rescored from all its events.
   */
  async merge(survivorId: string, mergedId: string): Promise<ContactView> {
    if (survivorId === mergedId) {
      throw new InvalidInput("mergedId: cannot merge a contact into itself", [
        { field: "mergedId", message: "must differ from survivorId" },
      ]);
    }
    const nowMs = this.clock();
    return retriedTransaction(this.database, async (tx) => {
      await lockContacts(tx, this.database.dialect, [survivorId, mergedId], "delete");
      const survivor = await tx
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", survivorId)
        .executeTakeFirst();
      if (!survivor) throw notFound(`contact ${survivorId}`);
      const merged = await tx
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", mergedId)
        .executeTakeFirst();
      if (!merged) throw notFound(`contact ${mergedId}`);
      const properties = { ...jsonObject(merged.properties), ...jsonObject(survivor.properties) };
      await tx.deleteFrom("contacts").where("id", "=", mergedId).execute();
      const updated: Tables["contacts"] = {
        ...survivor,
        email: survivor.email ?? merged.email,
        company_id: survivor.company_id ?? merged.company_id,
        properties: JSON.stringify(properties),
        updated_ms: nowMs,
      };
      await tx
        .updateTable("contacts")
        .set({
          email: updated.email,
          company_id: updated.company_id,
          properties: updated.properties,
          updated_ms: nowMs,
        })
        .where("id", "=", survivorId)
        .execute();
      await noteEventsMoved(tx, this.database);
      await moveEvents(tx, mergedId, survivorId);
      await tx
        .updateTable("score_history")
        .set({ contact_id: survivorId })
        .where("contact_id", "=", mergedId)
        .execute();
      await tx
        .updateTable("contact_aliases")
        .set({ contact_id: survivorId })
        .where("contact_id", "=", mergedId)
        .execute();
      await tx
        .insertInto("contact_aliases")
        .values({ alias_id: mergedId, contact_id: survivorId, merged_ms: nowMs })
        .execute();
      await tx.deleteFrom("scores").where("contact_id", "=", mergedId).execute();
      await settleMergeCandidates(new MergeCandidateQueries(tx), mergedId);
      await tx.deleteFrom("contact_states").where("contact_id", "in", [mergedId, survivorId]).execute();
      const models = await this.models.active(new ModelQueries(tx));
      await scoreContacts(
        scoringStore(this.database, tx),
        models,
        [survivorId],
        new Map(),
        { cause: "merge", mergedId },
        nowMs,
      );
      return viewOf(updated);
    });
  }
}

/** When each contact was created (the hot-path store reads leave it out). */
async function createdTimes(tx: Kysely<Tables>, ids: readonly string[]): Promise<Map<string, number>> {
  const created = new Map<string, number>();
  for (const part of chunks([...new Set(ids)], 500))
    for (const row of await tx
      .selectFrom("contacts")
      .select(["id", "created_ms"])
      .where("id", "in", part)
      .execute())
      created.set(row.id, Number(row.created_ms));
  return created;
}

function viewOf(row: Tables["contacts"]): ContactView {
  return {
    id: row.id,
    email: row.email,
    companyId: row.company_id,
    properties: jsonObject(row.properties),
    createdAt: isoTime(row.created_ms),
    updatedAt: isoTime(row.updated_ms),
  };
}
