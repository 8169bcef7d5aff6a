/** The values of `leadscore analyze`'s options, checked, with errors naming the option. */
import type { Command } from "commander";
import type { ThresholdGoal } from "../../analytics/thresholds.js";
import { UserError } from "../errors.js";

const DAYS = /^(\d+(?:\.\d+)?)\s*(d|days?|w|weeks?)?$/i;

/** "90", "90d", "13w" in days; `what` names the option in errors. */
function days(text: string, what: string): number {
  const match = DAYS.exec(text.trim());
  const value = match ? Number(match[1]) * (match[2]?.toLowerCase().startsWith("w") ? 7 : 1) : Number.NaN;
  if (!(value > 0))
    throw new UserError(`${what} "${text}" is not a length of time; use days (90, 90d) or weeks (13w)`);
  return value;
}

/** Days within which a conversion counts; "none": any time after the as-of date. */
export function parseHorizon(text: string): number | null {
  return text.trim().toLowerCase() === "none" ? null : days(text, "--horizon");
}

export function parsePeriod(text: string): number {
  return days(text, "--period");
}

/** A share: 0.3 or 30%. */
function share(text: string, what: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith("%") ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (!(value > 0 && value <= 1))
    throw new UserError(
      `${what} "${text}" is not a share; use a number from 0 to 1 (0.3) or a percentage (30%)`,
    );
  return value;
}

export interface GoalOptions {
  capacity?: string;
  minConversion?: string;
  catch?: string;
}

/** At most one goal: --capacity N/week, --min-conversion 0.3, --catch 0.8. */
export function parseGoal(options: GoalOptions): ThresholdGoal | undefined {
  const given = [options.capacity, options.minConversion, options.catch].filter((x) => x !== undefined);
  if (given.length > 1) throw new UserError("give at most one goal: --capacity, --min-conversion or --catch");
  if (options.capacity !== undefined) {
    const match = /^(\d+(?:\.\d+)?)\s*(?:\/\s*(?:w|wk|week))?$/i.exec(options.capacity.trim());
    const perWeek = match ? Number(match[1]) : Number.NaN;
    if (!(perWeek > 0))
      throw new UserError(
        `--capacity "${options.capacity}" is not a number of MQLs a week; write it 50/week`,
      );
    return { kind: "capacity", perWeek };
  }
  if (options.minConversion !== undefined)
    return { kind: "minConversion", rate: share(options.minConversion, "--min-conversion") };
  if (options.catch !== undefined) return { kind: "catch", share: share(options.catch, "--catch") };
  return undefined;
}

/** How `analyze` and `compare` learn who converted, and within how long. */
export function withOutcomeOptions(command: Command): Command {
  return command
    .option(
      "--conversion <definition>",
      "event:TYPE, date:COLUMN, stage:STAGE, stage:COLUMN=STAGE or flag:COLUMN",
    )
    .option("--outcomes <file>", "outcomes file: contactId, convertedAt and/or converted")
    .option(
      "--horizon <days>",
      'conversions count within this many days after --as-of (90, 13w; "none": any)',
      "90",
    );
}
