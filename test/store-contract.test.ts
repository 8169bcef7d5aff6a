/**
 * The store's contract: the same cases run on the SQLite store and on the PostgreSQL store (when
 * TEST_DATABASE_URL is set), through the interfaces the service uses, and read back from the
 * tables. Two implementations of one interface must agree on what they write, not only on what
 * the service happens to read back.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/store/database.js";
import { type ScoringStore, scoringStore } from "../src/store/scoring-store.js";
import { Store } from "../src/store/store.js";
import { BACKENDS, freshDatabaseOptions } from "./helpers/service.js";

const T0 = Date.UTC(2025, 0, 1);
const HOUR = 3_600_000;

function contactRow(id: string, email: string | null, at: number) {
  return { id, email, company_id: null, properties: "{}", created_ms: at, updated_ms: at };
}

for (const backend of BACKENDS) {
  describe(`the store on ${backend}`, () => {
    let database: Database;
    let drop: () => Promise<void>;

    beforeEach(async () => {
      const fresh = freshDatabaseOptions(backend);
      drop = fresh.drop;
      database = await openDatabase(fresh.options);
    });

    afterEach(async () => {
      await database.close();
      await drop();
    });

    /** Runs `work` with the scoring store of one transaction, as the service does. */
    const inTransaction = <T>(work: (store: ScoringStore) => Promise<T>) =>
      database.db.transaction().execute((tx) => work(scoringStore(database, tx)));

    it("creates missing contacts once, by id or by email, and finds them by email", async () => {
      await inTransaction(async (store) => {
        await store.insertMissingContacts([contactRow("c1", "ann@example.com", T0)]);
        await store.insertMissingContacts([
          contactRow("c1", "other@example.com", T0 + HOUR),
          contactRow("c2", "ann@example.com", T0 + HOUR),
          contactRow("c3", null, T0 + HOUR),
        ]);
        expect(await store.contactIdsByEmail(["ann@example.com", "nobody@example.com"])).toEqual(
          new Map([["ann@example.com", "c1"]]),
        );
        const contacts = await store.contacts(["c1", "c2", "c3"]);
        expect(contacts.map((row) => [row.id, row.email]).sort()).toEqual([
          ["c1", "ann@example.com"],
          ["c3", null],
        ]);
      });
      const c1 = await database.db
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", "c1")
        .executeTakeFirst();
      expect(c1).toMatchObject({ email: "ann@example.com", created_ms: T0, updated_ms: T0 });
    });

    it("updates a contact's email, company, properties and the update time it is given", async () => {
      await inTransaction(async (store) => {
        await store.insertMissingContacts([contactRow("c1", "ann@example.com", T0)]);
        await store.updateContacts([
          {
            id: "c1",
            email: "ann@corp.example",
            company_id: "co1",
            properties: '{"title":"CTO"}',
            updated_ms: T0 + 5 * HOUR,
          },
        ]);
      });
      const row = await database.db
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", "c1")
        .executeTakeFirst();
      expect(row).toEqual({
        id: "c1",
        email: "ann@corp.example",
        company_id: "co1",
        properties: '{"title":"CTO"}',
        created_ms: T0,
        updated_ms: T0 + 5 * HOUR,
      });
    });

    it("stores an event id once, queues it, and gives it back when claimed and taken", async () => {
      const event = (id: string, timeMs: number) => ({
        event_id: id,
        contact_id: "c1",
        type: "page_view",
        time_ms: timeMs,
        properties: '{"url":"/pricing"}',
        received_ms: T0 + HOUR,
      });
      const first = await inTransaction(async (store) => {
        await store.insertMissingContacts([contactRow("c1", null, T0)]);
        return store.insertQueuedEvents([event("e1", T0), event("e2", T0 + 1)]);
      });
      expect([...first.keys()].sort()).toEqual(["e1", "e2"]);
      const again = await inTransaction((store) =>
        store.insertQueuedEvents([event("e1", T0), event("e3", T0 + 2)]),
      );
      expect([...again.keys()]).toEqual(["e3"]);

      const taken = await inTransaction(async (store) => {
        const claimed = await store.claimQueued(10);
        expect(
          claimed.map((row) => [row.event_id, row.contact_id, row.type, row.time_ms, row.properties]),
        ).toEqual([
          ["e1", "c1", "page_view", T0, '{"url":"/pricing"}'],
          ["e2", "c1", "page_view", T0 + 1, '{"url":"/pricing"}'],
          ["e3", "c1", "page_view", T0 + 2, '{"url":"/pricing"}'],
        ]);
        const seqs = claimed.map((row) => row.seq);
        expect(await store.queuedContacts(seqs)).toEqual(new Map(seqs.map((seq) => [seq, "c1"])));
        const set = await store.takeQueued(claimed);
        await store.scoredThrough(Math.max(...seqs));
        return { set, seqs };
      });
      expect([...taken.set].sort()).toEqual(taken.seqs.sort());
      // Applied events are the contact's stored events, and no longer queued.
      await inTransaction(async (store) => {
        expect((await store.events(["c1"])).get("c1")?.map((row) => row.event_id)).toEqual([
          "e1",
          "e2",
          "e3",
        ]);
        expect(await store.claimQueued(10)).toEqual([]);
      });
    });

    it("writes states, scores and history rows and reads the same values back", async () => {
      const state = { contact_id: "c1", model_key: "m", model_version: 1, state: '{"v":1}' };
      const score = {
        contact_id: "c1",
        model_key: "m",
        model_version: 1,
        total: 42.5,
        dimensions: '{"fit":30,"engagement":12.5}',
        band: "B",
        temperature: "warm",
        fit_grade: "A",
        engagement_grade: "2",
        matrix: "A2",
        mql: 1,
        disqualified: 0,
        as_of_ms: T0 + HOUR,
        updated_ms: T0 + 2 * HOUR,
      };
      await inTransaction(async (store) => {
        await store.insertMissingContacts([contactRow("c1", null, T0)]);
        await store.writeStates([state]);
        await store.writeScores([score]);
        await store.writeStates([{ ...state, model_version: 2, state: '{"v":2}' }]);
        await store.writeScores([{ ...score, model_version: 2, total: 50 }]);
        await store.appendHistory([
          {
            contact_id: "c1",
            model_key: "m",
            model_version: 2,
            at_ms: T0 + 2 * HOUR,
            as_of_ms: T0 + HOUR,
            cause: "model",
            detail: '{"modelVersion":2}',
            total: 50,
            dimensions: score.dimensions,
            band: "B",
            temperature: "warm",
            matrix: "A2",
            mql: 1,
            disqualified: 0,
            previous_total: 42.5,
          },
        ]);
      });
      await inTransaction(async (store) => {
        expect(await store.states(["c1"])).toEqual([{ ...state, model_version: 2, state: '{"v":2}' }]);
        expect(await store.scores(["c1"])).toEqual([{ ...score, model_version: 2, total: 50 }]);
      });
      const history = await database.db.selectFrom("score_history").selectAll().execute();
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        at_ms: T0 + 2 * HOUR,
        cause: "model",
        total: 50,
        previous_total: 42.5,
      });
    });

    it("follows aliases and reads companies by id", async () => {
      await database.db
        .insertInto("contact_aliases")
        .values({ alias_id: "old", contact_id: "c1", merged_ms: T0 })
        .execute();
      await database.db
        .insertInto("companies")
        .values({ id: "co1", properties: '{"industry":"saas"}', created_ms: T0, updated_ms: T0 })
        .execute();
      await inTransaction(async (store) => {
        expect(await store.aliases(["old", "c1"])).toEqual(new Map([["old", "c1"]]));
        expect(await store.companies(["co1", "co2"])).toEqual([
          { id: "co1", properties: '{"industry":"saas"}' },
        ]);
      });
    });

    it("keeps API keys by hash, lists them without it, and revokes an active one once", async () => {
      const store = new Store(database);
      await store.apiKeys.insert({
        id: "k1",
        name: "crm",
        scope: "write",
        hash: "h1",
        created_ms: T0,
        revoked_ms: null,
      });
      await store.apiKeys.insert({
        id: "k2",
        name: "site",
        scope: "ingest",
        hash: "h2",
        created_ms: T0 + 1,
        revoked_ms: null,
      });
      expect(await store.apiKeys.activeScope("h1")).toBe("write");
      expect(await store.apiKeys.revoke("k1", T0 + HOUR)).toBe(true);
      expect(await store.apiKeys.revoke("k1", T0 + 2 * HOUR)).toBe(false);
      expect(await store.apiKeys.activeScope("h1")).toBeUndefined();
      expect(await store.apiKeys.list()).toEqual([
        { id: "k1", name: "crm", scope: "write", created_ms: T0, revoked_ms: T0 + HOUR },
        { id: "k2", name: "site", scope: "ingest", created_ms: T0 + 1, revoked_ms: null },
      ]);
    });

    it("records a merge candidate once, lists open ones and settles them", async () => {
      const store = new Store(database);
      await store.transaction((tx) =>
        tx.scoring.insertMissingContacts([contactRow("a", null, T0), contactRow("b", null, T0)]),
      );
      const row = {
        survivor_id: "a",
        merged_id: "b",
        reason: "email",
        email: "x@example.com",
        created_ms: T0,
      };
      await store.mergeCandidates.record(row);
      await store.mergeCandidates.record({ ...row, created_ms: T0 + HOUR });
      expect(await store.mergeCandidates.open(10)).toEqual([row]);
      await store.mergeCandidates.settle("b");
      expect(await store.mergeCandidates.open(10)).toEqual([]);
    });

    it("counts contacts and events by type, and reads published models", async () => {
      const store = new Store(database);
      await store.transaction(async (tx) => {
        await tx.scoring.insertMissingContacts([contactRow("c1", null, T0)]);
        await tx.scoring.insertQueuedEvents(
          ["page_view", "signup", "page_view"].map((type, i) => ({
            event_id: `e${i}`,
            contact_id: "c1",
            type,
            time_ms: T0,
            properties: "{}",
            received_ms: T0,
          })),
        );
      });
      await database.db
        .insertInto("models")
        .values({ key: "m", version: 1, name: "M", source: "yaml", created_ms: T0 })
        .execute();
      await database.db
        .insertInto("model_heads")
        .values({ key: "m", version: 1, published_ms: T0 })
        .execute();
      expect(await store.countContacts()).toBe(1);
      expect(await store.eventTypeCounts()).toEqual([
        { type: "page_view", events: 2 },
        { type: "signup", events: 1 },
      ]);
      expect(await store.models.published()).toEqual([{ key: "m", version: 1 }]);
      expect(await store.models.source("m", 1)).toBe("yaml");
      expect(await store.models.source("m", 2)).toBeUndefined();
    });
  });
}
