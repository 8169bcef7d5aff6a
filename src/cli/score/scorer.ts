/** Scoring one contact row: its company, the engine, the output row, the counts. */
import { basename } from "node:path";
import type { Evaluator, EventBatch, Properties } from "../../engine/index.js";
import type { RecordSource, Row } from "../../io/source.js";
import type { OutputFormat, RecordWriter } from "../../io/write.js";
import type { AccountCollector } from "./accounts.js";
import type { BadRowLog } from "./bad-rows.js";
import { type OutputShape, outputRecord } from "./output.js";
import type { Progress } from "./progress.js";
import type { ContactReader } from "./readers.js";
import type { Tally } from "./summary.js";

export interface ScoringContext {
  evaluator: Evaluator;
  asOfMs: number;
  ledger: boolean;
  format: OutputFormat;
  shape: OutputShape;
  keepColumns: boolean;
  writer: RecordWriter;
  tally: Tally;
  badRows: BadRowLog;
  contacts: RecordSource;
  reader: ContactReader;
  companies: ReadonlyMap<string, Properties> | undefined;
  companiesFile: string | undefined;
  accounts: AccountCollector | undefined;
}

/** What both modes hand each contact row and its events batch[start, end) to: the scorer, or another consumer. */
export interface ContactSink {
  score(row: Row, id: string, batch: EventBatch, start: number, end: number): Promise<void>;
}

/** What both modes (indexed and grouped) work with. */
export interface RunParts {
  evaluator: Evaluator;
  asOfMs: number;
  ledger: boolean;
  badRows: BadRowLog;
  tally: Tally;
  progress: Progress;
  scorer: ContactSink;
}

/** What finding a contact row's company needs. */
export type CompanyContext = Pick<
  ScoringContext,
  "reader" | "companies" | "companiesFile" | "badRows" | "contacts"
>;

/**
 * The company from the companies file; else the company fields of the contact row itself.
 * A company id that the companies file lacks is a bad row, but the contact is still scored.
 */
export async function companyOf(
  ctx: CompanyContext,
  row: Row,
  contactId: string,
): Promise<{ id?: string; properties?: Properties }> {
  const companyId = ctx.reader.companyId(row);
  if (ctx.companies && companyId !== undefined) {
    const found = ctx.companies.get(companyId);
    if (found) return { id: companyId, properties: found };
    const message = `company "${companyId}" of contact "${contactId}" is not in ${basename(ctx.companiesFile ?? "")}; scored without its company`;
    await ctx.badRows.add("unknown company", ctx.contacts.path, row.line, message);
  }
  return { properties: ctx.reader.inlineCompany(row) };
}

export class ContactScorer implements ContactSink {
  constructor(private readonly ctx: ScoringContext) {}

  /** Scores the contact of this row, whose events are batch[start, end). */
  async score(row: Row, id: string, batch: EventBatch, start: number, end: number): Promise<void> {
    const { ctx } = this;
    const contact = ctx.reader.properties(row);
    const company = await companyOf(ctx, row, id);
    const result = ctx.evaluator.evaluateRange(contact, company.properties, batch, start, end, ctx.asOfMs, {
      ledger: ctx.ledger,
    });
    const input = ctx.keepColumns ? ctx.contacts.record(row) : undefined;
    await ctx.writer.write(outputRecord(id, result, ctx.shape, ctx.format, input));
    ctx.tally.add(result, end - start);
    if (ctx.accounts && company.id !== undefined) ctx.accounts.add(company.id, result);
  }
}
