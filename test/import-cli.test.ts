/**
 * `leadscore import`, run as the built binary on demo files: directly into a fresh database
 * (SQLite, and a PostgreSQL schema when TEST_DATABASE_URL is set) and over HTTP against a real
 * service on 127.0.0.1. Counts are read back from the database itself.
 */
import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTemplate } from "../src/model/template-files.js";
import { loadConfig, type ServiceConfig } from "../src/service/config.js";
import { ScoringService } from "../src/service/service.js";
import { type Database, openDatabase } from "../src/store/database.js";
import { ROOT, type Run, Workspace } from "./helpers/cli.js";
import {
  BACKENDS,
  type Backend,
  freshDatabase,
  startTestService,
  type TestService,
} from "./helpers/service.js";

const BIN = join(ROOT, "bin", "leadscore.js");
const END_DATE = "2026-06-01T00:00:00Z";
const CONTACTS = 300;

/** The environment without any database or service settings of the machine running the tests. */
const BASE_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !/^(DATABASE_URL|DATABASE_SCHEMA|LEADSCORE_|PORT$|HOST$|LOG_LEVEL$)/.test(name),
  ),
);

let ws: Workspace;

async function leadscore(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)("node", [BIN, ...args], {
      cwd: ws.dir,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...BASE_ENV, NO_COLOR: "1", ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** Data rows of a demo file (CSV header or blank last line left out). */
async function rowCount(name: string): Promise<number> {
  const lines = (await ws.read(name)).split("\n").filter((line) => line.trim() !== "");
  return name.endsWith(".csv") ? lines.length - 1 : lines.length;
}

async function count(db: Database["db"], table: "companies" | "contacts" | "events" | "scores") {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** An events file of the demo's columns; `rows` are its data lines. */
function eventsFile(rows: string[]): string {
  return ["id,contactId,type,timestamp,url,campaign", ...rows, ""].join("\n");
}

let demoCounts: { companies: number; contacts: number; events: number };

beforeAll(async () => {
  ws = await Workspace.create("leadscore-import-");
  for (const format of ["csv", "jsonl"]) {
    const demo = await leadscore([
      "demo",
      "--out",
      `demo-${format}`,
      "--contacts",
      String(CONTACTS),
      "--seed",
      "7",
      "--end-date",
      END_DATE,
      "--format",
      format,
    ]);
    expect(demo.code, demo.stderr).toBe(0);
  }
  demoCounts = {
    companies: await rowCount("demo-csv/companies.csv"),
    contacts: await rowCount("demo-csv/contacts.csv"),
    events: await rowCount("demo-csv/events.csv"),
  };
  expect(demoCounts.contacts).toBe(CONTACTS);
  expect(await rowCount("demo-jsonl/events.jsonl")).toBe(demoCounts.events);
});

afterAll(() => ws?.remove());

const demoFiles = (format: "csv" | "jsonl") =>
  ["companies", "contacts", "events"].flatMap((kind) => [`--${kind}`, `demo-${format}/${kind}.${format}`]);

/** Uploads and publishes the b2b template, as `POST .../publish` does, and waits for its job. */
async function publishB2b(service: ScoringService): Promise<void> {
  const version = await service.publishing.upload("b2b", await readTemplate("b2b"));
  await service.publishing.publish(version.key, version.version);
  await service.publishing.idle();
}

describe.each(BACKENDS)("leadscore import --direct on %s", (backend: Backend) => {
  let database: ReturnType<typeof freshDatabase>;
  let config: ServiceConfig;
  let db: Database;
  /** How the binary finds this database: --data-dir, or DATABASE_URL and DATABASE_SCHEMA. */
  let where: { args: string[]; env: NodeJS.ProcessEnv };

  beforeAll(async () => {
    database = freshDatabase(backend);
    config = loadConfig({ env: {}, overrides: { ...database.settings, logLevel: "silent" } });
    const service = await ScoringService.open(config, pino({ level: "silent" }));
    await publishB2b(service);
    await service.close();
    where =
      backend === "sqlite"
        ? { args: ["--direct", "--data-dir", config.dataDir], env: {} }
        : {
            args: ["--direct"],
            env: { DATABASE_URL: config.databaseUrl, DATABASE_SCHEMA: config.databaseSchema },
          };
    db = await openDatabase(config);
  });

  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("imports companies, contacts and events, and every contact has a score under the published model", async () => {
    const run = await leadscore(["import", ...demoFiles("csv"), ...where.args], where.env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(backend === "sqlite" ? "into SQLite" : "into PostgreSQL");
    const events = demoCounts.events.toLocaleString("en-US");
    expect(run.stdout).toMatch(new RegExp(`events +${events} read, ${events} stored, 0 duplicates`));
    expect(run.stdout).toMatch(/total .* rows read, .* in [\d.]+ s \([\d,]+ rows\/s\)/);
    // stderr is a pipe here: no progress bar unless asked for.
    expect(run.stderr).not.toContain("import events [");
    expect(await count(db.db, "companies")).toBe(demoCounts.companies);
    expect(await count(db.db, "contacts")).toBe(demoCounts.contacts);
    expect(await count(db.db, "events")).toBe(demoCounts.events);
    const scored = await db.db
      .selectFrom("scores")
      .select("contact_id")
      .where("model_key", "=", "b2b")
      .where("model_version", "=", 1)
      .execute();
    expect(scored.length).toBe(demoCounts.contacts);
    // Columns become properties; id, email and companyId are the contact's own fields.
    const first = (await ws.readCsv("demo-csv/contacts.csv"))[0];
    const stored = await db.db
      .selectFrom("contacts")
      .selectAll()
      .where("id", "=", first.id)
      .executeTakeFirstOrThrow();
    expect(stored.email).toBe(first.email.toLowerCase());
    expect(stored.company_id).toBe(first.companyId);
    const properties = JSON.parse(stored.properties);
    expect(properties).toMatchObject({ jobTitle: first.jobTitle, country: first.country });
    expect(properties).not.toHaveProperty("id");
    expect(properties).not.toHaveProperty("email");
  });

  it("stores nothing new when the same events file is imported again, and says they are duplicates", async () => {
    const before = await count(db.db, "events");
    const run = await leadscore(
      ["import", "--events", "demo-csv/events.csv", "--progress", ...where.args],
      where.env,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/import events \[.*\] 100% \| [\d,]+ rows/);
    const events = demoCounts.events.toLocaleString("en-US");
    expect(run.stdout).toMatch(new RegExp(`events +${events} read, 0 stored, ${events} duplicates`));
    expect(await count(db.db, "events")).toBe(before);
  });

  it("skips bad rows, naming file:line and field, imports the others and exits 2", async () => {
    await ws.write(
      `bad-${backend}.csv`,
      eventsFile([
        "bad1,c000001,page_view,2026-05-20T10:00:00Z,/pricing,",
        "bad2,c000001,page_view,last tuesday,/pricing,",
        "bad3,c000002,,2026-05-20T10:00:00Z,/docs,",
        "bad4,c000002,page_view,2026-05-21T10:00:00Z,/docs,",
      ]),
    );
    const before = await count(db.db, "events");
    const run = await leadscore(
      ["import", "--events", `bad-${backend}.csv`, "--errors", `bad-${backend}-errors.csv`, ...where.args],
      where.env,
    );
    expect(run.code).toBe(2);
    expect(await ws.readCsv(`bad-${backend}-errors.csv`)).toEqual([
      expect.objectContaining({ file: `bad-${backend}.csv`, line: "3", field: "timestamp" }),
      { file: `bad-${backend}.csv`, line: "4", field: "type", message: "missing" },
    ]);
    expect(run.stderr).toContain(`bad-${backend}.csv:3: timestamp: not a date-time`);
    expect(run.stderr).toContain('"last tuesday"');
    expect(run.stderr).toContain(`bad-${backend}.csv:4: type: missing`);
    expect(run.stdout).toMatch(/events +4 read, 2 stored, 0 duplicates \(already known\), 2 skipped/);
    expect(await count(db.db, "events")).toBe(before + 2);
  });

  it("--strict stops at the first bad row without writing anything of its batch", async () => {
    await ws.write(
      `strict-${backend}.csv`,
      eventsFile([
        "s1,c000003,page_view,2026-05-20T10:00:00Z,/a,",
        "s2,c000003,page_view,2026-05-20T10:01:00Z,/b,",
        "s3,c000003,page_view,2026-05-20T10:02:00Z,/c,",
        "s4,c000003,page_view,not a date,/d,",
        "s5,c000003,page_view,2026-05-20T10:04:00Z,/e,",
      ]),
    );
    const before = await count(db.db, "events");
    const run = await leadscore(
      ["import", "--events", `strict-${backend}.csv`, "--strict", "--batch-size", "2", ...where.args],
      where.env,
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`strict-${backend}.csv:5: timestamp`);
    expect(run.stdout).toContain(`stopped by --strict at strict-${backend}.csv:5`);
    // s1 and s2 were a batch of their own; s3 shares the bad row's batch; s5 comes after.
    const ids = await db.db.selectFrom("events").select("event_id").where("event_id", "like", "s_").execute();
    expect(ids.map((row) => row.event_id).sort()).toEqual(["s1", "s2"]);
    expect(await count(db.db, "events")).toBe(before + 2);
  });
});

describe.each(BACKENDS)("leadscore import over HTTP on %s", (backend: Backend) => {
  let svc: TestService;
  const asKey = (key: string) => ({ LEADSCORE_API_KEY: key });

  beforeAll(async () => {
    svc = await startTestService(backend);
    await publishB2b(svc.server.service);
  });
  afterAll(async () => svc?.close());

  const db = () => svc.server.service.db;

  it("imports JSONL files, and the service's scores equal those of `leadscore score` on the same data", async () => {
    const run = await leadscore(["import", ...demoFiles("jsonl"), "--url", svc.url], asKey(svc.writeKey));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`importing into ${svc.url} (HTTP`);
    expect(run.stdout).not.toContain(svc.writeKey);
    expect(run.stderr).not.toContain(svc.writeKey);
    expect(await count(db(), "companies")).toBe(demoCounts.companies);
    expect(await count(db(), "contacts")).toBe(demoCounts.contacts);
    expect(await count(db(), "events")).toBe(demoCounts.events);
    const scored = await db()
      .selectFrom("scores")
      .select("contact_id")
      .where("model_key", "=", "b2b")
      .execute();
    expect(scored.length).toBe(demoCounts.contacts);

    const batch = await leadscore([
      "score",
      "--model",
      join(ROOT, "src/model/templates/b2b.yaml"),
      ...["--contacts", "demo-csv/contacts.csv", "--events", "demo-csv/events.csv"],
      ...["--companies", "demo-csv/companies.csv", "--as-of", END_DATE, "--out", "batch-scores.csv"],
    ]);
    expect(batch.code, batch.stderr).toBe(0);
    const expected = await ws.readCsv("batch-scores.csv");
    for (const row of expected.slice(0, 40)) {
      const answer = await svc.call("GET", `/v1/contacts/${row.id}/score?model=b2b&asOf=${END_DATE}`);
      expect(answer.status, answer.text).toBe(200);
      expect({ id: row.id, total: answer.body.scores[0].total }).toEqual({
        id: row.id,
        total: Number(row.total),
      });
    }
  });

  it("stores nothing new when the events are imported again", async () => {
    const before = await count(db(), "events");
    const run = await leadscore(
      ["import", "--events", "demo-jsonl/events.jsonl", "--url", svc.url, "--batch-size", "5000"],
      asKey(svc.writeKey),
    );
    expect(run.code, run.stderr).toBe(0);
    const events = demoCounts.events.toLocaleString("en-US");
    expect(run.stdout).toMatch(new RegExp(`events +${events} read, 0 stored, ${events} duplicates`));
    expect(await count(db(), "events")).toBe(before);
  });

  it("reports a bad row with file:line and field and exits 2", async () => {
    await ws.write(
      "http-bad.jsonl",
      [
        JSON.stringify({
          id: "h1",
          contactId: "c000010",
          type: "page_view",
          timestamp: "2026-05-02T08:00:00Z",
        }),
        JSON.stringify({
          id: "h2",
          contactId: "c000010",
          type: "page_view",
          timestamp: "2026-05-02T08:00:00Z",
          email: "not-an-email",
        }),
        "{not json",
        JSON.stringify({ id: "h4", contactId: "c000010", type: "page_view", timestamp: 1777708800000 }),
        "",
      ].join("\n"),
    );
    const before = await count(db(), "events");
    const run = await leadscore(
      ["import", "--events", "http-bad.jsonl", "--url", svc.url],
      asKey(svc.writeKey),
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("http-bad.jsonl:2: email: ");
    expect(run.stderr).toContain("http-bad.jsonl:3: (row): the row is not valid JSON");
    expect(run.stdout).toMatch(/events +4 read, 2 stored, 0 duplicates \(already known\), 2 skipped/);
    expect(await count(db(), "events")).toBe(before + 2);
  });

  it("keeps an email another contact already has with that contact, and imports the row without it", async () => {
    const owner = await svc.call("POST", "/v1/contacts", { id: "owner-1", email: "shared@example.com" });
    expect(owner.status).toBe(200);
    // Enough rows for several batches: the service refuses a batch with a conflict as a whole.
    const rows = ["id,email,jobTitle"];
    for (let i = 1; i <= 9; i++) rows.push(`x${i},x${i}@example.com,Engineer`);
    rows.push("x10,Shared@Example.com,CFO", "x11,x1@example.com,CTO", "");
    await ws.write("conflict.csv", rows.join("\n"));
    const run = await leadscore(
      ["import", "--contacts", "conflict.csv", "--url", svc.url, "--batch-size", "4"],
      asKey(svc.writeKey),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/contacts +11 read, 11 stored, 0 skipped, 2 without their email/);
    expect(run.stderr).toContain(
      "warning: conflict.csv:11: email: Shared@Example.com already belongs to another contact",
    );
    expect(run.stderr).toContain(
      "warning: conflict.csv:12: email: x1@example.com is already the email of line 2 (x1)",
    );
    const x10 = await svc.call("GET", "/v1/contacts/x10");
    expect(x10.body).toMatchObject({ id: "x10", email: null, properties: { jobTitle: "CFO" } });
    const shared = await svc.call("GET", "/v1/contacts?email=shared@example.com");
    expect(shared.body.id).toBe("owner-1");
  });

  it("tries again when the service answers 503, and every event is stored once", async () => {
    let refused = 0;
    // A real proxy in front of the service that refuses the first two event batches.
    const proxy: Server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      if (request.url === "/v1/events/batch" && refused < 2) {
        refused++;
        response.writeHead(503, { "content-type": "application/json" });
        response.end(JSON.stringify({ error: { code: "unavailable", message: "restarting" } }));
        return;
      }
      const answer = await fetch(`${svc.url}${request.url}`, {
        method: request.method,
        headers: {
          "content-type": String(request.headers["content-type"]),
          authorization: String(request.headers.authorization),
        },
        body: Buffer.concat(chunks),
      });
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(await answer.text());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      await ws.write(
        "retry.csv",
        eventsFile([
          "r1,c000020,page_view,2026-05-20T10:00:00Z,/a,",
          "r2,c000020,email_open,2026-05-20T11:00:00Z,,spring",
          "r3,c000021,page_view,2026-05-20T12:00:00Z,/b,",
        ]),
      );
      const run = await leadscore(
        ["import", "--events", "retry.csv", "--url", url, "--batch-size", "2", "--concurrency", "1"],
        asKey(svc.writeKey),
      );
      expect(run.code, run.stderr).toBe(0);
      expect(refused).toBe(2);
      expect(run.stdout).toMatch(/events +3 read, 3 stored, 0 duplicates/);
      const stored = await db()
        .selectFrom("events")
        .select("event_id")
        .where("event_id", "like", "r_")
        .execute();
      expect(stored.map((row) => row.event_id).sort()).toEqual(["r1", "r2", "r3"]);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it("stops with exit code 1 when the key is refused, without printing the key", async () => {
    const run = await leadscore(["import", "--events", "retry.csv", "--url", svc.url], asKey(svc.readKey));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("refused the API key (403");
    expect(run.stderr + run.stdout).not.toContain(svc.readKey);
  });
});

describe("leadscore import options", () => {
  it("needs an API key for HTTP, and cannot mix --direct with --url", async () => {
    const noKey = await leadscore(["import", "--events", "demo-csv/events.csv"]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("LEADSCORE_API_KEY");
    const mixed = await leadscore([
      "import",
      "--events",
      "demo-csv/events.csv",
      "--direct",
      "--url",
      "http://x",
    ]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("--direct");
  });

  it("names a file's missing columns before importing anything", async () => {
    await ws.write("no-type.csv", "id,contactId,timestamp\ne1,c1,2026-05-01T00:00:00Z\n");
    const run = await leadscore([
      "import",
      "--events",
      "no-type.csv",
      "--direct",
      "--data-dir",
      ws.path("never"),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("no-type.csv: no event type column");
    expect(run.stderr).toContain("--map event.type=COLUMN");
  });

  it("reads a HubSpot export by its headers, and --map names other columns", async () => {
    await ws.write(
      "hubspot.csv",
      [
        "Record ID,First Name,Email,Job Title,Associated Company ID,Where From",
        "501,Ada,ADA@example.org,CTO,9001,webinar",
        "",
      ].join("\n"),
    );
    const dataDir = ws.path("hubspot-db");
    const run = await leadscore([
      ...["import", "--contacts", "hubspot.csv", "--map", "leadSource=Where From"],
      ...["--direct", "--data-dir", dataDir],
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("HubSpot contacts mapping: Record ID→id");
    const database = await openDatabase({ dataDir });
    try {
      const row = await database.db
        .selectFrom("contacts")
        .selectAll()
        .where("id", "=", "501")
        .executeTakeFirstOrThrow();
      expect({ email: row.email, companyId: row.company_id }).toEqual({
        email: "ada@example.org",
        companyId: "9001",
      });
      expect(JSON.parse(row.properties)).toEqual({
        firstName: "Ada",
        jobTitle: "CTO",
        leadSource: "webinar",
      });
    } finally {
      await database.close();
    }
  });

  it("documents the bad-row rule in --help", async () => {
    const help = await leadscore(["import", "--help"]);
    expect(help.stdout).toContain("A row with errors is skipped");
    expect(help.stdout).toContain("--strict");
    expect(help.stdout).toContain("Examples:");
  });
});
