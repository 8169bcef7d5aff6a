/** `leadscore score` on the shapes real files come in: JSONL, Excel-style CSV, CRM exports. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Workspace } from "./helpers/cli.js";
import { AS_OF, COMPANIES, CONTACTS, EVENTS, EXPECTED, MODEL } from "./helpers/score-fixtures.js";

let ws: Workspace;

beforeAll(async () => {
  ws = await Workspace.create();
  await ws.write("model.yaml", MODEL);
  await ws.write("contacts.csv", CONTACTS);
  await ws.write("companies.csv", COMPANIES);
  await ws.write("events.csv", EVENTS);
});
afterAll(() => ws.remove());

/** The CSV fixture as JSONL objects, empty cells left out. */
function toJsonl(csv: string): string {
  const [header, ...lines] = csv.trim().split("\n");
  const names = header.split(",");
  return lines
    .map((line) => {
      const cells = line.split(",");
      return JSON.stringify(
        Object.fromEntries(names.map((n, i) => [n, cells[i]]).filter(([, v]) => v !== "")),
      );
    })
    .join("\n");
}

async function totals(name: string): Promise<Record<string, number>> {
  const rows = await ws.readCsv(name);
  return Object.fromEntries(rows.map((row) => [row.id, Number(row.total)]));
}

const EXPECTED_TOTALS = Object.fromEntries(Object.entries(EXPECTED).map(([id, [total]]) => [id, total]));

