/** Counts kept while scoring, and the summary printed at the end of a run. */
import { BANDS, type ScoreResult } from "../../engine/index.js";
import type { BadRowLog } from "./bad-rows.js";

export class Tally {
  contacts = 0;
  eventsRead = 0;
  /** Events attached to a scored contact (read, and neither orphaned nor rejected). */
  eventsUsed = 0;
  /** Events dated after the as-of date: read, but not counted by the engine. */
  eventsAfterAsOf = 0;
  mql = 0;
  disqualified = 0;
  readonly temperatures = new Map<string, number>();
  readonly bands = new Map<string, number>(BANDS.map((band) => [band, 0]));

  add(result: ScoreResult, events: number): void {
    this.contacts++;
    this.eventsUsed += events;
    if (result.mql) this.mql++;
    if (result.disqualified) this.disqualified++;
    const temperature = result.temperature ?? "none";
    this.temperatures.set(temperature, (this.temperatures.get(temperature) ?? 0) + 1);
    this.bands.set(result.band, (this.bands.get(result.band) ?? 0) + 1);
  }

  /** Counts the events of times[start, end) dated after the as-of date. */
  countFuture(times: Float64Array, start: number, end: number, asOfMs: number): void {
    let future = 0;
    for (let i = start; i < end; i++) if (times[i] > asOfMs) future++;
    this.eventsAfterAsOf += future;
  }
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "0%" : `${((100 * part) / whole).toFixed(1)}%`;
}

function counted(map: ReadonlyMap<string, number>, order: readonly string[], whole: number): string {
  const keys = [
    ...order.filter((key) => map.has(key)),
    ...[...map.keys()].filter((key) => !order.includes(key)),
  ];
  return keys.map((key) => `${key} ${map.get(key)} (${percent(map.get(key) ?? 0, whole)})`).join(", ");
}

export function summaryLines(tally: Tally, badRows: BadRowLog, elapsedMs: number): string[] {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(tally.eventsRead / seconds) : 0;
  const lines = [
    `contacts scored: ${tally.contacts}`,
    `events: ${tally.eventsRead} read, ${tally.eventsUsed} matched to a scored contact${
      tally.eventsAfterAsOf > 0 ? `, ${tally.eventsAfterAsOf} dated after the as-of date (not counted)` : ""
    }`,
    `bad rows: ${badRows.total}${
      badRows.total > 0 ? ` (${[...badRows.counts].map(([kind, n]) => `${kind} ${n}`).join(", ")})` : ""
    }`,
  ];
  if (tally.contacts > 0) {
    if (!(tally.temperatures.size === 1 && tally.temperatures.has("none")))
      lines.push(
        `temperature: ${counted(tally.temperatures, ["hot", "warm", "cold", "none"], tally.contacts)}`,
      );
    lines.push(`bands: ${counted(tally.bands, BANDS, tally.contacts)}`);
    lines.push(`MQL: ${tally.mql} (${percent(tally.mql, tally.contacts)})`);
    lines.push(`disqualified: ${tally.disqualified} (${percent(tally.disqualified, tally.contacts)})`);
  }
  lines.push(`elapsed: ${seconds.toFixed(2)} s, ${rate} events/s`);
  return lines;
}
