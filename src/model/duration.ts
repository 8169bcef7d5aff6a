/** Durations as the model file writes them ("30d", "12h", "2w", or a number of days), in milliseconds. */

const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 24 * MS_PER_HOUR;
const UNIT_MS: Record<string, number> = { h: MS_PER_HOUR, d: MS_PER_DAY, w: 7 * MS_PER_DAY };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*([dhw])\s*$/;

/**
 * Converts a duration the schema accepted to milliseconds. A number is a number of days.
 * Throws on anything else: the schema should have rejected it, so that is a programmer error.
 */
export function durationToMs(duration: number | string): number {
  if (typeof duration === "number") {
    if (!Number.isFinite(duration) || duration < 0) throw new RangeError(`Invalid duration: ${duration}`);
    return duration * MS_PER_DAY;
  }
  const match = DURATION.exec(duration);
  if (match === null) throw new RangeError(`Invalid duration: ${JSON.stringify(duration)}`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
