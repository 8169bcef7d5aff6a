import { describe, expect, it } from "vitest";
import { decide, type PredictionSnapshot, predictedConditionOf, type TriggerState } from "./decide.js";
import type { PredictionAlertPayload } from "./record-predictions.js";
import { type PredictedWhen, parseTriggerFile, TriggerFileError } from "./triggers.js";
import { slackMessage } from "./webhook.js";

const HOOK = `{ webhook: { url: "http://127.0.0.1:9/x", secret: "0123456789abcdef" } }`;
const file = (when: string) =>
  parseTriggerFile(`triggers:\n  - id: t\n    when: ${when}\n    actions: [${HOOK}]\n`).triggers;

/** Feeds a path of predictions through decide, carrying the state; the steps that fired. */
function run(triggers: ReturnType<typeof file>, path: PredictionSnapshot[]): number[] {
  const stored = new Map<string, TriggerState>();
  const fired: number[] = [];
  let before: PredictionSnapshot | undefined;
  path.forEach((after, i) => {
    const decision = decide(triggers, stored, before, after, i * 1000, (when) =>
      predictedConditionOf(when as PredictedWhen),
    );
    for (const [id, state] of decision.states) stored.set(id, state);
    if (decision.fired.length > 0) fired.push(i);
    before = after;
  });
  return fired;
}

const p = (probability: number, tier = "medium") => ({ probability, tier });

describe("prediction trigger decisions", () => {
  it("fires once on a probability crossing, re-arming only beyond the hysteresis band", () => {
    const triggers = file("{ predicted: probability, above: 0.3, hysteresis: 0.05 }");
    // 0.31 fires; 0.27 is inside the band (not re-armed), so 0.32 does not fire; 0.2 re-arms, 0.4 fires.
    expect(run(triggers, [p(0.1), p(0.31), p(0.27), p(0.32), p(0.2), p(0.4)])).toEqual([1, 5]);
  });

  it("fires when the tier enters the listed tiers, again only after leaving them", () => {
    const triggers = file("{ predicted: tier, in: [very high, high] }");
    const path = [p(0.1, "low"), p(0.5, "high"), p(0.7, "very high"), p(0.2, "medium"), p(0.6, "high")];
    expect(run(triggers, path)).toEqual([1, 4]);
  });

  it("refuses a probability outside 0..1, an unknown tier and a lifecycle action, naming the path", () => {
    expect(() => file("{ predicted: probability, above: 30 }")).toThrow(TriggerFileError);
    expect(() => file("{ predicted: tier, in: [hot] }")).toThrow(/triggers\.0\.when/);
    const lifecycle = `triggers:\n  - id: t\n    when: { predicted: tier, in: [high] }\n    actions:\n      - lifecycle: { stage: mql }\n`;
    expect(() => parseTriggerFile(lifecycle)).toThrow(
      /triggers\.0\.actions\.0\.lifecycle.*prediction trigger can only send webhooks and emails/,
    );
  });
});

describe("prediction alert messages", () => {
  it("says the probability move and the tier in the Slack and email line", () => {
    const payload: PredictionAlertPayload = {
      id: "d1",
      type: "leadscore.alert",
      firedAt: "2026-09-01T00:00:00.000Z",
      trigger: { id: "likely", when: file("{ predicted: probability, above: 0.3 }")[0].when },
      contact: { id: "c1", email: "ana@example.com" },
      model: { key: "pm", version: 2, kind: "predictive", horizonDays: 90 },
      previous: p(0.1234, "medium"),
      current: p(0.4567, "very high"),
      cause: { cause: "prediction", asOf: "2026-09-01T00:00:00.000Z" },
      factors: { up: [], down: [] },
    };
    expect(slackMessage(payload).text).toBe(
      'Leadscore: ana@example.com fired "likely" (predictive model pm): probability 12.3% → 45.7%, very high',
    );
  });
});
