/**
 * Two `leadscore serve` processes on one PostgreSQL schema, hammering the same few contacts at
 * once: no update may be lost (each stored score equals the engine's evaluation from scratch
 * over every stored event), every event id is stored once and counted as accepted by exactly
 * one answer, and a contact created by email from both processes at once is one contact.
 * PostgreSQL only: SQLite is one process by design.
 */
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { openDatabase } from "../src/store/database.js";
import { scoringStore } from "../src/store/scoring-store.js";
import { checkConsistency } from "./helpers/consistency.js";
import {
  EventLedger,
  randomEvent,
  randomGenerator,
  type SentEvent,
  sendUntil,
  TALLY_MODEL,
  tallyOf,
} from "./helpers/event-load.js";
import {
  type ChildDatabase,
  createKeyWithCli,
  killLeftoverServers,
  publishModel,
  request,
  type ServerProcess,
  spawnServer,
  waitForScoring,
} from "./helpers/process.js";
import { freshDatabase, POSTGRES_URL } from "./helpers/service.js";

if (!POSTGRES_URL) {
  process.stderr.write(
    "service-concurrency.test.ts: skipped, it needs PostgreSQL: set TEST_DATABASE_URL=postgres://...\n",
  );
}

const HOT_IDS = ["hot-1", "hot-2", "hot-3"];
const HOT_EMAIL = "shared@acme-industrial.com";
const HOT = [...HOT_IDS, HOT_EMAIL];
const SEED = Number(process.env.FC_SEED ?? Date.now() % 1_000_000);

