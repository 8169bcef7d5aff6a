/**
 * Concurrent event traffic for the durability and concurrency tests, with a ledger of what was
 * sent and what the service acknowledged (a 200 answer), so a test can check afterwards that
 * every acknowledged event was stored once, whatever happened to the process meanwhile.
 */
import type { EventRequest } from "../../src/server/schemas.js";
import { request } from "./process.js";

export const DAY_MS = 86_400_000;

/**
 * A model that counts: one point per page view, per email click and per other event, with no
 * cap, window or decay, so a contact's dimensions are exactly its event counts by kind. An
 * event lost or counted twice shows as a wrong count.
 */
export const TALLY_MODEL = `name: tally
version: 1
scale: { min: 0, max: 1000000 }
dimensions:
  - id: views
    rules:
      - { id: view, event: page_view, points: 1 }
  - id: clicks
    rules:
      - { id: click, event: email_click, points: 1 }
  - id: others
    rules:
      - id: other
        event: [email_open, content_download, form_submission, webinar_attendance]
        points: 1
`;

/** The tally model's dimensions for these events: counts by kind. */
export function tallyOf(events: readonly { type: string }[]): Record<string, number> {
  const counts = { views: 0, clicks: 0, others: 0 };
  for (const event of events) {
    if (event.type === "page_view") counts.views++;
    else if (event.type === "email_click") counts.clicks++;
    else counts.others++;
  }
  return counts;
}

/** A small seeded generator (mulberry32), so a failing run can be replayed with its seed. */
export function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export type SentEvent = EventRequest;

const KINDS: { type: string; properties: (pick: () => number) => Record<string, unknown> }[] = [
  { type: "page_view", properties: (pick) => ({ url: pick() < 0.3 ? "/pricing" : "/blog/post" }) },
  { type: "page_view", properties: (pick) => ({ url: "/docs", duration_s: Math.floor(pick() * 400) }) },
  { type: "email_click", properties: () => ({ campaign: "spring" }) },
  { type: "email_open", properties: () => ({}) },
  {
    type: "content_download",
    properties: (pick) => ({ content_id: pick() < 0.5 ? "whitepaper-1" : "checklist" }),
  },
  { type: "form_submission", properties: () => ({ form_id: "newsletter" }) },
  { type: "webinar_attendance", properties: () => ({}) },
];

/** An event about one of `contacts` (an id, or an email when it contains @), in the last 20 days. */
export function randomEvent(
  random: () => number,
  id: string,
  contacts: readonly string[],
  nowMs: number,
): SentEvent {
  const who = contacts[Math.floor(random() * contacts.length)];
  const kind = KINDS[Math.floor(random() * KINDS.length)];
  return {
    id,
    ...(who.includes("@") ? { email: who } : { contactId: who }),
    type: kind.type,
    // Whole seconds in the past: the score never depends on when the answer was computed.
    timestamp: new Date(nowMs - Math.floor(random() * 20 * DAY_MS)).toISOString(),
    properties: kind.properties(random),
  };
}

/** How a request ended: an HTTP status, or "failed" when no answer came (refused, reset). */
export type Outcome = number | "failed";

export interface SentRequest {
  events: SentEvent[];
  outcome: Outcome;
  /** Why no answer came (ECONNRESET, ECONNREFUSED...). */
  error?: string;
  accepted?: number;
  duplicates?: number;
  startedMs: number;
  endedMs: number;
  /** Free label: the round, the process... */
  tag: string;
}

export class EventLedger {
  readonly sent = new Map<string, SentEvent>();
  /** Acknowledged event id -> the contact the service attributed it to. */
  readonly acknowledged = new Map<string, string>();
  readonly requests: SentRequest[] = [];

  /** Sends the events (one alone as POST /v1/events, several as a batch) and records the outcome. */
  async send(url: string, key: string, events: SentEvent[], tag: string): Promise<SentRequest> {
    for (const event of events) if (!this.sent.has(event.id)) this.sent.set(event.id, event);
    const startedMs = performance.now();
    const response =
      events.length === 1
        ? await request(url, key, "POST", "/v1/events", events[0])
        : await request(url, key, "POST", "/v1/events/batch", { events });
    const sent: SentRequest = {
      events,
      outcome: response.status,
      startedMs,
      endedMs: performance.now(),
      tag,
    };
    if ("error" in response) sent.error = response.error;
    if (response.status === 200) {
      const body = (response as { body: { accepted: number; duplicates: number; contactIds: string[] } })
        .body;
      sent.accepted = body.accepted;
      sent.duplicates = body.duplicates;
      events.forEach((event, i) => {
        if (!this.acknowledged.has(event.id)) this.acknowledged.set(event.id, body.contactIds[i]);
      });
    }
    this.requests.push(sent);
    return sent;
  }

  /** Outcomes counted, e.g. { "200": 310, failed: 14 }, for the requests with this tag. */
  outcomes(tag?: string): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const sent of this.requests)
      if (tag === undefined || sent.tag === tag) counts[sent.outcome] = (counts[sent.outcome] ?? 0) + 1;
    return counts;
  }
}

/**
 * Runs `workers` loops, each sending one request after another (a single event or a batch of
 * up to `maxBatch`), until `stop()` is true or `maxRequests` were sent by each loop.
 */
export async function sendUntil(options: {
  url: string;
  key: string;
  ledger: EventLedger;
  contacts: readonly string[];
  random: () => number;
  tag: string;
  workers: number;
  maxBatch: number;
  maxRequests: number;
  stop: () => boolean;
  /** Already acknowledged ids, some of which are sent again (they must count as duplicates). */
  resend?: boolean;
}): Promise<void> {
  const { ledger, random } = options;
  const nowMs = Math.floor(Date.now() / 1000) * 1000;
  const loop = async (worker: number) => {
    for (let n = 0; n < options.maxRequests && !options.stop(); n++) {
      const size = random() < 0.4 ? 1 : 2 + Math.floor(random() * (options.maxBatch - 1));
      const events = Array.from({ length: size }, (_, i) =>
        randomEvent(random, `${options.tag}-w${worker}-${n}-${i}`, options.contacts, nowMs),
      );
      if (options.resend && random() < 0.2 && ledger.acknowledged.size > 0) {
        const ids = [...ledger.acknowledged.keys()];
        const again = ledger.sent.get(ids[Math.floor(random() * ids.length)]);
        if (again) events.push(again);
      }
      await ledger.send(options.url, options.key, events, options.tag);
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, worker) => loop(worker)));
}

/** Waits until `condition()` holds, checking every 10 ms; false when `timeoutMs` passed first. */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}
