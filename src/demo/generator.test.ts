import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contactProblems, dataSetProblems } from "../../test/helpers/demo.js";
import { COMPETITOR_DOMAINS } from "./catalog.js";
import { EVENT_TYPE } from "./drafts.js";
import { generateDemo } from "./generator.js";
import { DEMO_EVENT_TYPES, type DemoOptions } from "./types.js";

/** Everything a data set yields, as one string: equal strings mean equal output. */
function serialise(options: DemoOptions): string {
  const dataSet = generateDemo(options);
  const parts: string[] = [];
  for (const company of dataSet.companies()) parts.push(JSON.stringify(company));
  for (const item of dataSet.contactsWithEvents()) parts.push(JSON.stringify(item));
  return parts.join("\n");
}

describe("generateDemo", () => {
  it("gives the same output for the same options, byte for byte", () => {
    const options = { seed: 42, contacts: 300 };
    expect(serialise(options)).toBe(serialise(options));
  });

  it("gives different output for a different seed", () => {
    expect(serialise({ seed: 1, contacts: 100 })).not.toBe(serialise({ seed: 2, contacts: 100 }));
  });

  it("yields the same contacts with or without their events", () => {
    const dataSet = generateDemo({ seed: 8, contacts: 200 });
    const alone = [...dataSet.contacts()];
    const withEvents = [...dataSet.contactsWithEvents()].map((item) => item.contact);
    expect(alone).toEqual(withEvents);
  });

  it("holds every invariant: unique ids, known companies, sorted events in the window, webinars", () => {
    expect(dataSetProblems(generateDemo({ seed: 3, contacts: 2000 }))).toEqual([]);
  });

  it("holds the invariants for any seed, size, window and activity", () => {
    const options = fc.record({
      seed: fc.integer(),
      contacts: fc.integer({ min: 0, max: 40 }),
      companies: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
      months: fc.integer({ min: 1, max: 24 }),
      endDate: fc
        .integer({ min: Date.UTC(2020, 0, 1) / 1000, max: Date.UTC(2030, 0, 1) / 1000 })
        .map((s) => new Date(s * 1000).toISOString()),
      eventsPerContact: fc.double({ min: 0.5, max: 200, noNaN: true }),
    });
    fc.assert(
      fc.property(options, (demoOptions) => {
        expect(dataSetProblems(generateDemo(demoOptions))).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("numbers events e000000001, e000000002... in output order", () => {
    const dataSet = generateDemo({ seed: 4, contacts: 30 });
    const ids = [...dataSet.contactsWithEvents()].flatMap((item) => item.events.map((e) => e.id));
    expect(ids.slice(0, 3)).toEqual(["e000000001", "e000000002", "e000000003"]);
    expect(ids[1000]).toBe("e000001001");
  });

  it("names event types in the same order as the drafts' type codes", () => {
    for (const [name, code] of Object.entries(EVENT_TYPE)) expect(DEMO_EVENT_TYPES[code]).toBe(name);
  });

  it("keeps the mean number of events per contact near the option", () => {
    for (const eventsPerContact of [10, 50]) {
      const dataSet = generateDemo({ seed: 6, contacts: 3000, eventsPerContact });
      let events = 0;
      for (const item of dataSet.contactsWithEvents()) events += item.events.length;
      expect(events / 3000 / eventsPerContact).toBeGreaterThan(0.8);
      expect(events / 3000 / eventsPerContact).toBeLessThan(1.3);
    }
  });

  it("puts competitors' staff at the competitor companies closing the company list", () => {
    const dataSet = generateDemo({ seed: 2, contacts: 3000 });
    const companies = [...dataSet.companies()];
    const competitors = companies.slice(-COMPETITOR_DOMAINS.length);
    expect(competitors.map((company) => company.domain)).toEqual([...COMPETITOR_DOMAINS]);
    const watchers = [...dataSet.contacts()].filter((contact) =>
      competitors.some((company) => company.id === contact.companyId),
    );
    expect(watchers.length).toBeGreaterThan(10);
    for (const contact of watchers) {
      const company = competitors.find((c) => c.id === contact.companyId)!;
      expect(contact.email.endsWith(`@${company.domain}`)).toBe(true);
      expect(contact.convertedAt).toBe("");
    }
  });

  it("tags webinars about a product with that product", () => {
    const dataSet = generateDemo({ seed: 2, contacts: 500 });
    const webinarEvents = [...dataSet.contactsWithEvents()]
      .flatMap((item) => item.events)
      .filter((event) => event.type.startsWith("webinar_"));
    expect(webinarEvents.length).toBeGreaterThan(50);
    for (const event of webinarEvents) {
      const topicProduct = event.campaign!.match(/-(crm|automation|analytics|support)-/)?.[1];
      expect(event.product).toBe(topicProduct);
    }
  });

  it("rejects options that make no data set", () => {
    expect(() => generateDemo({ seed: 1, contacts: -1 })).toThrow(RangeError);
    expect(() => generateDemo({ seed: 1.5, contacts: 1 })).toThrow(RangeError);
    expect(() => generateDemo({ seed: 1, contacts: 1, months: 0 })).toThrow(RangeError);
    expect(() => generateDemo({ seed: 1, contacts: 1, endDate: "soon" })).toThrow(RangeError);
    expect(() => generateDemo({ seed: 1, contacts: 1, eventsPerContact: 0 })).toThrow(RangeError);
  });

  it("reports a broken invariant (the checker itself works)", () => {
    const [{ contact, events }] = generateDemo({ seed: 5, contacts: 1 }).contactsWithEvents();
    const reversed = [...events].reverse();
    const { startDate, endDate } = generateDemo({ seed: 5, contacts: 1 });
    expect(events.length).toBeGreaterThan(1);
    expect(contactProblems(contact, reversed, startDate, endDate).join()).toContain("out of order");
  });
});
