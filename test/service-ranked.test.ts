/**
 * Ranked lists and exports of stored scores (GET /v1/scores, GET /v1/scores/export) over real
 * HTTP, on the demo data set, on SQLite and (when configured) PostgreSQL. Every answer is
 * checked against the scores table read directly.
 */
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { csvCell } from "../src/io/write.js";
import { readTemplate } from "../src/model/template-files.js";
import { RankedScores } from "../src/service/scores/ranked.js";
import { BACKENDS, startTestService, type TestService } from "./helpers/service.js";

const FORMULA_ID = '=HYPERLINK("http://evil.example/","open me")';
const FORMULA_EMAIL = '=hyperlink("http://evil.example/")@example.com';
const PLUS_EMAIL = "+cmd@example.com";

interface StoredScore {
  contactId: string;
  email: string | null;
  name: string | null;
  company: string | null;
  total: number;
  dimensions: Record<string, number>;
  band: string;
  temperature: string | null;
  fitGrade: string | null;
  engagementGrade: string | null;
  matrix: string | null;
  mql: boolean;
  disqualified: boolean;
  scoredAt: string;
  prediction: null;
}

function nameOf(properties: { firstName?: string; lastName?: string }): string | null {
  const name = [properties.firstName, properties.lastName].filter(Boolean).join(" ");
  return name === "" ? null : name;
}

