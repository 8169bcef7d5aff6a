import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../src/demo/generator.js";
import { COMPANY_FIELDS, CONTACT_FIELDS, EVENT_FIELDS, OUTCOME_FIELDS } from "../src/demo/types.js";
import { Workspace } from "./helpers/cli.js";
import { contactProblems } from "./helpers/demo.js";

let ws: Workspace;
let dir: string;

const leadscore = (...args: string[]) => ws.run(...args);

function readCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const header = text.slice(0, text.indexOf("\n")).split(",");
  return { header, rows: parse(text, { columns: true }) };
}

async function readOutput(out: string, name: string, format = "csv"): Promise<string> {
  return readFile(join(dir, out, `${name}.${format}`), "utf8");
}

beforeAll(async () => {
  ws = await Workspace.create("leadscore-demo-");
  dir = ws.dir;
});

afterAll(() => ws.remove());

describe("leadscore demo", () => {
  it("writes four parseable CSV files with the documented headers and a summary", async () => {
    const run = await leadscore("demo", "--out", "a", "--contacts", "300", "--seed", "7");
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/contacts\.csv\s+300 contacts/);
    expect(run.stdout).toMatch(/outcomes\.csv\s+\d+ converters \(\d+\.\d%\)/);
    const companies = readCsv(await readOutput("a", "companies"));
    const contacts = readCsv(await readOutput("a", "contacts"));
    const events = readCsv(await readOutput("a", "events"));
    const outcomes = readCsv(await readOutput("a", "outcomes"));
    expect(companies.header).toEqual([...COMPANY_FIELDS]);
    expect(contacts.header).toEqual([...CONTACT_FIELDS]);
    expect(events.header).toEqual([...EVENT_FIELDS]);
    expect(outcomes.header).toEqual([...OUTCOME_FIELDS]);
    expect(companies.rows).toHaveLength(60);
    expect(contacts.rows).toHaveLength(300);
    expect(outcomes.rows.map((row) => row.contactId)).toEqual(contacts.rows.map((row) => row.id));
    expect(new Set(contacts.rows.map((row) => row.unsubscribed))).toEqual(new Set(["true", "false"]));
    const converters = outcomes.rows.filter((row) => row.convertedAt !== "").length;
    expect(run.stdout).toContain(`${converters} converters`);
    expect(run.stdout).toContain(`${events.rows.length.toLocaleString("en-US")} events`);
  });

  it("groups events by contact in contact order, sorted by time within each contact", async () => {
    const events = readCsv(await readOutput("a", "events")).rows;
    const contactOrder = [...new Set(events.map((row) => row.contactId))];
    expect(contactOrder).toEqual([...contactOrder].sort());
    const runs = events.filter((row, i) => i === 0 || row.contactId !== events[i - 1].contactId).length;
    expect(runs).toBe(contactOrder.length); // each contact's events are contiguous
    for (let i = 1; i < events.length; i++) {
      if (events[i].contactId === events[i - 1].contactId) {
        expect(events[i].timestamp >= events[i - 1].timestamp).toBe(true);
      }
    }
  });

  it("writes the same files for the same seed and different ones for another seed", async () => {
    await leadscore("demo", "--out", "b", "--contacts", "300", "--seed", "7");
    await leadscore("demo", "--out", "c", "--contacts", "300", "--seed", "8");
    for (const name of ["companies", "contacts", "events", "outcomes"]) {
      expect(await readOutput("b", name)).toBe(await readOutput("a", name));
    }
    expect(await readOutput("c", "events")).not.toBe(await readOutput("a", "events"));
  });

  it("writes JSONL with the same records, absent fields left out", async () => {
    const run = await leadscore(
      "demo",
      "--out",
      "j",
      "--contacts",
      "300",
      "--seed",
      "7",
      "--format",
      "jsonl",
    );
    expect(run.code).toBe(0);
    const lines = (name: string) =>
      readOutput("j", name, "jsonl").then((text) =>
        text
          .trimEnd()
          .split("\n")
          .map((line) => JSON.parse(line)),
      );
    const contacts = await lines("contacts");
    const events = await lines("events");
    expect(contacts).toHaveLength(300);
    expect(events.length).toBe(readCsv(await readOutput("a", "events")).rows.length);
    expect(events[0]).not.toHaveProperty("form_id");
    for (const contact of contacts) {
      const own = events.filter((event) => event.contactId === contact.id);
      const filled = own.map((event) => ({
        ...Object.fromEntries(EVENT_FIELDS.map((f) => [f, undefined])),
        ...event,
      }));
      expect(contactProblems(contact, filled, "2026-05-01T00:00:00Z", "2026-11-01T00:00:00Z")).toEqual([]);
    }
  });

  it("refuses bad options with a message and exit code 2", async () => {
    for (const [args, message] of [
      [["--contacts", "0"], "--contacts must be a positive integer"],
      [["--contacts", "12abc"], "--contacts must be a positive integer"],
      [["--seed", "1.5"], "--seed must be an integer"],
      [["--format", "xml"], "--format must be csv or jsonl"],
      [["--months", "-3"], "--months must be a positive integer"],
      [["--end-date", "tomorrow"], "--end-date must be an ISO 8601 date"],
    ] as const) {
      const run = await leadscore("demo", "--out", "bad", ...args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect((await leadscore("demo")).stderr).toContain("required option '-o, --out <dir>'");
  });

  it("says so when it cannot create the output directory", async () => {
    await writeFile(join(dir, "a-file"), "not a directory");
    const run = await leadscore("demo", "--out", "a-file/demo", "--contacts", "5");
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("cannot create --out directory a-file/demo");
  });

  it("writes what the library generates", async () => {
    const dataSet = generateDemo({ seed: 7, contacts: 300 });
    const contacts = readCsv(await readOutput("a", "contacts")).rows;
    const first = dataSet.contacts().next().value!;
    expect(contacts[0]).toEqual(
      Object.fromEntries(
        CONTACT_FIELDS.map((field) => [field, first[field] === undefined ? "" : String(first[field])]),
      ),
    );
    const [{ events }] = dataSet.contactsWithEvents();
    const rows = readCsv(await readOutput("a", "events")).rows.slice(0, events.length);
    expect(rows.map((row) => row.id)).toEqual(events.map((event) => event.id));
    expect(rows.map((row) => row.timestamp)).toEqual(events.map((event) => event.timestamp));
  });

  it("shows an example in its help", async () => {
    const run = await leadscore("demo", "--help");
    expect(run.stdout).toContain("$ leadscore demo --out demo");
    expect(run.stdout).toContain("--format <format>");
  });
});
