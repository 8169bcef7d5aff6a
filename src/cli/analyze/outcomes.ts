/**
 * An outcomes file for `leadscore analyze --outcomes`: one row per contact with its id
 * (`contactId` or `id`), and `convertedAt` (a date; empty: not converted) and/or `converted`
 * (1/0, true/false, yes/no). Read whole into a map: a few dozen bytes per contact.
 */
import { type Outcome, readDate, readFlag } from "../../analytics/conversion.js";
import { openSource } from "../../io/source.js";
import { UserError } from "../errors.js";
import { idText } from "../score/readers.js";

const ID_COLUMNS = ["contactId", "contact_id", "id"];

export async function readOutcomes(path: string, format?: string): Promise<Map<string, Outcome>> {
  const source = await openSource(path, format);
  try {
    const columns = source.columns;
    const idColumn = ID_COLUMNS.find((c) => columns.includes(c));
    const hasDate = columns.includes("convertedAt");
    const hasFlag = columns.includes("converted");
    if (idColumn === undefined || !(hasDate || hasFlag))
      throw new UserError(
        `${path}: an outcomes file needs a contactId (or id) column and a convertedAt or converted column (columns: ${columns.join(", ")})`,
      );
    const id = source.accessor(idColumn);
    const date = hasDate ? source.accessor("convertedAt") : undefined;
    const flag = hasFlag ? source.accessor("converted") : undefined;
    const outcomes = new Map<string, Outcome>();
    for await (const rows of source.batches())
      for (const row of rows) {
        const where = `${path}:${row.line}`;
        if (row.problem) throw new UserError(`${where}: ${row.problem}`);
        const contactId = idText(id(row));
        if (contactId === undefined) throw new UserError(`${where}: no ${idColumn}`);
        if (outcomes.has(contactId)) throw new UserError(`${where}: contact "${contactId}" has a second row`);
        outcomes.set(contactId, readRow(date?.(row), flag?.(row), where));
      }
    return outcomes;
  } finally {
    source.close();
  }
}

/** converted says whether; convertedAt says when (and, alone or with an empty converted, whether). */
function readRow(dateValue: unknown, flagValue: unknown, where: string): Outcome {
  let outcome: Outcome = { converted: false };
  if (dateValue !== undefined) {
    const read = readDate(dateValue, "convertedAt");
    if ("problem" in read) throw new UserError(`${where}: ${read.problem}`);
    outcome = read;
  }
  if (flagValue !== undefined && flagValue !== null && String(flagValue).trim() !== "") {
    const converted = readFlag(flagValue, "converted");
    if (typeof converted !== "boolean") throw new UserError(`${where}: ${converted.problem}`);
    if (!converted) return { converted: false };
    if (!outcome.converted) return { converted: true };
  }
  return outcome;
}
