/**
 * `leadscore analyze`: checks the options, opens the inputs as `score` does, streams every
 * contact through the Analyzer, then prints the report (tables or JSON) and writes the HTML.
 */
import { writeFile } from "node:fs/promises";
import { type Analysis, Analyzer } from "../../analytics/analyze.js";
import { describeConversion } from "../../analytics/conversion.js";
import { adviseThreshold, type ThresholdAdvice } from "../../analytics/thresholds.js";
import { compileModel } from "../../engine/index.js";
import { UserError } from "../errors.js";
import { closeInputs, openInputs } from "../score/inputs.js";
import { type InputOptions, loadModel, parseAsOf } from "../score/options.js";
import { type Candidates, chooseCandidates } from "./candidates.js";
import { renderHtml } from "./html.js";
import { parseGoal, parseHorizon, parsePeriod } from "./options.js";
import { readOutcomes } from "./outcomes.js";
import { checkConversionColumn, conversionOf, scorePass, withEventType } from "./pass.js";
import { renderTerminal } from "./terminal.js";

export interface AnalyzeOptions extends InputOptions {
  conversion?: string;
  outcomes?: string;
  horizon: string;
  period?: string;
  capacity?: string;
  minConversion?: string;
  catch?: string;
  candidates?: string | boolean;
  json?: boolean;
  html?: string;
  grouped?: boolean;
  errors?: string;
  progress: boolean;
}

/** What the report prints besides the analysis. */
export interface AnalyzeReport {
  model: { name: string; version: string | number };
  conversion: string;
  notes: string[];
  analysis: Analysis;
  advice: ThresholdAdvice | null;
}

export async function runAnalyze(options: AnalyzeOptions): Promise<void> {
  const definition = conversionOf(options);
  const horizonDays = parseHorizon(options.horizon);
  const goal = parseGoal(options);
  const givenPeriod = options.period === undefined ? undefined : parsePeriod(options.period);
  if (options.asOf === undefined)
    throw new UserError("--as-of is required: the date the scores are computed at, before the conversions");
  const asOfMs = parseAsOf(options.asOf);
  const model = await loadModel(options.model);
  const evaluator = compileModel(withEventType(model, definition));
  const outcomes = options.outcomes ? await readOutcomes(options.outcomes, options.inputFormat) : undefined;
  const inputs = await openInputs(options, evaluator);
  const notes = [...inputs.notes];
  let candidates: Candidates;
  try {
    checkConversionColumn(options, inputs, definition);
    candidates = chooseCandidates(options, inputs, evaluator, definition);
  } catch (error) {
    closeInputs(inputs);
    throw error;
  }
  const analyzer = new Analyzer(model, {
    asOfMs,
    horizonDays,
    candidateProperties: candidates.columns,
    candidateEventTypes: candidates.eventTypes,
  });
  const { collector, tally, badRows } = await scorePass(
    options,
    inputs,
    evaluator,
    asOfMs,
    analyzer,
    { definition, outcomes },
    candidates,
  );
  for (const line of badRows.describe(options.errors)) process.stderr.write(`${line}\n`);
  const periodDays = givenPeriod ?? defaultPeriod(collector.firstEventMs, asOfMs, notes);
  notes.push(`contacts read: ${tally.contacts}; events: ${tally.eventsRead} read, ${tally.eventsUsed} used`);
  if (collector.withoutOutcome > 0)
    notes.push(
      `${collector.withoutOutcome} contacts have no row in ${options.outcomes}: counted as not converted`,
    );
  const endMs = asOfMs + (horizonDays ?? 0) * 86_400_000;
  if (definition?.kind === "event" && horizonDays !== null && collector.lastEventMs < endMs)
    notes.push(
      `warning: the horizon runs to ${iso(endMs)}, past the last event (${iso(collector.lastEventMs)}): later conversions are not in the data`,
    );
  const analysis = analyzer.finish(periodDays);
  const report: AnalyzeReport = {
    model: { name: model.name, version: model.version },
    conversion: options.outcomes ? `the outcomes in ${options.outcomes}` : describeConversion(definition!),
    notes,
    analysis,
    advice: goal ? adviseThreshold(analysis.thresholds, goal) : null,
  };
  if (options.html) {
    await writeHtml(options.html, report);
    notes.push(`report: ${options.html}`);
  }
  process.stdout.write(options.json ? `${JSON.stringify(report, numbers, 2)}\n` : renderTerminal(report));
}

const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : "none");

/** NaN and infinities are not JSON: null. */
const numbers = (_key: string, value: unknown) =>
  typeof value === "number" && !Number.isFinite(value) ? null : value;

/** Without --period: from the first event to the as-of date; 91 days without events. */
function defaultPeriod(firstEventMs: number, asOfMs: number, notes: string[]): number {
  if (!Number.isFinite(firstEventMs) || firstEventMs >= asOfMs) {
    notes.push("period: 91 days (no event before the as-of date; set it with --period)");
    return 91;
  }
  const days = Math.max(1, Math.round((asOfMs - firstEventMs) / 86_400_000));
  notes.push(`period: ${days} days, from the first event to the as-of date (set it with --period)`);
  return days;
}

async function writeHtml(path: string, report: AnalyzeReport): Promise<void> {
  try {
    await writeFile(path, await renderHtml(report));
  } catch (error) {
    throw new UserError(`--html ${path}: ${(error as Error).message}`);
  }
}