describe("input and output formats", () => {
  it("reads JSONL contacts and events (properties flat or nested) and writes JSONL", async () => {
    await ws.write("contacts.jsonl", `${toJsonl(CONTACTS)}\n`);
    const events = toJsonl(EVENTS)
      .split("\n")
      .map((line) => {
        const { url, ...rest } = JSON.parse(line);
        return JSON.stringify(url ? { ...rest, properties: { url } } : rest);
      });
    await ws.write("events.ndjson", `${events.join("\n")}\n\n`);
    const run = await ws.run(
      "score",
      ...["--model", "model.yaml", "--contacts", "contacts.jsonl", "--events", "events.ndjson"],
      ...["--companies", "companies.csv", "--as-of", AS_OF, "--out", "scored.jsonl", "--ledger"],
    );
    expect(run.code).toBe(0);
    const rows = await ws.readJsonl("scored.jsonl");
    expect(Object.fromEntries(rows.map((r) => [r.id, r.total]))).toEqual(EXPECTED_TOTALS);
    expect(rows[2].disqualifications).toEqual(["unsubscribed"]);
    expect(Array.isArray(rows[0].ledger)).toBe(true);
    // JSONL has no header line: the sixth event is on line 6.
    expect(run.stderr).toContain("events.ndjson:6: bad timestamp");
  });

  it("reads a semicolon-separated CSV with a byte-order mark, quotes and CRLF line ends", async () => {
    const excel = CONTACTS.trim()
      .split("\n")
      .map((line) =>
        line
          .split(",")
          .map((cell) => `"${cell}"`)
          .join(";"),
      )
      .join("\r\n");
    await ws.write(
      "excel.csv",
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${excel}\r\n`)]),
    );
    const run = await ws.run(
      "score",
      ...["--model", "model.yaml", "--contacts", "excel.csv", "--events", "events.csv"],
      ...["--companies", "companies.csv", "--as-of", AS_OF, "--out", "excel-out.csv"],
    );
    expect(run.stdout).toContain("contacts: excel.csv (CSV, semicolon-separated)");
    expect(await totals("excel-out.csv")).toEqual(EXPECTED_TOTALS);
    expect(run.stderr).toContain("excel.csv:5: duplicate contact id");
  });

  it("reads decimal commas in the numeric fields of a semicolon-separated file", async () => {
    await ws.write(
      "budget.yaml",
      "name: b\nversion: 1\ndimensions:\n  - id: fit\n    rules:\n      - { id: budget, when: { field: budget, gte: 2.5 }, points: 10 }\n",
    );
    await ws.write("semi.csv", "id;budget;city\nb1;2,5;Paris, France\nb2;2,4;Lyon\n");
    await ws.write("comma.csv", 'id,budget\nb1,"2,5"\n');
    const run = (contacts: string, out: string) =>
      ws.run("score", "--model", "budget.yaml", "--contacts", contacts, "--keep-columns", "--out", out);
    await run("semi.csv", "semi-out.csv");
    const rows = await ws.readCsv("semi-out.csv");
    expect(rows.map((r) => [r.id, Number(r.total), r.city])).toEqual([
      ["b1", 10, "Paris, France"],
      ["b2", 0, "Lyon"],
    ]);
    // In a comma-separated file "2,5" is not a number: better no points than a wrong guess.
    await run("comma.csv", "comma-out.csv");
    expect(await totals("comma-out.csv")).toEqual({ b1: 0 });
  });

  it("numbers the lines of records whose quoted fields span several lines", async () => {
    await ws.write("multi.csv", 'id,jobTitle\nm1,"VP\nSales"\n\nm2,Intern\n,"no id"\n');
    const run = await ws.run("score", "--model", "model.yaml", "--contacts", "multi.csv", "--out", "m.csv");
    expect(run.stderr).toContain("multi.csv:6: missing contact id");
    expect(await totals("m.csv")).toEqual({ m1: 20, m2: 0 });
  });

  it("maps the headers of a HubSpot contacts and companies export", async () => {
    await ws.write(
      "hubspot-contacts.csv",
      [
        '"Record ID","First Name","Last Name","Email","Job Title","Associated Company ID","Opted out"',
        '"101","Ada","Lovelace","ada@acme.io","VP Engineering","9001","false"',
        '"102","Bob","Smith","bob@tiny.io","Intern","9002","true"',
      ].join("\n"),
    );
    await ws.write(
      "hubspot-companies.csv",
      "Record ID,Company name,Company Domain Name,Number of Employees\n9001,Acme,acme.io,500\n9002,Tiny,tiny.io,2\n",
    );
    const run = await ws.run(
      "score",
      ...[
        "--model",
        "model.yaml",
        "--contacts",
        "hubspot-contacts.csv",
        "--companies",
        "hubspot-companies.csv",
      ],
      ...["--map", "unsubscribed=Opted out", "--as-of", AS_OF, "--out", "hubspot-out.csv"],
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("HubSpot contacts mapping: Record ID→id");
    expect(run.stdout).toContain("Job Title→jobTitle");
    expect(run.stdout).toContain("HubSpot companies mapping: Record ID→id, Company name→name");
    const rows = await ws.readCsv("hubspot-out.csv");
    expect(rows.map((r) => [r.id, Number(r.total), r.disqualifications])).toEqual([
      ["101", 30, ""],
      ["102", 0, "unsubscribed"],
    ]);
  });

  it("maps Salesforce lead headers, company fields included, and an explicit id column", async () => {
    await ws.write(
      "salesforce-leads.csv",
      [
        "Lead ID,FirstName,LastName,Email,Title,Company,NumberOfEmployees,Status,LeadSource",
        "00Q1,Grace,Hopper,grace@navy.mil,Director of Research,US Navy,1000,Open,Web",
        "00Q2,Alan,Turing,alan@small.uk,Analyst,Small Ltd,4,Working,Referral",
      ].join("\n"),
    );
    const run = await ws.run(
      "score",
      ...["--model", "model.yaml", "--contacts", "salesforce-leads.csv", "--id-column", "Lead ID"],
      ...["--as-of", AS_OF, "--out", "sf-out.csv"],
    );
    expect(run.stdout).toContain("Salesforce leads/contacts mapping:");
    expect(run.stdout).toContain("Title→jobTitle");
    expect(run.stdout).toContain("NumberOfEmployees→company.employees");
    expect(await totals("sf-out.csv")).toEqual({ "00Q1": 30, "00Q2": 0 });
  });

  it("says how to name the id column when the file has none", async () => {
    await ws.write("no-id.csv", "Prospect,jobTitle\np1,VP\n");
    const run = await ws.run("score", "--model", "model.yaml", "--contacts", "no-id.csv", "--out", "x.csv");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "no contact id column (columns: Prospect, jobTitle); name it with --id-column",
    );
  });
});
