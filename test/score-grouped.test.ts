/** --grouped (both files streamed in lockstep) must score exactly as the default mode. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, Workspace } from "./helpers/cli.js";

let ws: Workspace;
const MODEL = join(ROOT, "src/model/templates/b2b.yaml");
const AS_OF = "2026-11-01T00:00:00Z";

beforeAll(async () => {
  ws = await Workspace.create();
  const demo = await ws.run("demo", "--out", "demo", "--contacts", "300", "--seed", "11");
  expect(demo.code).toBe(0);
});
afterAll(() => ws.remove());

function score(out: string, ...extra: string[]) {
  return ws.run(
    "score",
    ...["--model", MODEL, "--contacts", "demo/contacts.csv", "--events", "demo/events.csv"],
    ...["--companies", "demo/companies.csv", "--as-of", AS_OF, "--out", out, ...extra],
  );
}

describe("leadscore score --grouped", () => {
  it("writes the same file as the default mode on demo data, ledgers included", async () => {
    const indexed = await score("indexed.csv", "--ledger");
    const grouped = await score("grouped.csv", "--ledger", "--grouped");
    expect([indexed.code, grouped.code]).toEqual([0, 0]);
    const [a, b] = await Promise.all([ws.read("indexed.csv"), ws.read("grouped.csv")]);
    expect(a.split("\n").length).toBe(302);
    expect(b).toBe(a);
    const eventsLine = (text: string) => text.split("\n").find((line) => line.startsWith("events:"));
    expect(eventsLine(grouped.stdout)).toBe(eventsLine(indexed.stdout));
  });

  it("fails naming the line when the events are not in the contacts' order", async () => {
    const lines = (await readFile(ws.path("demo/events.csv"), "utf8")).trim().split("\n");
    const [header, ...events] = lines;
    // Move the first contact's events to the end: they now come after every contact row.
    const first = events[0].split(",")[1];
    const shuffled = [
      ...events.filter((e) => e.split(",")[1] !== first),
      ...events.filter((e) => e.split(",")[1] === first),
    ];
    await ws.write("shuffled.csv", `${[header, ...shuffled].join("\n")}\n`);
    const moved = events.length - events.filter((e) => e.split(",")[1] === first).length + 2;
    const run = await ws.run(
      "score",
      ...["--model", MODEL, "--contacts", "demo/contacts.csv", "--events", "shuffled.csv", "--grouped"],
      ...["--as-of", AS_OF, "--out", "never.csv"],
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`shuffled.csv:${moved}: with --grouped, events must be grouped by contact`);
    expect(run.stderr).toContain(`contact "${first}"`);
    await expect(ws.read("never.csv")).rejects.toThrow();
  });
});
