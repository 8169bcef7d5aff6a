import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { generateDemo } from "../demo/generator.js";
import { compileModel, type Evaluator } from "../engine/index.js";
import { parseModel } from "../model/parse.js";
import { readTemplate } from "../model/template-files.js";
import type { NumericColumn } from "./dataset.js";
import { demoHistories } from "./demo-histories.js";
import { EventFeatureLayout } from "./event-features.js";
import { type ContactHistory, contactFeatures, type HistoryEvent, snapshotTable } from "./features.js";

const DAY = 86_400_000;
const S = Date.UTC(2026, 7, 1);

describe("event features as of a date", () => {
  const layout = new EventFeatureLayout(["page_view", "form_submission", "demo_request"], [7, 30, 90]);
  const events = [
    { type: "page_view", timeMs: S + DAY },
    { type: "page_view", timeMs: S - 7 * DAY },
    { type: "demo_request", timeMs: S + 2 * DAY },
    { type: "form_submission", timeMs: S - 40 * DAY },
    { type: "chat", timeMs: S - 100 * DAY },
    { type: "page_view", timeMs: S },
  ];

  it("counts per type and window, with the days since the last, from events up to the date only", () => {
    const out = new Float64Array(layout.width);
    layout.compute(events, S, out);
    const value = Object.fromEntries(layout.names.map((name, i) => [name, out[i]]));
    expect(value).toEqual({
      "page_view (last 7 days)": 1,
      "page_view (last 30 days)": 2,
      "page_view (last 90 days)": 2,
      "page_view (all time)": 2,
      "days since page_view": 0,
      "form_submission (last 7 days)": 0,
      "form_submission (last 30 days)": 0,
      "form_submission (last 90 days)": 1,
      "form_submission (all time)": 1,
      "days since form_submission": 40,
      "demo_request (last 7 days)": 0,
      "demo_request (last 30 days)": 0,
      "demo_request (last 90 days)": 0,
      "demo_request (all time)": 0,
      "days since demo_request": Number.NaN,
      "any event (last 7 days)": 1,
      "any event (last 30 days)": 2,
      "any event (last 90 days)": 3,
      "any event (all time)": 4,
      "days since any event": 0,
      "days since first event": 100,
    });
  });
});

describe("snapshot rows and labels", () => {
  const event = (days: number): HistoryEvent => ({ type: "page_view", timeMs: S + days * DAY });
  const contact = (id: string, rest: Partial<ContactHistory>): ContactHistory => ({
    id,
    properties: { id, jobTitle: id === "c1" ? "CEO" : "CTO", lifecycleStage: "lead" },
    events: [event(-3)],
    ...rest,
  });
  const histories = [
    contact("c1", { convertedAtMs: S + 90 * DAY }),
    contact("c2", { convertedAtMs: S + 90 * DAY + 1 }),
    contact("c3", { convertedAtMs: S }),
    contact("c4", { events: [event(1)] }),
    contact("c5", { events: [], createdAtMs: S - 1 }),
  ];

  it("labels conversion within the horizon, leaves out customers and contacts not yet known", () => {
    const result = snapshotTable(histories, {
      snapshotsMs: [S],
      inference: { minLevelRows: 1, minLevelShare: 0 },
    });
    expect(result.contactIds).toEqual(["c1", "c2", "c5"]);
    expect([...result.dataset.label!]).toEqual([1, 0, 0]);
    expect(result.counts).toEqual([
      { snapshotMs: S, rows: 3, positives: 1, alreadyCustomers: 1, notYetKnown: 1 },
    ]);
    expect(result.schema.ignored.slice(0, 2)).toEqual([
      { name: "id", reason: "excluded", detail: "identifier" },
      { name: "lifecycleStage", reason: "excluded", detail: expect.stringContaining("the outcome") },
    ]);
    expect(result.schema.features.map((f) => f.name)).toContain("jobTitle");
  });

  it("makes one row per contact and snapshot", () => {
    const result = snapshotTable(histories, { snapshotsMs: [S + 5 * DAY, S - 5 * DAY] });
    expect(result.contactIds).toEqual(["c1", "c2", "c4", "c5"]);
    expect([...result.snapshotMs]).toEqual([S + 5 * DAY, S + 5 * DAY, S + 5 * DAY, S + 5 * DAY]);
    expect(result.counts.map((c) => c.snapshotMs)).toEqual([S - 5 * DAY, S + 5 * DAY]);
    expect(result.counts[0]).toMatchObject({ rows: 0, notYetKnown: 5, alreadyCustomers: 0 });
  });
});

