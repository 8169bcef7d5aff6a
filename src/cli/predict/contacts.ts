/**
 * The contacts path of `leadscore train` / `predict`: contacts, their companies and events
 * (the files `leadscore demo` writes, or any with the same columns: contacts with id, companyId
 * and convertedAt; events with id, contactId, type, timestamp and property columns) read into
 * contact histories, then features as of snapshot dates (src/predict/features.ts: nothing
 * after a snapshot leaks into its row; the label is "converted within the horizon after it").
 */
import { readFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";
import { compileModel, type Evaluator } from "../../engine/index.js";
import type { ContactHistory, HistoryEvent } from "../../predict/features.js";
import { UserError } from "../errors.js";
import { loadModelForCommand } from "../model-file.js";
import { asUserError } from "./files.js";

type Row = Record<string, string>;

async function readRows(path: string, required: readonly string[]): Promise<Row[]> {
  const text = await asUserError(path, () => readFile(path, "utf8"));
  const rows: Row[] = parse(text, { columns: true, bom: true, skip_empty_lines: true });
  const header = rows.length > 0 ? Object.keys(rows[0]) : [];
  const absent = required.filter((name) => !header.includes(name));
  if (rows.length > 0 && absent.length > 0)
    throw new UserError(`${path}: missing column${absent.length > 1 ? "s" : ""} ${absent.join(", ")}`);
  return rows;
}

function timeOf(path: string, text: string, what: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UserError(`${path}: ${what} "${text}" is not an ISO 8601 date`);
  return ms;
}

/** Event property cells: numbers as numbers (aggregates sum them), empty cells left out. */
function eventProperties(row: Row): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === "id" || key === "contactId" || key === "type" || key === "timestamp" || value === "")
      continue;
    properties[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  }
  return properties;
}

export async function readHistories(files: {
  contacts: string;
  events: string;
  companies?: string;
}): Promise<ContactHistory[]> {
  const contacts = await readRows(files.contacts, ["id"]);
  const companies = new Map<string, Row>();
  if (files.companies) for (const row of await readRows(files.companies, ["id"])) companies.set(row.id, row);
  const events = new Map<string, HistoryEvent[]>();
  for (const row of await readRows(files.events, ["contactId", "type", "timestamp"])) {
    const list = events.get(row.contactId) ?? [];
    list.push({
      id: row.id,
      type: row.type,
      timeMs: timeOf(files.events, row.timestamp, "timestamp"),
      properties: eventProperties(row),
    });
    events.set(row.contactId, list);
  }
  return contacts.map((row): ContactHistory => {
    const history: ContactHistory = {
      id: row.id,
      properties: { ...row },
      events: events.get(row.id) ?? [],
      convertedAtMs: row.convertedAt ? timeOf(files.contacts, row.convertedAt, "convertedAt") : undefined,
    };
    const company = row.companyId ? companies.get(row.companyId) : undefined;
    if (company) history.company = { ...company };
    return history;
  });
}

/** "2026-06-01,2026-07-01" → UTC ms. */
export function snapshotDates(text: string | undefined): number[] {
  if (!text)
    throw new UserError("--contacts needs --snapshots <dates>: the dates features are computed as of");
  return text.split(",").map((date) => {
    const ms = Date.parse(date.trim());
    if (Number.isNaN(ms)) throw new UserError(`--snapshots: "${date}" is not an ISO 8601 date`);
    return ms;
  });
}

/** The rule model of --rules, compiled: on the contacts path its scores become features. */
export async function ruleEvaluator(path: string | undefined): Promise<Evaluator | undefined> {
  return path === undefined ? undefined : compileModel(await loadModelForCommand(path));
}
