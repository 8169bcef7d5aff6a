import { describe, expect, it } from "vitest";
import { modelSchema } from "../model/schema.js";
import {
  advanceState,
  applyEvents,
  compileModel,
  emptyState,
  evaluate,
  evaluateState,
  parseState,
  type ScoringEvent,
  serializeState,
  stateSize,
} from "./index.js";

const DAY = 86_400_000;
const AS_OF = Date.parse("2026-06-01T00:00:00Z");

const evaluator = compileModel(
  modelSchema.parse({
    name: "t",
    version: 1,
    scale: null,
    dimensions: [
      {
        id: "engagement",
        rules: [
          {
            id: "pricing",
            event: "page_view",
            points: 5,
            within: "30d",
            where: { field: "url", matches: "/pricing" },
          },
          { id: "forms", event: "form_submit", points: 20, within: "90d" },
          { id: "activity", event: "*", points: 1, within: "90d" },
        ],
      },
    ],
  }),
);

const event = (
  id: string,
  type: string,
  ageDays: number,
  properties: Record<string, unknown> = {},
): ScoringEvent => ({
  id,
  type,
  timeMs: AS_OF - ageDays * DAY,
  properties,
});

const events = [
  event("b", "page_view", 3, { url: "/pricing", referrer: "ads" }),
  event("a", "form_submit", 10, { form: "demo" }),
  event("c", "page_view", 3, { url: "/blog" }),
  event("d", "email_open", 1),
];

