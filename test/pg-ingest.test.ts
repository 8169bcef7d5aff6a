/**
 * PostgreSQL's one-statement ingest (pg-ingest.ts) and its prepared statements (pg-prepared.ts),
 * on a real server: events of existing contacts are stored and queued in one statement, by id,
 * alias or email; a missing contact makes it write nothing (the general path then creates it);
 * repeated texts are prepared on their connection, and still planned for their own parameters.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase } from "../src/store/database.js";
import { INGEST_FUNCTION } from "../src/store/migrations/011-ingest-function.js";
import {
  contactRefKey,
  insertEventsOfKnownContacts,
  type KnownContactEvent,
} from "../src/store/pg-ingest.js";
import { PREPARED_PER_CONNECTION } from "../src/store/pg-prepared.js";
import { freshDatabaseOptions, POSTGRES_URL } from "./helpers/service.js";

function event(id: string, ref: { contactId?: string; email?: string }): KnownContactEvent {
  return {
    event_id: id,
    contact_ref: contactRefKey(ref),
    type: "page_view",
    time_ms: 1_700_000_000_000,
    properties: JSON.stringify({ url: `/${id}` }),
    received_ms: 1_700_000_000_500,
  };
}

describe.skipIf(!POSTGRES_URL)("PostgreSQL ingest in one statement", () => {
  let database: Database;
  let drop: () => Promise<void>;

  const count = async (table: "events" | "score_queue" | "contacts") =>
    Number(
      (await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)).rows[0]
        .n,
    );

  beforeAll(async () => {
    const fresh = freshDatabaseOptions("postgres");
    drop = fresh.drop;
    database = await openDatabase({ ...fresh.options, poolSize: 1 });
    const contact = (id: string, email: string | null) => ({
      id,
      email,
      company_id: null,
      properties: "{}",
      created_ms: 0,
      updated_ms: 0,
    });
    await database.db
      .insertInto("contacts")
      .values([contact("c1", "ada@example.com"), contact("c2", null), contact("survivor", null)])
      .execute();
    await database.db
      .insertInto("contact_aliases")
      .values({ alias_id: "merged", contact_id: "survivor", merged_ms: 0 })
      .execute();
  });

  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it("stores and queues events naming contacts by id, alias and email", async () => {
    const events = [
      event("e-1", { contactId: "c1" }),
      event("e-2", { contactId: "merged" }),
      event("e-3", { email: "ada@example.com" }),
      event("e-4", { contactId: "c2" }),
    ];
    const stored = await insertEventsOfKnownContacts(
      database.db,
      events.map((e) => e.contact_ref),
      events,
    );
    expect(stored).toBeDefined();
    expect(Object.fromEntries(stored?.contactOf ?? [])).toEqual({
      "id:c1": "c1",
      "id:merged": "survivor",
      "email:ada@example.com": "c1",
      "id:c2": "c2",
    });
    expect([...(stored?.inserted.keys() ?? [])].sort()).toEqual(["e-1", "e-2", "e-3", "e-4"]);
    const rows = await database.db
      .selectFrom("events")
      .select(["event_id", "contact_id", "seq"])
      .orderBy("event_id")
      .execute();
    expect(rows.map((row) => [row.event_id, row.contact_id])).toEqual([
      ["e-1", "c1"],
      ["e-2", "survivor"],
      ["e-3", "c1"],
      ["e-4", "c2"],
    ]);
    // Each event's seq as returned, and each one queued for scoring.
    for (const row of rows) expect(stored?.inserted.get(row.event_id)).toBe(Number(row.seq));
    const queued = await database.db.selectFrom("score_queue").select("seq").orderBy("seq").execute();
    expect(queued.map((row) => Number(row.seq))).toEqual(
      rows.map((row) => Number(row.seq)).sort((a, b) => a - b),
    );
  });

  it("stores an event id once: a repeat is answered as a duplicate", async () => {
    const before = await count("events");
    const again = [event("e-1", { contactId: "c1" }), event("e-5", { contactId: "c2" })];
    const stored = await insertEventsOfKnownContacts(
      database.db,
      again.map((e) => e.contact_ref),
      again,
    );
    expect([...(stored?.inserted.keys() ?? [])]).toEqual(["e-5"]);
    expect(await count("events")).toBe(before + 1);
    expect(await count("score_queue")).toBe(before + 1);
  });

  it("writes nothing when a contact is missing, by id or by email", async () => {
    const before = {
      events: await count("events"),
      queue: await count("score_queue"),
      contacts: await count("contacts"),
    };
    for (const missing of [{ contactId: "nobody" }, { email: "nobody@example.com" }]) {
      const events = [
        event(`known-${contactRefKey(missing)}`, { contactId: "c1" }),
        event(`x-${contactRefKey(missing)}`, missing),
      ];
      const stored = await insertEventsOfKnownContacts(
        database.db,
        events.map((e) => e.contact_ref),
        events,
      );
      expect(stored).toBeUndefined();
    }
    // A duplicate's contact counts too: the caller answers for it with the contact resolved.
    const withDuplicateOf = [event("e-6", { contactId: "c1" })];
    expect(
      await insertEventsOfKnownContacts(database.db, ["id:c1", "id:ghost"], withDuplicateOf),
    ).toBeUndefined();
    expect({
      events: await count("events"),
      queue: await count("score_queue"),
      contacts: await count("contacts"),
    }).toEqual(before);
  });

  it("prepares a statement on its connection the second time it runs, planned for each call", async () => {
    const read = () =>
      database.db
        .selectFrom("contacts")
        .select("id")
        .where("id", "=", sql<string>`any(${["c1", "c2"]}::text[])`)
        .execute();
    await read();
    await read();
    expect((await read()).map((row) => row.id).sort()).toEqual(["c1", "c2"]);
    // The pool has one connection: this runs where the reads ran.
    const prepared = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
      database.db,
    );
    expect(prepared.rows.filter((row) => row.statement.includes('from "contacts"'))).toHaveLength(1);
    // A multi-row values list (one text per row count) is never named: 2 x 6 columns x 6 rows.
    for (const round of [1, 2]) {
      const rows = Array.from({ length: 6 }, (_, i) => ({
        id: `listed-${round}-${i}`,
        email: null,
        company_id: null,
        properties: "{}",
        created_ms: 0,
        updated_ms: 0,
      }));
      await database.db.insertInto("contacts").values(rows).execute();
    }
    const afterList = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(
      database.db,
    );
    expect(afterList.rows.filter((row) => row.statement.startsWith('insert into "contacts"'))).toEqual([]);
    // Statements without parameters (transaction control, DDL) are never named.
    expect(prepared.rows.filter((row) => /^\s*(begin|commit|create|alter)/i.test(row.statement))).toEqual([]);
    expect(prepared.rows.length).toBeLessThanOrEqual(PREPARED_PER_CONNECTION);
    // Custom plans: a generic plan cannot see a key array's length (it scanned whole tables).
    const mode = await sql<{ plan_cache_mode: string }>`show plan_cache_mode`.execute(database.db);
    expect(mode.rows[0].plan_cache_mode).toBe("force_custom_plan");
    // Except the one-statement ingest: a function planned once per connection, by index only.
    const ingest = await sql<{ proconfig: string[] }>`select proconfig from pg_proc
      where proname = ${INGEST_FUNCTION} and pronamespace = current_schema()::regnamespace`.execute(
      database.db,
    );
    expect(ingest.rows[0].proconfig.sort()).toEqual([
      "enable_seqscan=off",
      "plan_cache_mode=force_generic_plan",
    ]);
    // Room on each page of contact_states for its rewrites (migration 012).
    const states = await sql<{ reloptions: string[] | null }>`select reloptions from pg_class
      where oid = to_regclass('contact_states')`.execute(database.db);
    expect(states.rows[0].reloptions).toEqual(["fillfactor=70"]);
  });
});
