/**
 * The reference for the batch benchmark: bench/b2b-bench.yaml written by hand as one loop
 * over typed arrays, with every constant inlined. It is what a programmer would write for
 * one fixed model; the engine must stay close to it while reading any model. It computes
 * the same integer cents as the engine, so the benchmark also checks the two agree.
 */
import type { EventBatch } from "../src/engine/batch.js";
import { FREEMAIL_DOMAINS } from "../src/engine/freemail.js";

const DAY = 86_400_000;
const MICRO = 1_000_000;
const RATE_30D = Math.LN2 / (30 * DAY);
const RATE_14D = Math.LN2 / (14 * DAY);
const DECISION_MAKER = /chief|head|director|vp|vice president|ceo|cto|cmo|founder/i;
const UNSERVED = new Set(["in", "br", "cn", "ng"]);

export interface ReferenceTypes {
  pageView: number;
  contentDownload: number;
  demoRequest: number;
  webinarAttendance: number;
  emailClick: number;
  unsubscribe: number;
  emailBounce: number;
}

type Props = Readonly<Record<string, unknown>>;

function text(value: unknown): string {
  return value === undefined || value === null ? "" : String(value).trim().toLowerCase();
}

function num(value: unknown): number {
  const s = typeof value === "number" ? value : text(value) === "" ? Number.NaN : Number(value);
  return s;
}

function fitCents(contact: Props, company: Props | undefined): number {
  let cents = 0;
  const email = text(contact.email);
  if (FREEMAIL_DOMAINS.has(email.slice(email.lastIndexOf("@") + 1))) cents -= 500;
  const industry = text(company?.industry);
  if (industry === "software" || industry === "finance") cents += 1000;
  const employees = num(company?.employees);
  if (employees > 50) cents += 1000;
  if (employees < 5) cents -= 1000;
  const title = text(contact.jobTitle);
  if (title !== "" && DECISION_MAKER.test(title)) cents += 1500;
  if (UNSERVED.has(text(contact.country))) cents -= 2000;
  return Math.min(Math.max(cents, 0), 10_000);
}

/** Total score in cents and whether a gate disqualified the contact. */
export class ReferenceScorer {
  private readonly top = new Float64Array(5);

  constructor(
    private readonly types: ReferenceTypes,
    /** Per interned url code: 1 when it is a pricing or demo page. */
    private readonly pricingUrl: Uint8Array,
  ) {}

  score(
    contact: Props,
    company: Props | undefined,
    batch: EventBatch,
    start: number,
    end: number,
    asOf: number,
  ) {
    const t = this.types;
    const times = batch.timeMs;
    const types = batch.type;
    const urls = batch.strings[0];
    const top = this.top;
    top.fill(0);
    let topSize = 0;
    let visitsMicro = 0;
    let clicksMicro = 0;
    let downloads = 0;
    let webinars = 0;
    let lastDemo = Number.NEGATIVE_INFINITY;
    let gated = false;
    for (let i = start; i < end; i++) {
      const time = times[i];
      if (time > asOf) continue;
      const type = types[i];
      const age = asOf - time;
      if (type === t.pageView) {
        const visit = Math.round(MICRO * Math.exp(-RATE_30D * age));
        if (visit !== 0) visitsMicro += visit;
        const code = urls[i];
        if (code >= 0 && this.pricingUrl[code] === 1) {
          const micro = Math.round(5 * MICRO * Math.exp(-RATE_14D * age));
          if (micro !== 0) {
            if (topSize < 5) top[topSize++] = micro;
            else {
              let smallest = 0;
              for (let k = 1; k < 5; k++) if (top[k] < top[smallest]) smallest = k;
              if (micro > top[smallest]) top[smallest] = micro;
            }
          }
        }
      } else if (type === t.contentDownload) {
        if (age < 90 * DAY) downloads++;
      } else if (type === t.demoRequest) {
        if (time > lastDemo) lastDemo = time;
      } else if (type === t.webinarAttendance) {
        if (age < 180 * DAY) webinars++;
      } else if (type === t.emailClick) {
        clicksMicro += Math.round(3 * MICRO * Math.exp(-RATE_14D * age));
      } else if (type === t.unsubscribe || type === t.emailBounce) gated = true;
    }
    let pricingMicro = 0;
    for (let k = 0; k < topSize; k++) pricingMicro += top[k];
    let engagement =
      Math.round(Math.min(visitsMicro, 20 * MICRO) / 10_000) +
      Math.round(pricingMicro / 10_000) +
      downloads * 1000 +
      webinars * 1500 +
      Math.round(Math.min(clicksMicro, 15 * MICRO) / 10_000);
    if (lastDemo > Number.NEGATIVE_INFINITY) {
      engagement += Math.round(Math.round(30 * MICRO * Math.exp(-RATE_30D * (asOf - lastDemo))) / 10_000);
    }
    engagement = Math.min(Math.max(engagement, 0), 10_000);
    const status = text(contact.emailStatus);
    if (status === "bounced" || status === "invalid") gated = true;
    const total = Math.min(fitCents(contact, company) + engagement, 10_000);
    return { totalCents: total, disqualified: gated };
  }
}