describe("contact state by column", () => {
  it("keeps the events in time then id order, with only the properties the model reads", () => {
    const state = applyEvents(evaluator, emptyState(), events);
    expect(state.ids).toEqual(["a", "b", "c", "d"]);
    expect(state.typeNames[state.types[0]]).toBe("form_submit");
    expect(state.properties).toEqual({ url: [null, "/pricing", "/blog", null] });
    expect(state.watermarkMs).toBe(AS_OF - DAY);
  });

  it("is the same state whether events come in order (appended) or not (merged)", () => {
    const sorted = [...events].sort(
      (a, b) => a.timeMs - b.timeMs || (a.id as string).localeCompare(b.id as string),
    );
    const all = applyEvents(evaluator, emptyState(), events);
    // In time order, two at a time: the second batch is appended.
    expect(
      applyEvents(evaluator, applyEvents(evaluator, emptyState(), sorted.slice(0, 2)), sorted.slice(2)),
    ).toEqual(all);
    // Newest first: every later batch is merged in before the state's events.
    let state = emptyState();
    for (const event of [...sorted].reverse()) state = applyEvents(evaluator, state, [event]);
    expect(state).toEqual(all);
  });

  it("round-trips through its stored form, and scores as from scratch", () => {
    let state = emptyState();
    for (const e of events) state = parseState(serializeState(applyEvents(evaluator, state, [e])));
    expect(evaluateState(evaluator, state, {}, undefined, AS_OF, { ledger: true })).toEqual(
      evaluate(evaluator, {}, undefined, events, AS_OF, { ledger: true }),
    );
    expect(parseState(serializeState(emptyState()))).toEqual(emptyState());
  });

  it("stores times as differences when they are whole milliseconds, as they are otherwise", () => {
    const whole = applyEvents(evaluator, emptyState(), events);
    const stored = JSON.parse(serializeState(whole));
    expect(stored.ms).toEqual([AS_OF - 10 * DAY, 7 * DAY, 0, 2 * DAY]);
    expect(parseState(serializeState(whole)).timesMs).toEqual(whole.timesMs);
    const fractional = applyEvents(evaluator, emptyState(), [
      { ...events[0], timeMs: AS_OF - 0.1 },
      events[1],
    ]);
    expect(JSON.parse(serializeState(fractional)).abs).toBe(1);
    expect(parseState(serializeState(fractional)).timesMs).toEqual(fractional.timesMs);
  });

  it("stores ids that are all decimal integers as differences, and any other ids as they are", () => {
    const numbered = [
      { ...events[0], id: "1042" },
      { ...events[1], id: "977" },
      { ...events[2], id: "0" },
      { ...events[3], id: "999999999999999" },
    ];
    const state = applyEvents(evaluator, emptyState(), numbered);
    const stored = JSON.parse(serializeState(state));
    expect(stored.id).toBeUndefined();
    // In the state's order (by time), each the difference from the one before.
    expect(state.ids).toEqual(["977", "0", "1042", "999999999999999"]);
    expect(stored.sq).toEqual([977, -977, 1042, 999999999999999 - 1042]);
    expect(parseState(serializeState(state))).toEqual(state);
    // Not written the one way, or past what a double holds exactly: kept as strings.
    for (const odd of ["0977", "+977", "1e3", "9999999999999999", "12 ", ""]) {
      const mixed = applyEvents(evaluator, emptyState(), [numbered[0], { ...numbered[1], id: odd }]);
      const json = JSON.parse(serializeState(mixed));
      expect(json.sq, odd).toBeUndefined();
      expect(parseState(serializeState(mixed)).ids, odd).toEqual(mixed.ids);
    }
    // An event without an id keeps the ids as strings too.
    const anonymous = applyEvents(evaluator, emptyState(), [numbered[0], { ...numbered[1], id: undefined }]);
    expect(JSON.parse(serializeState(anonymous)).id).toEqual(anonymous.ids);
  });

  it("stores a column of few distinct values once per value, and others as they are", () => {
    const pages = ["/pricing", "/blog", "/pricing", "/pricing", "/blog", "/pricing"];
    const visits = pages.map((url, i) => event(`v${i}`, "page_view", 6 - i, { url }));
    const repeated = applyEvents(evaluator, emptyState(), [...visits, event("d", "email_open", 0.5)]);
    const stored = JSON.parse(serializeState(repeated));
    expect(stored.p).toEqual({});
    expect(stored.pd.url).toEqual([
      ["/pricing", "/blog"],
      [1, 2, 1, 1, 2, 1, 0],
    ]);
    expect(parseState(serializeState(repeated))).toEqual(repeated);
    // As many distinct values as half the events or more: as they are.
    const distinct = applyEvents(
      evaluator,
      emptyState(),
      ["/a", "/b", "/c", "/a"].map((url, i) => event(`w${i}`, "page_view", 4 - i, { url })),
    );
    expect(JSON.parse(serializeState(distinct)).p.url).toEqual(["/a", "/b", "/c", "/a"]);
    // An object is told apart by content only as it is: never coded.
    const objects = applyEvents(
      evaluator,
      emptyState(),
      [1, 2, 3, 4].map((i) => event(`x${i}`, "page_view", i, { url: i === 2 ? { path: "/a" } : "/a" })),
    );
    const json = JSON.parse(serializeState(objects));
    expect(json.pd).toBeUndefined();
    expect(parseState(serializeState(objects))).toEqual(objects);
  });

  it("reads a state stored one object per event (version 1) as the same state", () => {
    const v1 = JSON.stringify({
      watermarkMs: AS_OF - DAY,
      events: [
        { id: "a", type: "form_submit", timeMs: AS_OF - 10 * DAY, properties: {} },
        { id: "b", type: "page_view", timeMs: AS_OF - 3 * DAY, properties: { url: "/pricing" } },
        { id: "c", type: "page_view", timeMs: AS_OF - 3 * DAY, properties: { url: "/blog" } },
        { id: "d", type: "email_open", timeMs: AS_OF - DAY, properties: {} },
      ],
    });
    expect(parseState(v1)).toEqual(applyEvents(evaluator, emptyState(), events));
    expect(() => parseState('{"something":"else"}')).toThrow(/not a stored contact state/);
  });

  it("drops the events that can no longer count, and their property columns", () => {
    const old = event("z", "page_view", 200, { url: "/pricing" });
    const { state } = advanceState(
      evaluator,
      emptyState(),
      [old, event("y", "form_submit", 1)],
      {},
      undefined,
      AS_OF,
    );
    expect(stateSize(state)).toBe(1);
    expect(state.ids).toEqual(["y"]);
    expect(state.properties).toEqual({});
  });
});
