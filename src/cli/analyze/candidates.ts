/**
 * The candidates `leadscore analyze` measures besides the model's rules: contact columns the
 * model does not read (nor the id, company or outcome columns) and the built-in or declared
 * event types no rule reads. Event types the model neither reads nor declares share one type
 * index in the engine's batches, so they cannot be told apart: declare them in \`eventTypes\`.
 */
import type { ConversionDefinition } from "../../analytics/conversion.js";
import type { Evaluator } from "../../engine/index.js";
import type { Accessor } from "../../io/source.js";
import { BUILTIN_EVENT_TYPES } from "../../model/schema.js";
import { UserError } from "../errors.js";
import type { Inputs } from "../score/inputs.js";

export interface CandidateOptions {
  contacts: string;
  candidates?: string | boolean;
}

export interface Candidates {
  columns: string[];
  accessors: Accessor[];
  eventTypes: string[];
  typeIndices: number[];
}

/**
 * Contact columns the model does not read (nor the id, company, or outcome columns), and the
 * built-in or declared event types no rule reads; --candidates names the columns instead,
 * --no-candidates none.
 */
export function chooseCandidates(
  options: CandidateOptions,
  inputs: Inputs,
  evaluator: Evaluator,
  definition: ConversionDefinition | undefined,
): Candidates {
  const { source, mapping } = inputs.contacts;
  const none = { columns: [], accessors: [], eventTypes: [], typeIndices: [] };
  if (options.candidates === false) return none;
  let columns: string[];
  if (typeof options.candidates === "string") {
    columns = options.candidates
      .split(",")
      .map((c) => c.trim())
      .filter(Boolean);
    const missing = columns.filter((c) => !source.columns.includes(c));
    if (missing.length > 0)
      throw new UserError(
        `--candidates: ${options.contacts} has no column ${missing.map((c) => `"${c}"`).join(", ")}`,
      );
  } else {
    const used = new Set(
      [
        "id",
        "companyId",
        ...evaluator.contactFields,
        ...evaluator.companyFields.map((f) => `company.${f}`),
      ].map((name) => mapping.columnOf(name)),
    );
    if (definition && definition.kind !== "event")
      used.add(mapping.columnOf(definition.property) ?? definition.property);
    columns = source.columns.filter((c) => !used.has(c) && c !== "convertedAt");
  }
  const eventTypes = inputs.events
    ? [...BUILTIN_EVENT_TYPES, ...(evaluator.model.eventTypes ?? [])].filter(
        (type) =>
          !evaluator.countsEventType(type) &&
          !(definition?.kind === "event" && definition.eventType === type),
      )
    : [];
  return {
    columns,
    accessors: columns.map((c) => source.accessor(c)),
    eventTypes,
    typeIndices: eventTypes.map((type) => evaluator.typeIndex(type)),
  };
}