describe.skipIf(!POSTGRES_URL)("two serve processes on one PostgreSQL schema", () => {
  const fresh = freshDatabase("postgres");
  const database: ChildDatabase = {
    dataDir: fresh.settings.dataDir as string,
    databaseUrl: fresh.settings.databaseUrl,
    databaseSchema: fresh.settings.databaseSchema,
  };
  afterAll(async () => {
    await killLeftoverServers();
    await fresh.drop();
  });

  it("opens a new schema from eight connections at once: all succeed, each migration is applied once", async () => {
    // The same race as two services starting together, eight times over, on a schema of its own.
    const race = freshDatabase("postgres");
    try {
      for (let round = 0; round < 3; round++) {
        const opened = await Promise.all(
          Array.from({ length: 8 }, () =>
            openDatabase({ ...race.settings, dataDir: race.settings.dataDir as string, poolSize: 1 }),
          ),
        );
        const applied = await sql<{ name: string }>`SELECT name FROM leadscore_migrations`.execute(
          opened[0].db,
        );
        const names = applied.rows.map((row) => row.name);
        expect(names).toContain("001-initial");
        expect(new Set(names).size).toBe(names.length);
        await Promise.all(opened.map((database) => database.close()));
        await race.drop();
      }
    } finally {
      await race.drop();
    }
  });

  it("creates the same new contacts by email from two transactions at once without a deadlock", async () => {
    // Contacts first named by email get new random ids: two transactions inserting the same
    // emails must still take them in one order. Here the ids run in opposite orders on purpose.
    const race = freshDatabase("postgres");
    const opened = await openDatabase({ ...race.settings, dataDir: race.settings.dataDir as string });
    try {
      const emails = Array.from({ length: 300 }, (_, i) => `new-${String(i).padStart(3, "0")}@example.org`);
      const rows = (prefix: string, rank: (i: number) => number) =>
        emails.map((email, i) => ({
          id: `c_${prefix}${String(rank(i)).padStart(3, "0")}`,
          email,
          company_id: null,
          properties: "{}",
          created_ms: 0,
          updated_ms: 0,
        }));
      for (let round = 0; round < 3; round++) {
        await sql`DELETE FROM contacts`.execute(opened.db);
        const insert = (contacts: ReturnType<typeof rows>) =>
          opened.db.transaction().execute(async (tx) => {
            await scoringStore(opened, tx).insertMissingContacts(contacts);
            // Hold the locks a moment, as a transaction that goes on to score would.
            await sql`SELECT pg_sleep(0.05)`.execute(tx);
          });
        await Promise.all([insert(rows("a", (i) => i)), insert(rows("b", (i) => emails.length - i))]);
        const stored = await opened.db.selectFrom("contacts").select(["email"]).execute();
        expect(stored.map((row) => row.email).sort()).toEqual(emails);
      }
    } finally {
      await opened.close();
      await race.drop();
    }
  });

  it("loses no update, stores and counts each event once, and creates one contact per email", async () => {
    const random = randomGenerator(SEED);
    // Both start at once on an empty schema: the migrations run once, under Kysely's lock.
    const [a, b] = await Promise.all([spawnServer(database), spawnServer(database)]);
    const key = await createKeyWithCli(database);
    await publishModel(a.url, key, "b2b", await readTemplate("b2b"));
    await publishModel(a.url, key, "tally", TALLY_MODEL);
    expect(
      (
        await request(b.url, key, "POST", "/v1/companies", {
          id: "acme",
          properties: { employees: 800, industry: "manufacturing", country: "FR" },
        })
      ).status,
    ).toBe(200);

    const ledger = new EventLedger();
    const nowMs = Math.floor(Date.now() / 1000) * 1000;
    // The same events sent to both processes at the same moment: one answer accepts each.
    const pairs: { a: number; b: number }[] = [];
    const duplicates = async () => {
      for (let i = 0; i < 30; i++) {
        const events = Array.from({ length: i % 2 ? 1 : 5 }, (_, j) =>
          randomEvent(random, `dup-${i}-${j}`, HOT, nowMs),
        );
        const [toA, toB] = await Promise.all([
          ledger.send(a.url, key, events, "dup"),
          ledger.send(b.url, key, [...events].reverse(), "dup"),
        ]);
        pairs.push({ a: toA.accepted ?? -1, b: toB.accepted ?? -1 });
      }
    };
    // Property changes of the same contacts, from both processes, while their events arrive.
    const upserts: number[] = [];
    const updateProperties = async (server: ServerProcess, name: string) => {
      for (let i = 0; i < 15; i++) {
        const contact = HOT_IDS[i % HOT_IDS.length];
        const response = await request(server.url, key, "POST", "/v1/contacts", {
          id: contact,
          companyId: "acme",
          properties: { jobTitle: random() < 0.5 ? "VP Marketing" : "Intern", [`by_${name}`]: i },
        });
        upserts.push(response.status as number);
      }
    };
    const traffic = (server: ServerProcess, tag: string) =>
      sendUntil({
        url: server.url,
        key,
        ledger,
        contacts: HOT,
        random,
        tag,
        workers: 6,
        maxBatch: 20,
        maxRequests: 15,
        stop: () => false,
      });
    await Promise.all([
      traffic(a, "a"),
      traffic(b, "b"),
      duplicates(),
      updateProperties(a, "a"),
      updateProperties(b, "b"),
    ]);

    // A contact first named by email, from both processes at once: created once, both writes kept.
    const raced: { status: unknown; id: unknown }[][] = [];
    for (let i = 0; i < 10; i++) {
      const email = `race-${i}@example.org`;
      if (i % 2) {
        const answers = await Promise.all(
          [a, b].map((server, n) =>
            request(server.url, key, "POST", "/v1/contacts", {
              email,
              properties: { [`seenBy_${"ab"[n]}`]: true },
            }),
          ),
        );
        raced.push(
          answers.map((r) => ({ status: r.status, id: "body" in r ? (r.body as { id: string }).id : null })),
        );
      } else {
        const answers = await Promise.all(
          [a, b].map((server, n) =>
            ledger.send(
              server.url,
              key,
              [randomEvent(random, `race-${"ab"[n]}-${i}`, [email], nowMs)],
              "race",
            ),
          ),
        );
        raced.push(answers.map((r) => ({ status: r.outcome, id: ledger.acknowledged.get(r.events[0].id) })));
      }
    }
    for (const [fromA, fromB] of raced) {
      expect([fromA.status, fromB.status]).toEqual([200, 200]);
      expect(fromA.id).toBe(fromB.id);
    }

    expect(ledger.outcomes(), `the servers said:\n${a.errors()}\n${b.errors()}`).toEqual({
      "200": ledger.requests.length,
    });
    expect(upserts.every((status) => status === 200)).toBe(true);
    for (const pair of pairs)
      expect([pair.a, pair.b].sort()).toEqual(pair.a + pair.b === 1 ? [0, 1] : [0, 5]);

    // Both processes' scorers claim queued events of the same contacts at once: let them finish.
    await waitForScoring(a.url, key);
    const [exitA, exitB] = await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    expect([exitA.code, exitB.code]).toEqual([0, 0]);

    const opened = await openDatabase(database);
    try {
      const events = await opened.db.selectFrom("events").select(["event_id", "contact_id"]).execute();
      // Every id once, and the answers' accepted counts add up to what is stored: no duplicate
      // was counted as new by both processes, no new event as a duplicate.
      expect(events).toHaveLength(ledger.sent.size);
      expect(new Set(events.map((row) => row.event_id))).toEqual(new Set(ledger.sent.keys()));
      expect(ledger.requests.reduce((sum, sent) => sum + (sent.accepted ?? 0), 0)).toBe(ledger.sent.size);

      const report = await checkConsistency(opened.db);
      expect(report.problems).toEqual([]);
      expect(report.queued).toBe(0);

      // One contact per raced email, holding the properties both processes wrote.
      const contacts = await opened.db.selectFrom("contacts").selectAll().execute();
      for (let i = 0; i < 10; i++) {
        const matching = contacts.filter((row) => row.email === `race-${i}@example.org`);
        expect(matching, `race-${i}`).toHaveLength(1);
        if (i % 2) expect(JSON.parse(matching[0].properties)).toEqual({ seenBy_a: true, seenBy_b: true });
      }
      // The contacts the two processes updated at once kept both processes' last property writes.
      for (const id of HOT_IDS) {
        const properties = JSON.parse(contacts.find((row) => row.id === id)?.properties ?? "{}");
        expect(Object.keys(properties).sort(), id).toEqual(["by_a", "by_b", "jobTitle"]);
      }

      // Counted by kind (tally model): each hot contact's counts are those of every event sent to it.
      const idOf = new Map(contacts.map((row) => [row.email ?? row.id, row.id]));
      const sentTo = new Map<string, SentEvent[]>();
      for (const event of ledger.sent.values()) {
        const contact = event.contactId ?? (idOf.get(event.email?.toLowerCase() ?? "") as string);
        sentTo.set(contact, [...(sentTo.get(contact) ?? []), event]);
      }
      const tallies = await opened.db
        .selectFrom("scores")
        .select(["contact_id", "dimensions"])
        .where("model_key", "=", "tally")
        .execute();
      for (const row of tallies)
        expect(JSON.parse(row.dimensions), row.contact_id).toEqual(tallyOf(sentTo.get(row.contact_id) ?? []));
      const hot = HOT.map((ref) => idOf.get(ref) as string);
      // Both processes wrote events of each hot contact.
      for (const contact of hot) {
        const tags = new Set(
          [...ledger.acknowledged].filter(([, c]) => c === contact).map(([id]) => id.split("-")[0]),
        );
        expect([...tags].filter((tag) => tag === "a" || tag === "b").sort(), contact).toEqual(["a", "b"]);
      }
    } finally {
      await opened.close();
    }
  }, 60_000);
});
