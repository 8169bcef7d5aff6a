/**
 * Batch-scoring throughput of the evaluator: demo contacts and their events already in
 * memory, grouped by contact, scored with and without the ledger, against the hand-written
 * reference loop of the same model (bench/reference.ts), in the same process.
 */
import { readFileSync } from "node:fs";
import { generateDemo } from "../src/demo/generator.js";
import type { EventBatch } from "../src/engine/batch.js";
import { compileModel, type Evaluator } from "../src/engine/index.js";
import { parseModel } from "../src/model/parse.js";
import { ReferenceScorer } from "./reference.js";

type Props = Readonly<Record<string, unknown>>;

export interface Dataset {
  evaluator: Evaluator;
  contacts: Props[];
  /** Each contact's company, joined once when the data is loaded (as `leadscore score` does). */
  contactCompanies: (Props | undefined)[];
  batch: EventBatch;
  starts: Int32Array;
  asOfMs: number;
  events: number;
  buildSeconds: number;
}

export const BENCH_MODEL_PATH = new URL("../../bench/b2b-bench.yaml", import.meta.url);
const END_DATE = "2026-11-01T00:00:00Z";

export function loadBenchModel() {
  return parseModel(readFileSync(BENCH_MODEL_PATH, "utf8"), "bench/b2b-bench.yaml");
}

export function buildDataset(contactCount: number, eventsPerContact: number, seed = 7): Dataset {
  const started = performance.now();
  const evaluator = compileModel(loadBenchModel());
  const demo = generateDemo({ seed, contacts: contactCount, eventsPerContact, endDate: END_DATE });
  const companies = new Map<string, Props>();
  for (const company of demo.companies()) companies.set(company.id, company as unknown as Props);
  const builder = evaluator.newBatch({
    capacity: Math.ceil(contactCount * eventsPerContact * 1.2),
    keepIds: false,
  });
  const contacts: Props[] = [];
  const starts = new Int32Array(contactCount + 1);
  for (const { contact, events } of demo.contactsWithEvents()) {
    starts[contacts.length] = builder.size;
    contacts.push(contact as unknown as Props);
    for (const e of events) {
      const record = e as unknown as Props;
      builder.addWith(e.type, Date.parse(e.timestamp), (name) => record[name]);
    }
  }
  starts[contacts.length] = builder.size;
  const batch = builder.build();
  return {
    evaluator,
    contacts,
    contactCompanies: contacts.map((contact) => companies.get(String(contact.companyId ?? ""))),
    batch,
    starts,
    asOfMs: Date.parse(END_DATE),
    events: batch.size,
    buildSeconds: (performance.now() - started) / 1000,
  };
}

/** Seconds to score every contact with the engine. */
export function timeEngine(d: Dataset, ledger: boolean): { seconds: number; totals: Int32Array } {
  const totals = new Int32Array(d.contacts.length);
  const started = performance.now();
  for (let c = 0; c < d.contacts.length; c++) {
    const contact = d.contacts[c];
    const result = d.evaluator.evaluateRange(
      contact,
      d.contactCompanies[c],
      d.batch,
      d.starts[c],
      d.starts[c + 1],
      d.asOfMs,
      {
        ledger,
      },
    );
    totals[c] = Math.round(result.total * 100);
  }
  return { seconds: (performance.now() - started) / 1000, totals };
}

/** Seconds to score every contact with the hand-written loop. */
export function timeReference(d: Dataset): { seconds: number; totals: Int32Array } {
  const typeIndex = (type: string) => d.evaluator.typeIndex(type);
  const pool = d.evaluator.pool;
  const pricing = new Uint8Array(pool.size + 1);
  for (let code = 0; code < pool.size; code++)
    pricing[code] = /^\/(pricing|demo)/i.test(pool.values[code]) ? 1 : 0;
  const scorer = new ReferenceScorer(
    {
      pageView: typeIndex("page_view"),
      contentDownload: typeIndex("content_download"),
      demoRequest: typeIndex("demo_request"),
      webinarAttendance: typeIndex("webinar_attendance"),
      emailClick: typeIndex("email_click"),
      unsubscribe: typeIndex("unsubscribe"),
      emailBounce: typeIndex("email_bounce"),
    },
    pricing,
  );
  const totals = new Int32Array(d.contacts.length);
  const started = performance.now();
  for (let c = 0; c < d.contacts.length; c++) {
    const contact = d.contacts[c];
    totals[c] = scorer.score(
      contact,
      d.contactCompanies[c],
      d.batch,
      d.starts[c],
      d.starts[c + 1],
      d.asOfMs,
    ).totalCents;
  }
  return { seconds: (performance.now() - started) / 1000, totals };
}

export function countDifferences(a: Int32Array, b: Int32Array): number {
  let differences = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) differences++;
  return differences;
}
