/**
 * PostgreSQL runs transactions side by side: an event for a contact that a merge is deleting
 * must not be stored on the deleted contact. Ingest holds the contacts it attaches events to
 * (a key-share lock, which a merge's lock waits for and which waits for a merge under way), and
 * after the wait it follows the merged id's new alias to the survivor. The merge here is a
 * transaction the test holds open, doing what a merge does, so the order is certain.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

describe.skipIf(!BACKENDS.includes("postgres"))(
  "an event sent while its contact is merged (PostgreSQL)",
  () => {
    let svc: TestService;

    beforeAll(async () => {
      svc = await startTestService("postgres", { scoring: false });
      expect((await svc.call("POST", "/v1/models/b2b/versions", await readTemplate("b2b"))).status).toBe(201);
      expect((await svc.call("POST", "/v1/models/b2b/versions/1/publish")).status).toBe(202);
      await svc.server.service.publishing.idle();
      const contacts = await svc.call("POST", "/v1/contacts/batch", {
        contacts: [{ id: "keeper" }, { id: "leaver" }],
      });
      expect(contacts.status, contacts.text).toBe(200);
    });
    afterAll(async () => svc?.close());

    it("waits for the merge and stores the event on the survivor", async () => {
      const db = svc.server.service.db;
      let answered = false;
      const { sent } = await db.transaction().execute(async (merge) => {
        // The merge has locked both contacts, as ContactStore.merge does first.
        await sql`select id from contacts where id in ('keeper', 'leaver') order by id for update`.execute(
          merge,
        );
        const sent = svc
          .call("POST", "/v1/events", {
            id: "during-merge",
            contactId: "leaver",
            type: "page_view",
            timestamp: new Date().toISOString(),
          })
          .finally(() => {
            answered = true;
          });
        await new Promise((resolve) => setTimeout(resolve, 400));
        // Ingest waits for the merge instead of storing the event on a contact about to go.
        expect(answered).toBe(false);
        await sql`update events set contact_id = 'keeper' where contact_id = 'leaver'`.execute(merge);
        await sql`insert into contact_aliases (alias_id, contact_id, merged_ms) values ('leaver', 'keeper', 0)`.execute(
          merge,
        );
        await sql`delete from contacts where id = 'leaver'`.execute(merge);
        // Wrapped: returning the promise itself would make the transaction wait for the answer.
        return { sent };
      });
      const answer = await sent;
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.contactIds).toEqual(["keeper"]);
      const stored = await db
        .selectFrom("events")
        .select("contact_id")
        .where("event_id", "=", "during-merge")
        .executeTakeFirstOrThrow();
      expect(stored.contact_id).toBe("keeper");
      const leaver = await db.selectFrom("contacts").select("id").where("id", "=", "leaver").execute();
      expect(leaver).toEqual([]);
    });
  },
);