describe.each(BACKENDS)("ranked scores on %s", (backend) => {
  let svc: TestService;
  /** Every stored b2b score, read from the table. */
  let stored: StoredScore[];
  /** Position of each contact id in the database's own ordering of ids (its collation). */
  let idRank: Map<string, number>;

  async function readStored(): Promise<StoredScore[]> {
    const rows = await svc.server.service.db
      .selectFrom("scores")
      .leftJoin("contacts", "contacts.id", "scores.contact_id")
      .leftJoin("companies", "companies.id", "contacts.company_id")
      .selectAll("scores")
      .select(["contacts.email", "contacts.properties", "companies.properties as company_properties"])
      .where("scores.model_key", "=", "b2b")
      .execute();
    return rows.map((row) => ({
      contactId: row.contact_id,
      email: row.email,
      name: nameOf(JSON.parse(row.properties ?? "{}")),
      company: row.company_properties ? (JSON.parse(row.company_properties).name ?? null) : null,
      total: row.total,
      dimensions: JSON.parse(row.dimensions),
      band: row.band,
      temperature: row.temperature,
      fitGrade: row.fit_grade,
      engagementGrade: row.engagement_grade,
      matrix: row.matrix,
      mql: row.mql === 1,
      disqualified: row.disqualified === 1,
      scoredAt: new Date(Number(row.as_of_ms)).toISOString(),
      // No predictive model is published here.
      prediction: null,
    }));
  }

  /** The expected list: sorted by `key` then contact id, both in `order`. */
  function expectedOrder(
    rows: readonly StoredScore[],
    key: (row: StoredScore) => number,
    order: "asc" | "desc",
  ): string[] {
    const sign = order === "desc" ? -1 : 1;
    return [...rows]
      .sort(
        (a, b) =>
          sign * (key(a) - key(b)) ||
          sign * ((idRank.get(a.contactId) ?? 0) - (idRank.get(b.contactId) ?? 0)),
      )
      .map((row) => row.contactId);
  }

  /** Follows the cursors to the end; fails on a repeated cursor or too many pages. */
  async function readAll(query: string, limit: number, key = svc.readKey): Promise<StoredScore[]> {
    const items: StoredScore[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const url = `/v1/scores?${query}${query ? "&" : ""}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
      const answer = await svc.call("GET", url, undefined, key);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.body.model).toEqual({ key: "b2b", version: 1 });
      expect(answer.body.items.length).toBeLessThanOrEqual(limit);
      items.push(...answer.body.items);
      cursor = answer.body.next;
      if (cursor === null) return items;
      expect(answer.body.items.length).toBe(limit);
      expect(seenCursors.has(cursor)).toBe(false);
      seenCursors.add(cursor);
    }
    throw new Error("paging did not end");
  }

  beforeAll(async () => {
    svc = await startTestService(backend, {}, { demo: { contacts: 300, seed: 7 } });
    await svc.server.service.publishing.idle();
    // Contacts whose id or email a spreadsheet would run as a formula.
    const formula = await svc.call("POST", "/v1/contacts", {
      id: FORMULA_ID,
      email: PLUS_EMAIL,
      properties: { jobTitle: "CEO", country: "FR" },
    });
    expect(formula.status, formula.text).toBe(200);
    // An import path that does not check emails: the export must still be safe.
    await svc.server.service.contacts.upsertContacts([
      { contactId: "formula-email", email: FORMULA_EMAIL, properties: { jobTitle: "Head of IT" } },
    ]);
    const event = await svc.call("POST", "/v1/events?wait=scored", {
      id: "formula-visit",
      contactId: FORMULA_ID,
      type: "page_view",
      properties: { url: "/pricing" },
    });
    expect(event.status, event.text).toBe(200);
    stored = await readStored();
    const ids = await svc.server.service.db
      .selectFrom("scores")
      .select("contact_id")
      .where("model_key", "=", "b2b")
      .orderBy("contact_id")
      .execute();
    idRank = new Map(ids.map((row, index) => [row.contact_id, index]));
  });
  afterAll(async () => svc?.close());

  it("has data that makes these checks meaningful", () => {
    expect(stored.length).toBeGreaterThan(290);
    const totals = stored.map((row) => row.total);
    // Ties exist, so the contact-id tie-break is exercised.
    expect(new Set(totals).size).toBeLessThan(totals.length);
    expect(stored.some((row) => row.disqualified)).toBe(true);
    expect(stored.some((row) => row.mql)).toBe(true);
    expect(new Set(stored.map((row) => row.temperature)).size).toBe(3);
  });

  it("needs a key; a read key is enough", async () => {
    const anonymous = await fetch(`${svc.url}/v1/scores`);
    expect(anonymous.status).toBe(401);
    const anonymousExport = await fetch(`${svc.url}/v1/scores/export`);
    expect(anonymousExport.status).toBe(401);
    expect((await svc.call("GET", "/v1/scores", undefined, svc.readKey)).status).toBe(200);
    expect((await svc.call("GET", "/v1/scores/export", undefined, svc.readKey)).status).toBe(200);
  });

  it("pages through every non-disqualified score once, by total then contact id, as stored", async () => {
    const items = await readAll("", 37);
    const eligible = stored.filter((row) => !row.disqualified);
    expect(items.map((item) => item.contactId)).toEqual(expectedOrder(eligible, (row) => row.total, "desc"));
    const byId = new Map(stored.map((row) => [row.contactId, row]));
    for (const item of items) expect(item).toEqual(byId.get(item.contactId));
    // The same list with another page size: the order does not depend on where pages break.
    const again = await readAll("", 100);
    expect(again.map((item) => item.contactId)).toEqual(items.map((item) => item.contactId));
    // Ascending is exactly the reverse: ties follow the order too.
    const ascending = await readAll("order=asc", 64);
    expect(ascending.map((item) => item.contactId)).toEqual(items.map((item) => item.contactId).reverse());
  });

  it("answers the first page with a default of 50 and a cursor", async () => {
    const first = await svc.call("GET", "/v1/scores", undefined, svc.readKey);
    expect(first.body.items).toHaveLength(50);
    expect(typeof first.body.next).toBe("string");
    expect(first.body.next).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  const filterCases: Array<{
    query: string;
    matches: (row: StoredScore) => boolean;
    /** Whether the demo data must have at least one such contact. */
    nonEmpty: boolean;
  }> = [
    { query: "temperature=hot", matches: (r) => r.temperature === "hot" && !r.disqualified, nonEmpty: true },
    {
      query: "temperature=warm,hot",
      matches: (r) => (r.temperature === "warm" || r.temperature === "hot") && !r.disqualified,
      nonEmpty: true,
    },
    {
      query: "temperature=cold&temperature=warm",
      matches: (r) => (r.temperature === "cold" || r.temperature === "warm") && !r.disqualified,
      nonEmpty: true,
    },
    { query: "fitGrade=A", matches: (r) => r.fitGrade === "A" && !r.disqualified, nonEmpty: true },
    {
      query: "engagementGrade=1,2",
      matches: (r) => (r.engagementGrade === "1" || r.engagementGrade === "2") && !r.disqualified,
      nonEmpty: true,
    },
    {
      query: "matrix=A1,A2,B1",
      matches: (r) => ["A1", "A2", "B1"].includes(r.matrix ?? "") && !r.disqualified,
      nonEmpty: true,
    },
    { query: "mql=true", matches: (r) => r.mql && !r.disqualified, nonEmpty: true },
    { query: "mql=false", matches: (r) => !r.mql && !r.disqualified, nonEmpty: true },
    { query: "disqualified=true", matches: (r) => r.disqualified, nonEmpty: true },
    { query: "disqualified=any", matches: () => true, nonEmpty: true },
    {
      query: "band=41-60,61-80",
      matches: (r) => (r.band === "41-60" || r.band === "61-80") && !r.disqualified,
      nonEmpty: true,
    },
    {
      query: "minTotal=20&maxTotal=45",
      matches: (r) => r.total >= 20 && r.total <= 45 && !r.disqualified,
      nonEmpty: true,
    },
    {
      query: "dimension=fit&minPoints=30",
      matches: (r) => (r.dimensions.fit ?? 0) >= 30 && !r.disqualified,
      nonEmpty: true,
    },
    {
      query: "dimension=engagement&maxPoints=10&disqualified=any",
      matches: (r) => (r.dimensions.engagement ?? 0) <= 10,
      nonEmpty: true,
    },
    {
      query: "temperature=warm,hot&fitGrade=A,B&minTotal=40&dimension=engagement&minPoints=15",
      matches: (r) =>
        (r.temperature === "warm" || r.temperature === "hot") &&
        (r.fitGrade === "A" || r.fitGrade === "B") &&
        r.total >= 40 &&
        (r.dimensions.engagement ?? 0) >= 15 &&
        !r.disqualified,
      nonEmpty: true,
    },
  ];

  it.each(filterCases)("filters: $query", async ({ query, matches, nonEmpty }) => {
    const expected = stored.filter(matches);
    if (nonEmpty) expect(expected.length).toBeGreaterThan(0);
    // Filtering must drop something, or the case would not test the filter.
    if (query !== "disqualified=any") expect(expected.length).toBeLessThan(stored.length);
    const items = await readAll(query, 23);
    for (const item of items) expect(matches(item), item.contactId).toBe(true);
    expect(items.map((item) => item.contactId)).toEqual(expectedOrder(expected, (row) => row.total, "desc"));
  });

  it("sorts by a dimension's points, either way, with every contact once", async () => {
    const eligible = stored.filter((row) => !row.disqualified);
    const fit = (row: StoredScore) => row.dimensions.fit ?? 0;
    const descending = await readAll("sort=fit", 41);
    expect(descending.map((item) => item.contactId)).toEqual(expectedOrder(eligible, fit, "desc"));
    // Sorting by fit is not sorting by total on this data.
    expect(descending.map((item) => item.contactId)).not.toEqual(
      expectedOrder(eligible, (row) => row.total, "desc"),
    );
    const ascending = await readAll("sort=engagement&order=asc&temperature=warm,hot", 19);
    const engagement = (row: StoredScore) => row.dimensions.engagement ?? 0;
    expect(ascending.map((item) => item.contactId)).toEqual(
      expectedOrder(
        eligible.filter((row) => row.temperature !== "cold"),
        engagement,
        "asc",
      ),
    );
  });

  it("searches the email, the names and the company's name, each word case-insensitively", async () => {
    const eligible = stored.filter((row) => !row.disqualified);
    const withCompany = eligible.find((row) => row.company !== null && row.name !== null)!;
    const matches = (row: StoredScore, words: string[]) =>
      words.every((word) =>
        [row.email, row.name, row.company].some((field) => (field ?? "").toLowerCase().includes(word)),
      );
    const lastName = withCompany.name!.split(" ").at(-1)!;
    const companyWord = withCompany.company!.split(" ")[0];
    for (const search of [
      lastName.toUpperCase(),
      `${companyWord} ${lastName}`,
      withCompany.email!.slice(0, 6),
    ]) {
      const words = search.toLowerCase().split(" ");
      const items = await readAll(`search=${encodeURIComponent(search)}`, 20);
      expect(items.length, search).toBeGreaterThan(0);
      expect(items.map((item) => item.contactId).sort(), search).toEqual(
        eligible
          .filter((row) => matches(row, words))
          .map((row) => row.contactId)
          .sort(),
      );
      expect(items.map((item) => item.contactId)).toContain(withCompany.contactId);
    }
    // LIKE's wildcards are matched as themselves.
    expect(await readAll("search=%25", 50)).toEqual([]);
    expect(await readAll(`search=${encodeURIComponent("zzz-nobody")}`, 50)).toEqual([]);
    const tooLong = await svc.call("GET", `/v1/scores?search=${"x".repeat(201)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.issues[0].field).toBe("query.search");
  });

  it("rejects a cursor made for another sort, order or model, and a forged one", async () => {
    const byFit = await svc.call("GET", "/v1/scores?sort=fit&limit=5", undefined, svc.readKey);
    const cursor = encodeURIComponent(byFit.body.next);
    for (const other of ["sort=total", "sort=engagement", "sort=fit&order=asc"]) {
      const answer = await svc.call("GET", `/v1/scores?${other}&cursor=${cursor}`, undefined, svc.readKey);
      expect(answer.status, other).toBe(400);
      expect(answer.body.error.issues[0].field).toBe("query.cursor");
      expect(answer.body.error.message).toContain("sort=fit");
    }
    // The same cursor with its own sort continues the list.
    const next = await svc.call(
      "GET",
      `/v1/scores?sort=fit&limit=5&cursor=${cursor}`,
      undefined,
      svc.readKey,
    );
    expect(next.status).toBe(200);
    expect(next.body.items[0].contactId).not.toBe(byFit.body.items[4].contactId);
    for (const forged of ["not-a-cursor", Buffer.from('{"v":"x"}').toString("base64url")]) {
      const answer = await svc.call("GET", `/v1/scores?cursor=${forged}`, undefined, svc.readKey);
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues[0].field).toBe("query.cursor");
    }
  });

  it("names the bad field: unknown dimension, bad temperature, limit, a range without a dimension", async () => {
    const unknownSort = await svc.call("GET", "/v1/scores?sort=budget", undefined, svc.readKey);
    expect(unknownSort.status).toBe(400);
    expect(unknownSort.body.error.issues[0].field).toBe("query.sort");
    expect(unknownSort.body.error.message).toContain("fit, engagement");
    const unknownDimension = await svc.call(
      "GET",
      "/v1/scores?dimension=budget&minPoints=1",
      undefined,
      svc.readKey,
    );
    expect(unknownDimension.status).toBe(400);
    expect(unknownDimension.body.error.issues[0].field).toBe("query.dimension");
    expect(unknownDimension.body.error.message).toContain("fit, engagement");
    const noDimension = await svc.call("GET", "/v1/scores?minPoints=1", undefined, svc.readKey);
    expect(noDimension.body.error.issues[0].field).toBe("query.dimension");
    const noRange = await svc.call("GET", "/v1/scores?dimension=fit", undefined, svc.readKey);
    expect(noRange.body.error.issues[0].field).toBe("query.minPoints");
    const temperature = await svc.call("GET", "/v1/scores?temperature=hot,boiling", undefined, svc.readKey);
    expect(temperature.status).toBe(400);
    expect(temperature.body.error.issues[0].field).toBe("query.temperature[1]");
    for (const limit of ["0", "1001", "ten"]) {
      const answer = await svc.call("GET", `/v1/scores?limit=${limit}`, undefined, svc.readKey);
      expect(answer.status).toBe(400);
      expect(answer.body.error.issues[0].field).toBe("query.limit");
    }
    const unknownModel = await svc.call("GET", "/v1/scores?model=nope", undefined, svc.readKey);
    expect(unknownModel.status).toBe(404);
    expect(unknownModel.body.error.message).toContain("b2b");
    const badExport = await svc.call("GET", "/v1/scores/export?sort=budget", undefined, svc.readKey);
    expect(badExport.status).toBe(400);
    expect(badExport.body.error.issues[0].field).toBe("query.sort");
  });

  it("exports the same rows as the paged JSON, as CSV safe to open in a spreadsheet", async () => {
    for (const query of ["", "temperature=warm,hot&sort=engagement&order=asc", "disqualified=any"]) {
      const items = await readAll(query, 50);
      const response = await fetch(`${svc.url}/v1/scores/export?${query}`, {
        headers: { authorization: `Bearer ${svc.readKey}` },
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(response.headers.get("content-disposition")).toBe('attachment; filename="scores-b2b-v1.csv"');
      const [header, ...rows] = parse(await response.text()) as string[][];
      expect(header).toEqual([
        "contactId",
        "email",
        "total",
        "fit",
        "engagement",
        "band",
        "temperature",
        "fitGrade",
        "engagementGrade",
        "matrix",
        "mql",
        "disqualified",
        "scoredAt",
      ]);
      expect(rows).toEqual(
        items.map((item) =>
          [
            item.contactId,
            item.email,
            item.total,
            item.dimensions.fit,
            item.dimensions.engagement,
            item.band,
            item.temperature,
            item.fitGrade,
            item.engagementGrade,
            item.matrix,
            item.mql,
            item.disqualified,
            item.scoredAt,
          ].map(csvCell),
        ),
      );
    }
  });

  it("neutralises ids and emails that a spreadsheet would run as formulas", async () => {
    const response = await fetch(`${svc.url}/v1/scores/export?disqualified=any`, {
      headers: { authorization: `Bearer ${svc.readKey}` },
    });
    const rows = parse(await response.text()) as string[][];
    const formulaRow = rows.find((row) => row[0] === `'${FORMULA_ID}`);
    expect(formulaRow?.[1]).toBe(`'${PLUS_EMAIL}`);
    const emailRow = rows.find((row) => row[0] === "formula-email");
    expect(emailRow?.[1]).toBe(`'${FORMULA_EMAIL}`);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+@]/);
    // JSON answers carry the values as they are.
    const items = await readAll("disqualified=any", 500);
    expect(items.find((item) => item.contactId === FORMULA_ID)?.email).toBe(PLUS_EMAIL);
  });

  it("exports JSONL with the same items", async () => {
    const items = await readAll("mql=false", 200);
    const response = await fetch(`${svc.url}/v1/scores/export?mql=false&format=jsonl`, {
      headers: { authorization: `Bearer ${svc.readKey}` },
    });
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="scores-b2b-v1.jsonl"');
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines.map((line) => JSON.parse(line))).toEqual(items);
  });

  it("streams an export page by page: small pages give the same rows as one big page", async () => {
    const service = svc.server.service;
    const ranked = new RankedScores(service.db, service.database.dialect, service.models);
    const plan = await ranked.plan({ sort: "fit", disqualified: "any" });
    const pageSizes: number[] = [];
    const small: string[] = [];
    for await (const items of ranked.pages(plan, 7)) {
      pageSizes.push(items.length);
      small.push(...items.map((item) => item.contactId));
    }
    expect(pageSizes.length).toBe(Math.ceil(stored.length / 7));
    expect(Math.max(...pageSizes)).toBe(7);
    const whole = (await ranked.page(plan, { limit: 10_000 })).items.map((item) => item.contactId);
    expect(small).toEqual(whole);
    expect(new Set(small).size).toBe(stored.length);
  });

  it("ends the snapshot of an export given up half way (a client that went away)", async () => {
    const service = svc.server.service;
    const ranked = new RankedScores(service.db, service.database.dialect, service.models);
    const plan = await ranked.plan({ sort: "fit", disqualified: "any" });
    const pages = ranked.snapshotPages(service.database, plan, 5);
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect((first.value as unknown[]).length).toBe(5);
    await pages.return(undefined);
    // No reader is left behind (SQLite: a checkpoint can reset the whole log); on PostgreSQL
    // a transaction left open would hold a pooled connection, which close() then waits for.
    const sqlite = service.database.sqlite;
    if (sqlite) {
      const [result] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as Array<{ busy: number }>;
      expect(result.busy).toBe(0);
    }
  });

  // By total the snapshot is read in pages on the index, by a dimension as one streamed query.
  it.each(["total", "fit"])(
    "exports one snapshot sorted by %s: a contact that jumps ahead of the cursor mid-export is listed once, as it was",
    async (sort) => {
      const service = svc.server.service;
      const ranked = new RankedScores(service.db, service.database.dialect, service.models);
      const plan = await ranked.plan({ sort, disqualified: "any" });
      const before = (await ranked.page(plan, { limit: 10_000 })).items.map((item) => item.contactId);
      // The last contact of the list gets the best value after the first page is read: a live
      // cursor, already past the top, would never meet it again.
      const jumper = before[before.length - 1];
      const row = await service.db
        .selectFrom("scores")
        .select(["total", "dimensions"])
        .where("contact_id", "=", jumper)
        .where("model_key", "=", "b2b")
        .executeTakeFirstOrThrow();
      const jumped =
        sort === "total"
          ? { total: 1_000_000 }
          : { dimensions: JSON.stringify({ ...JSON.parse(row.dimensions), [sort]: 1_000_000 }) };
      const exported: string[] = [];
      try {
        for await (const items of ranked.snapshotPages(service.database, plan, 7)) {
          if (exported.length === 0)
            await service.db
              .updateTable("scores")
              .set(jumped)
              .where("contact_id", "=", jumper)
              .where("model_key", "=", "b2b")
              .execute();
          exported.push(...items.map((item) => item.contactId));
        }
        expect(exported).toEqual(before);
        // The change was real: read now, the list starts with it.
        const live: string[] = [];
        for await (const items of ranked.pages(plan, 7)) live.push(...items.map((item) => item.contactId));
        expect(live[0]).toBe(jumper);
      } finally {
        await service.db
          .updateTable("scores")
          .set({ total: row.total, dimensions: row.dimensions })
          .where("contact_id", "=", jumper)
          .where("model_key", "=", "b2b")
          .execute();
      }
    },
  );
});