describe("snapshot features on the demo data set", () => {
  let histories: ContactHistory[];
  let evaluator: Evaluator;
  let baseline: ReturnType<typeof snapshotTable>;
  const options = () => ({ snapshotsMs: [S], evaluator });

  beforeAll(async () => {
    histories = demoHistories(generateDemo({ seed: 11, contacts: 400, eventsPerContact: 30 }));
    evaluator = compileModel(parseModel(await readTemplate("b2b"), "b2b.yaml"));
    baseline = snapshotTable(histories, options());
  });

  it("builds labelled rows with properties, behaviour and the rule scores", () => {
    const { counts, schema, dataset } = baseline;
    expect(counts[0].rows).toBe(dataset.rows);
    expect(counts[0].positives).toBeGreaterThan(0);
    // Seeded: the demo with seed 11 gives these exact figures; every contact is counted once.
    expect(counts[0]).toEqual({
      snapshotMs: S,
      rows: 265,
      positives: 11,
      alreadyCustomers: 17,
      notYetKnown: 118,
    });
    expect(counts[0].rows + counts[0].alreadyCustomers + counts[0].notYetKnown).toBe(400);
    expect(counts[0].alreadyCustomers).toBeGreaterThan(0);
    const names = schema.features.map((f) => f.name);
    expect(names).toEqual(
      expect.arrayContaining(["company.industry", "page_view (last 30 days)", "rule score: total"]),
    );
    for (const leaky of ["lifecycleStage", "unsubscribed", "emailStatus", "convertedAt"]) {
      expect(names).not.toContain(leaky);
      expect(schema.ignored.find((c) => c.name === leaky)?.reason).toBe("excluded");
    }
    expect(schema.contacts?.ruleModel).toEqual({
      name: "B2B lead scoring",
      version: 1,
      dimensions: ["fit", "engagement"],
    });
  });

  it("would give the label away through the demo's lifecycleStage, which is why it is excluded", () => {
    const stage = (id: string) => histories.find((h) => h.id === id)!.properties.lifecycleStage;
    const rows = baseline.contactIds.map((id, i) => ({
      customer: stage(id) === "customer",
      label: baseline.dataset.label![i],
    }));
    expect(rows.filter((row) => row.label === 1).every((row) => row.customer)).toBe(true);
  });

  it("gives the same features at prediction time as in training", () => {
    const rows = baseline.contactIds.map((id) => histories.find((h) => h.id === id)!);
    const schema = JSON.parse(JSON.stringify(baseline.schema));
    const { dataset } = contactFeatures(rows, schema, S, evaluator);
    expect(dataset.features).toEqual(baseline.dataset.features);
  });

  /** One change to the data, at or after the snapshot only. */
  type Change = {
    contact: number;
    op: "add" | "change" | "remove" | "property" | "conversion";
    type: string;
    afterMs: number;
  };
  const changeArb: fc.Arbitrary<Change> = fc.record({
    contact: fc.nat({ max: 399 }),
    op: fc.constantFrom("add", "change", "remove", "property", "conversion"),
    type: fc.constantFrom("page_view", "demo_request", "email_open", "order", "unsubscribe", "custom_type"),
    afterMs: fc.integer({ min: 1, max: 200 * DAY }),
  });

  function applyChange(all: ContactHistory[], change: Change): void {
    const history = { ...all[change.contact] };
    const events = [...history.events];
    const later = events.map((e, i) => (e.timeMs > S ? i : -1)).filter((i) => i >= 0);
    const added = {
      type: change.type,
      timeMs: S + change.afterMs,
      properties: { url: "/pricing", value: 900 },
    };
    if (change.op === "add" || (change.op === "change" && later.length === 0)) events.push(added);
    else if (change.op === "change") events[later[change.afterMs % later.length]] = added;
    else if (change.op === "remove" && later.length > 0)
      events.splice(later[change.afterMs % later.length], 1);
    else if (change.op === "property")
      history.properties = {
        ...history.properties,
        lifecycleStage: "customer",
        unsubscribed: true,
        emailStatus: "bounced",
      };
    else if (change.op === "conversion" && !((history.convertedAtMs ?? Number.NaN) <= S))
      history.convertedAtMs = change.afterMs % 2 ? S + change.afterMs : undefined;
    history.events = events;
    all[change.contact] = history;
  }

  it("never changes a feature when events or outcome-related properties after the snapshot change", () => {
    fc.assert(
      fc.property(fc.array(changeArb, { minLength: 1, maxLength: 6 }), (changes) => {
        const changed = [...histories];
        for (const change of changes) applyChange(changed, change);
        const result = snapshotTable(changed, options());
        expect(result.contactIds).toEqual(baseline.contactIds);
        expect(result.schema.features).toEqual(baseline.schema.features);
        expect(result.dataset.features).toEqual(baseline.dataset.features);
      }),
      { numRuns: 25, seed: 20261130 },
    );
  });

  it("does change the features when an event before the snapshot is added", () => {
    fc.assert(
      fc.property(
        fc.nat({ max: baseline.contactIds.length - 1 }),
        fc.integer({ min: 0, max: 60 * DAY }),
        (row, beforeMs) => {
          const index = histories.findIndex((h) => h.id === baseline.contactIds[row]);
          const changed = [...histories];
          const event = { type: "page_view", timeMs: S - beforeMs, properties: { url: "/pricing" } };
          changed[index] = { ...histories[index], events: [...histories[index].events, event] };
          const result = snapshotTable(changed, options());
          const any = (r: typeof result) =>
            (r.dataset.features.find((f) => f.name === "any event (all time)") as NumericColumn).values[row];
          expect(any(result)).toBe(any(baseline) + 1);
        },
      ),
      { numRuns: 10, seed: 7 },
    );
  });
});
