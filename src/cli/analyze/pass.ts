/**
 * What \`leadscore analyze\` and \`leadscore compare\` share: the conversion option, and one pass
 * over the inputs (read as \`score\` reads them) that scores each contact with its ledger, reads
 * its outcome and hands both to a consumer that keeps what it needs.
 */
import type { ConversionDefinition } from "../../analytics/conversion.js";
import { conversionFromText, conversionSchema } from "../../analytics/conversion.js";
import type { Evaluator, Properties } from "../../engine/index.js";
import { openWriter } from "../../io/write.js";
import type { Model } from "../../model/schema.js";
import { BUILTIN_EVENT_TYPES } from "../../model/schema.js";
import { UserError } from "../errors.js";
import { BAD_ROW_COLUMNS, BadRowLog } from "../score/bad-rows.js";
import { readCompanies } from "../score/companies.js";
import { closeInputs, type Inputs } from "../score/inputs.js";
import { startProgress } from "../score/progress.js";
import { scoreGrouped } from "../score/run-grouped.js";
import { scoreIndexed } from "../score/run-indexed.js";
import { Tally } from "../score/summary.js";
import type { Candidates } from "./candidates.js";
import { AnalysisCollector, type Consumer, type OutcomeSource } from "./collect.js";

export interface ConversionOptions {
  conversion?: string;
  outcomes?: string;
}

export interface PassOptions {
  contacts: string;
  companies?: string;
  errors?: string;
  grouped?: boolean;
  progress: boolean;
}

export const NO_CANDIDATES: Candidates = { columns: [], accessors: [], eventTypes: [], typeIndices: [] };

export function conversionOf(options: ConversionOptions): ConversionDefinition | undefined {
  if ((options.conversion === undefined) === (options.outcomes === undefined))
    throw new UserError("give exactly one of --conversion DEFINITION and --outcomes FILE");
  if (options.conversion === undefined) return undefined;
  const parsed = conversionSchema.safeParse(conversionFromText(options.conversion));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserError(
    `--conversion "${options.conversion}": ${issue.path.join(".") || "kind"}: ${issue.message}; ` +
      "use event:TYPE, stage:STAGE, stage:PROPERTY=STAGE, date:PROPERTY or flag:PROPERTY",
  );
}

/** A conversion event type the model does not know gets its own type index, so it can be told apart. */
export function withEventType(model: Model, definition: ConversionDefinition | undefined): Model {
  if (definition?.kind !== "event") return model;
  const known = [...BUILTIN_EVENT_TYPES, ...(model.eventTypes ?? [])] as string[];
  if (known.includes(definition.eventType)) return model;
  return { ...model, eventTypes: [...(model.eventTypes ?? []), definition.eventType] };
}

/** The definition's property must be a column of the contacts file. */
export function checkConversionColumn(
  options: PassOptions,
  inputs: Inputs,
  definition?: ConversionDefinition,
) {
  if (!definition || definition.kind === "event") return;
  const { source, mapping } = inputs.contacts;
  const name = definition.property;
  if (mapping.columnOf(name) === undefined && !source.columns.includes(name))
    throw new UserError(
      `--conversion: ${options.contacts} has no column "${name}" (columns: ${source.columns.join(", ")})`,
    );
}

export async function scorePass(
  options: PassOptions,
  inputs: Inputs,
  evaluator: Evaluator,
  asOfMs: number,
  consumer: Consumer,
  outcome: OutcomeSource,
  candidates: Candidates,
) {
  const errors =
    options.errors === undefined ? undefined : openWriter(options.errors, "csv", BAD_ROW_COLUMNS);
  const badRows = new BadRowLog(errors);
  const tally = new Tally();
  const progress = startProgress(inputs.sources, options.progress);
  const { source, mapping } = inputs.contacts;
  try {
    let companies: Map<string, Properties> | undefined;
    if (inputs.companies) {
      progress.phase("reading companies");
      companies = await readCompanies(inputs.companies.source, inputs.companies.reader, badRows, progress);
    }
    const collector = new AnalysisCollector({
      evaluator,
      asOfMs,
      tally,
      badRows,
      reader: inputs.contacts.reader,
      contacts: source,
      companies,
      companiesFile: options.companies,
      consumer,
      outcome,
      column: (name) => source.accessor(mapping.columnOf(name) ?? name),
      candidateColumns: candidates.accessors,
      candidateTypes: candidates.typeIndices,
    });
    const parts = { evaluator, asOfMs, ledger: false, badRows, tally, progress, scorer: collector };
    await (options.grouped ? scoreGrouped(inputs, parts) : scoreIndexed(inputs, parts));
    progress.stop();
    await errors?.close();
    return { collector, tally, badRows };
  } catch (error) {
    progress.stop();
    await errors?.abort();
    throw error;
  } finally {
    closeInputs(inputs);
  }
}