describe.each(BACKENDS)("ranked scores with several models on %s", (backend) => {
  let svc: TestService;

  beforeAll(async () => {
    svc = await startTestService(backend);
    const source = await readTemplate("b2b");
    const none = await svc.call("GET", "/v1/scores", undefined, svc.readKey);
    expect(none.status).toBe(404);
    for (const key of ["b2b", "second"]) {
      expect((await svc.call("POST", `/v1/models/${key}/versions`, source)).status).toBe(201);
      expect((await svc.call("POST", `/v1/models/${key}/versions/1/publish`)).status).toBe(202);
    }
    await svc.server.service.publishing.idle();
    const contact = await svc.call("POST", "/v1/contacts", {
      id: "solo",
      email: "solo@example.com",
      properties: { jobTitle: "CTO" },
    });
    expect(contact.status).toBe(200);
  });
  afterAll(async () => svc?.close());

  it("asks which model when several are published, and lists each one's scores", async () => {
    const ambiguous = await svc.call("GET", "/v1/scores", undefined, svc.readKey);
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.issues[0].field).toBe("query.model");
    expect(ambiguous.body.error.message).toContain("b2b, second");
    const ambiguousExport = await svc.call("GET", "/v1/scores/export", undefined, svc.readKey);
    expect(ambiguousExport.status).toBe(400);
    const second = await svc.call("GET", "/v1/scores?model=second", undefined, svc.readKey);
    expect(second.status).toBe(200);
    expect(second.body.model).toEqual({ key: "second", version: 1 });
    expect(second.body.items.map((item: StoredScore) => item.contactId)).toEqual(["solo"]);
    // A cursor of one model does not continue another's list.
    const other = await svc.call("GET", "/v1/scores?model=b2b&limit=1", undefined, svc.readKey);
    expect(other.body.next).toBeNull();
    const forged = Buffer.from(
      JSON.stringify({ m: "second", s: "total", o: "desc", v: 1, id: "solo" }),
    ).toString("base64url");
    const crossed = await svc.call("GET", `/v1/scores?model=b2b&cursor=${forged}`, undefined, svc.readKey);
    expect(crossed.status).toBe(400);
    expect(crossed.body.error.issues[0].field).toBe("query.cursor");
  });
});
