/**
 * The data set must look like a real B2B funnel: a plausible conversion rate, converters
 * more engaged and better fitting than the rest, and a naive scoring model that ranks
 * converters higher, but far from perfectly.
 */
import { describe, expect, it } from "vitest";
import { COMPETITOR_DOMAINS, FREE_MAIL_DOMAINS, UNSERVED_COUNTRIES } from "./catalog.js";
import { generateDemo } from "./generator.js";
import type { DemoCompany, DemoContact, DemoEvent } from "./types.js";

const HIGH_INTENT = new Set(["demo_request", "meeting_booked", "webinar_attendance"]);

function isHighIntent(event: DemoEvent): boolean {
  return HIGH_INTENT.has(event.type) || event.url === "/pricing" || event.url === "/demo";
}

function emailDomain(contact: DemoContact): string {
  return contact.email.slice(contact.email.indexOf("@") + 1);
}

/** A deliberately simple rule model, like one a marketer writes on day one. */
function naiveScore(
  contact: DemoContact,
  company: DemoCompany | undefined,
  events: DemoEvent[],
  asOf: string,
) {
  let fit = 0;
  if (/Chief|CEO|CMO|CTO|COO|Founder|VP|Vice|Director|Head/.test(contact.jobTitle)) fit += 20;
  else if (/Manager/.test(contact.jobTitle)) fit += 10;
  if (/Student|Intern|Apprentice/.test(contact.jobTitle)) fit -= 30;
  if (company && company.employees > 50) fit += 10;
  if (company?.industry === "software") fit += 10;
  if ((FREE_MAIL_DOMAINS as readonly string[]).includes(emailDomain(contact))) fit -= 5;
  if (UNSERVED_COUNTRIES.includes(contact.country)) fit -= 30;
  if ((COMPETITOR_DOMAINS as readonly string[]).includes(emailDomain(contact))) fit -= 50;
  let engagement = 0;
  for (const event of events) {
    if (event.timestamp >= asOf) break;
    if (event.type === "page_view") engagement += event.url === "/pricing" || event.url === "/demo" ? 10 : 1;
    else if (event.type === "demo_request" || event.type === "meeting_booked") engagement += 30;
    else if (event.type === "webinar_attendance" || event.type === "content_download") engagement += 10;
    else if (event.type === "unsubscribe") engagement -= 20;
  }
  return fit + Math.min(engagement, 100);
}

/** Probability that a random positive outranks a random negative (ties count half). */
function areaUnderCurve(scored: { score: number; positive: boolean }[]): number {
  const sorted = [...scored].sort((a, b) => a.score - b.score);
  let rankSum = 0;
  let positives = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j < sorted.length && sorted[j].score === sorted[i].score) j++;
    for (let k = i; k < j; k++) {
      if (sorted[k].positive) {
        rankSum += (i + 1 + j) / 2;
        positives++;
      }
    }
    i = j;
  }
  const negatives = sorted.length - positives;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

describe("demo data set realism", () => {
  it("converts between 5% and 10% of contacts, whatever the seed", () => {
    for (const seed of [1, 2, 3]) {
      const contacts = [...generateDemo({ seed, contacts: 10_000 }).contacts()];
      const rate = contacts.filter((c) => c.convertedAt !== "").length / contacts.length;
      expect(rate).toBeGreaterThan(0.05);
      expect(rate).toBeLessThan(0.1);
    }
  });

  it("has about a quarter free-mail addresses, some students, competitors and unserved countries", () => {
    const contacts = [...generateDemo({ seed: 9, contacts: 10_000 }).contacts()];
    const share = (test: (c: DemoContact) => boolean) => contacts.filter(test).length / contacts.length;
    const freeMail = share((c) => (FREE_MAIL_DOMAINS as readonly string[]).includes(emailDomain(c)));
    expect(freeMail).toBeGreaterThan(0.18);
    expect(freeMail).toBeLessThan(0.32);
    expect(share((c) => /Student|Intern|Apprentice/.test(c.jobTitle))).toBeGreaterThan(0.01);
    expect(share((c) => (COMPETITOR_DOMAINS as readonly string[]).includes(emailDomain(c)))).toBeGreaterThan(
      0.003,
    );
    expect(share((c) => UNSERVED_COUNTRIES.includes(c.country))).toBeGreaterThan(0.04);
    expect(share((c) => c.emailStatus !== "valid")).toBeGreaterThan(0.02);
  });

  it("makes converters far more engaged than the others before they convert", () => {
    const perContact = { converters: [0, 0], others: [0, 0] };
    for (const { contact, events } of generateDemo({ seed: 11, contacts: 4000 }).contactsWithEvents()) {
      const before =
        contact.convertedAt === "" ? events : events.filter((e) => e.timestamp < contact.convertedAt);
      const group = contact.convertedAt === "" ? perContact.others : perContact.converters;
      group[0] += before.filter(isHighIntent).length;
      group[1]++;
    }
    const converters = perContact.converters[0] / perContact.converters[1];
    const others = perContact.others[0] / perContact.others[1];
    // Measured: about 32 against 3 high-intent events per contact.
    expect(converters / others).toBeGreaterThan(3);
  });

  it("makes converters active shortly before converting", () => {
    let activeInLastWeek = 0;
    let converters = 0;
    for (const { contact, events } of generateDemo({ seed: 12, contacts: 4000 }).contactsWithEvents()) {
      if (contact.convertedAt === "") continue;
      converters++;
      const weekBefore = new Date(Date.parse(contact.convertedAt) - 7 * 86_400_000).toISOString();
      if (events.some((e) => e.timestamp >= weekBefore && e.timestamp < contact.convertedAt))
        activeInLastWeek++;
    }
    // Measured: about 99%.
    expect(activeInLastWeek / converters).toBeGreaterThan(0.8);
  });

  it("lets interest fade: leads who do not buy are busier in their first month than in the last", () => {
    const dataSet = generateDemo({ seed: 14, contacts: 4000 });
    const monthS = 30 * 86_400;
    const endS = Date.parse(dataSet.endDate) / 1000;
    let firstMonth = 0;
    let lastMonth = 0;
    for (const { contact, events } of dataSet.contactsWithEvents()) {
      if (contact.convertedAt !== "" || events.length === 0) continue;
      const firstS = Date.parse(events[0].timestamp) / 1000;
      if (endS - firstS < 3 * monthS) continue; // the two months must not overlap
      for (const event of events) {
        const atS = Date.parse(event.timestamp) / 1000;
        if (atS < firstS + monthS) firstMonth++;
        if (atS >= endS - monthS) lastMonth++;
      }
    }
    // Measured: about 14 times more events in the first month.
    expect(firstMonth / lastMonth).toBeGreaterThan(4);
  });

  it("lets a naive rule model rank the next 60 days' converters higher, but not perfectly", () => {
    const dataSet = generateDemo({ seed: 13, contacts: 8000 });
    const companies = new Map([...dataSet.companies()].map((company) => [company.id, company]));
    const asOf = new Date(Date.parse(dataSet.endDate) - 60 * 86_400_000).toISOString();
    const scored: { score: number; positive: boolean }[] = [];
    for (const { contact, events } of dataSet.contactsWithEvents()) {
      if (contact.convertedAt !== "" && contact.convertedAt < asOf) continue; // already customers
      const score = naiveScore(contact, companies.get(contact.companyId), events, asOf);
      scored.push({ score, positive: contact.convertedAt !== "" });
    }
    const auc = areaUnderCurve(scored);
    // Measured: about 0.75.
    expect(auc).toBeGreaterThan(0.65);
    expect(auc).toBeLessThan(0.9);
  });
});
