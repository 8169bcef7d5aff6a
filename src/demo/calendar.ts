/**
 * Time in the demo data set: whole seconds since the epoch (UTC) inside the generator,
 * ISO 8601 strings at the edge, and the vendor's marketing calendar (newsletters, product
 * campaigns, webinars) that email and webinar events refer to.
 */

import type { Random } from "../random/random.js";
import { HOUR_WEIGHTS, PRODUCTS, SOCIAL_NETWORKS, WEBINAR_TOPICS } from "./catalog.js";

export const DAY_S = 86_400;
export const HOUR_S = 3_600;

/**
 * Whole seconds since the epoch for an ISO 8601 date; RangeError when it is not one. A time
 * without a zone is UTC (Date.parse would read it in the machine's zone, and the same options
 * must give the same data everywhere).
 */
export function parseIsoSeconds(iso: string): number {
  const zoneless = /T\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(iso);
  const ms = Date.parse(zoneless ? `${iso}Z` : iso);
  if (!/^\d{4}-\d{2}-\d{2}/.test(iso) || Number.isNaN(ms)) {
    throw new RangeError(`not an ISO 8601 date: "${iso}"`);
  }
  return Math.floor(ms / 1000);
}

/** The same day-of-month and time, `months` calendar months earlier. */
export function monthsBefore(seconds: number, months: number): number {
  const date = new Date(seconds * 1000);
  date.setUTCMonth(date.getUTCMonth() - months);
  return Math.floor(date.getTime() / 1000);
}

/** 0 Sunday ... 6 Saturday; day 0 of the epoch was a Thursday. */
export function weekday(seconds: number): number {
  return (Math.floor(seconds / DAY_S) + 4) % 7;
}

/** One slot per unit of HOUR_WEIGHTS (integers), holding its hour: an hour in one lookup. */
const HOUR_SLOTS = Uint8Array.from(
  HOUR_WEIGHTS.flatMap((weight, hour) => new Array<number>(weight).fill(hour)),
);

/**
 * Moves a moment to a plausible working time of the same day: an hour drawn from
 * HOUR_WEIGHTS, and most weekend activity moved to the next Monday.
 */
export function officeTime(rng: Random, seconds: number): number {
  let day = Math.floor(seconds / DAY_S);
  const dayOfWeek = (day + 4) % 7;
  if ((dayOfWeek === 0 || dayOfWeek === 6) && rng.chance(0.75)) day += dayOfWeek === 0 ? 1 : 2;
  // One uniform picks the slot, and its fractional part the second within the hour.
  const position = rng.uniform(0, HOUR_SLOTS.length);
  const slot = Math.floor(position);
  return day * DAY_S + HOUR_SLOTS[slot] * HOUR_S + Math.floor((position - slot) * HOUR_S);
}

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/** "MM:SSZ" for every second of an hour. */
const MINUTE_SECONDS = Array.from({ length: HOUR_S }, (_, s) => `${two(Math.floor(s / 60))}:${two(s % 60)}Z`);

/**
 * Formats whole seconds as "2026-05-03T10:15:22Z" by joining two precomputed parts: one per
 * hour of the data set's range, one per second of an hour. Date.toISOString costs more than
 * the rest of an event, and a table per second of the day is too big to stay in cache.
 */
export class TimestampFormatter {
  private readonly firstHour: number;
  private readonly hourPrefixes: string[] = [];

  constructor(startS: number, endS: number) {
    this.firstHour = Math.floor(startS / DAY_S) * 24 - 24;
    const lastHour = Math.floor(endS / DAY_S) * 24 + 48;
    for (let hour = this.firstHour; hour < lastHour; hour++) {
      this.hourPrefixes.push(new Date(hour * HOUR_S * 1000).toISOString().slice(0, 14));
    }
  }

  /** `seconds` must be a whole number (the generator only makes whole seconds). */
  format(seconds: number): string {
    const hour = Math.floor(seconds / HOUR_S);
    const prefix =
      this.hourPrefixes[hour - this.firstHour] ?? new Date(hour * HOUR_S * 1000).toISOString().slice(0, 14);
    return prefix + MINUTE_SECONDS[seconds - hour * HOUR_S];
  }
}

/** Scheduled sends: time, id (an index into the calendar's names) and product (-1: none). */
interface Schedule {
  readonly timeS: Float64Array;
  readonly name: Int32Array;
  readonly product: Int8Array;
}

function dateTag(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

/** Every `everyDays` days on `weekdayNumber` at `hourUtc`, inside [fromS, toS). */
function recurring(fromS: number, toS: number, weekdayNumber: number, hourUtc: number, everyDays: number) {
  const times: number[] = [];
  let day = Math.floor(fromS / DAY_S);
  while ((day + 4) % 7 !== weekdayNumber) day++;
  for (; day * DAY_S < toS; day += everyDays) times.push(day * DAY_S + hourUtc * HOUR_S);
  return times;
}

export class MarketingCalendar {
  /** Campaign, webinar and social network ids; events refer to them by index. */
  readonly names: string[] = [];
  readonly emails: Schedule;
  readonly webinars: Schedule;
  /** Index in `names` of each social network, in SOCIAL_NETWORKS order. */
  readonly socialNames: Int32Array;

  constructor(startS: number, endS: number) {
    const newsletters = recurring(startS - 14 * DAY_S, endS, 2, 8, 7).map((t) => ({
      timeS: t,
      id: `newsletter-${dateTag(t)}`,
      product: -1,
    }));
    const promotions = recurring(startS - 21 * DAY_S, endS, 4, 9, 21).map((t, i) => {
      const product = i % PRODUCTS.length;
      return { timeS: t, id: `promo-${PRODUCTS[product].id}-${dateTag(t)}`, product };
    });
    const emails = [...newsletters, ...promotions].sort((x, y) => x.timeS - y.timeS);
    this.emails = this.schedule(emails);
    // Webinars run past the end so that late registrations have one to register for.
    const webinars = recurring(startS, endS + 45 * DAY_S, 4, 14, 14).map((t, i) => {
      const topic = WEBINAR_TOPICS[i % WEBINAR_TOPICS.length];
      return { timeS: t, id: `webinar-${dateTag(t)}-${topic.id}`, product: topic.product };
    });
    this.webinars = this.schedule(webinars);
    this.socialNames = Int32Array.from(SOCIAL_NETWORKS, (network) => this.intern(network));
  }

  /** Index of the last email sent at or before `timeS`, or -1. */
  lastEmailAtOrBefore(timeS: number): number {
    return lastAtOrBefore(this.emails.timeS, timeS);
  }

  /** Index of the first webinar strictly after `timeS`, or -1. */
  firstWebinarAfter(timeS: number): number {
    const i = lastAtOrBefore(this.webinars.timeS, timeS) + 1;
    return i < this.webinars.timeS.length ? i : -1;
  }

  private schedule(items: { timeS: number; id: string; product: number }[]): Schedule {
    return {
      timeS: Float64Array.from(items, (item) => item.timeS),
      name: Int32Array.from(items, (item) => this.intern(item.id)),
      product: Int8Array.from(items, (item) => item.product),
    };
  }

  private intern(name: string): number {
    this.names.push(name);
    return this.names.length - 1;
  }
}

/** Binary search in ascending times: index of the last one <= timeS, or -1. */
function lastAtOrBefore(times: Float64Array, timeS: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (times[middle] <= timeS) low = middle + 1;
    else high = middle;
  }
  return low - 1;
}
