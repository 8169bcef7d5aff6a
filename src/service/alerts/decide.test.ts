import { describe, expect, it } from "vitest";
import type { ScoreSnapshot } from "../shared/snapshot.js";
import { decide, type TriggerState } from "./decide.js";
import { parseTriggerFile, TriggerFileError } from "./triggers.js";

const snap = (total: number, extra: Partial<ScoreSnapshot> = {}): ScoreSnapshot => ({
  total,
  dimensions: { engagement: total },
  band: "0-20",
  temperature: null,
  fitGrade: null,
  engagementGrade: null,
  matrix: null,
  mql: false,
  disqualified: false,
  ...extra,
});

const HOOK = `{ webhook: { url: "http://127.0.0.1:9/x", secret: "0123456789abcdef" } }`;
const file = (when: string, extra = "") =>
  parseTriggerFile(`triggers:\n  - id: t\n    when: ${when}\n${extra}    actions: [${HOOK}]\n`).triggers;

/** Feeds a score path through decide, carrying the state, and returns the steps that fired. */
function run(triggers: ReturnType<typeof file>, totals: number[], stepMs = 1000): number[] {
  const stored = new Map<string, TriggerState>();
  const firedAt: number[] = [];
  let before: ScoreSnapshot | undefined;
  totals.forEach((total, i) => {
    const after = snap(total);
    const decision = decide(triggers, stored, before, after, i * stepMs);
    for (const [id, state] of decision.states) stored.set(id, state);
    if (decision.fired.length > 0) firedAt.push(i);
    before = after;
  });
  return firedAt;
}

describe("trigger decisions", () => {
  it("fires once when the total crosses the threshold upward, not while it stays above", () => {
    expect(run(file("{ score: total, above: 60 }"), [10, 40, 65, 70, 90, 61])).toEqual([2]);
  });

  it("does not refire while flapping inside the hysteresis band, refires after re-arming below it", () => {
    const triggers = file("{ score: total, above: 60, hysteresis: 10 }");
    // 59, 61, 55, 62 flap inside [50, 60): one alert. 45 re-arms; 65 fires again.
    expect(run(triggers, [20, 61, 59, 61, 55, 62, 45, 65])).toEqual([1, 7]);
  });

  it("without hysteresis every fresh crossing fires", () => {
    expect(run(file("{ score: total, above: 60 }"), [20, 61, 59, 61])).toEqual([1, 3]);
  });

  it("holds a refire inside the minimum interval and releases it once the interval has passed", () => {
    const triggers = file("{ score: total, above: 60 }", "    minIntervalMinutes: 1\n");
    // Steps are 20 s apart: the crossing at step 3 (40 s after the first alert) is held; at step 4
    // (60 s) the level still holds and the interval has passed.
    expect(run(triggers, [20, 61, 59, 61, 62, 63], 20_000)).toEqual([1, 4]);
  });

  it("fires downward crossings with a band above the threshold", () => {
    expect(run(file("{ score: engagement, below: 10, hysteresis: 5 }"), [30, 9, 12, 8, 16, 10])).toEqual([
      1, 5,
    ]);
  });

  it("does not fire for a contact already above the threshold when first seen with a previous score", () => {
    const triggers = file("{ score: total, above: 60 }");
    const decision = decide(triggers, new Map(), snap(70), snap(75), 0);
    expect(decision.fired).toEqual([]);
    expect(decision.states.size).toBe(0);
    // A brand-new contact that scores above at once does fire.
    expect(decide(triggers, new Map(), undefined, snap(75), 0).fired).toHaveLength(1);
  });

  it("fires on temperature, grade, MQL and disqualification levels", () => {
    const hot = file("{ temperature: hot }");
    expect(decide(hot, new Map(), snap(1), snap(1, { temperature: "hot" }), 0).fired).toHaveLength(1);
    expect(decide(hot, new Map(), snap(1), snap(1, { temperature: "warm" }), 0).fired).toHaveLength(0);
    const grade = file("{ grade: fit, in: [A, B] }");
    expect(
      decide(grade, new Map(), snap(1, { fitGrade: "C" }), snap(1, { fitGrade: "B" }), 0).fired,
    ).toHaveLength(1);
    const mql = file("{ mql: true }");
    expect(decide(mql, new Map(), snap(1), snap(1, { mql: true }), 0).fired).toHaveLength(1);
    const dq = file("{ disqualified: true }");
    expect(decide(dq, new Map(), snap(1), snap(1, { disqualified: true }), 0).fired).toHaveLength(1);
  });
});

describe("trigger files", () => {
  it("names the path and line of each problem", () => {
    const text = [
      "triggers:",
      "  - id: Bad Id",
      "    when: { score: total, above: 60 }",
      "    actions:",
      '      - webhook: { url: "ftp://example.com/x", secret: "short" }',
    ].join("\n");
    try {
      parseTriggerFile(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TriggerFileError);
      const issues = (error as TriggerFileError).issues;
      expect(issues.find((i) => i.path === "triggers.0.id")?.line).toBe(2);
      const url = issues.find((i) => i.path === "triggers.0.actions.0.webhook.url");
      expect(url?.line).toBe(5);
      expect(url?.message).toContain("only http and https");
      expect(issues.some((i) => i.path === "triggers.0.actions.0.webhook.secret")).toBe(true);
    }
  });

  it("refuses duplicate trigger ids and URLs with credentials", () => {
    const text = `triggers:\n  - { id: a, when: { mql: true }, actions: [{ webhook: { url: "https://u:p@example.com/", secret: "0123456789abcdef" } }] }\n  - { id: a, when: { mql: true }, actions: [${HOOK}] }\n`;
    expect(() => parseTriggerFile(text)).toThrow(/used twice[\s\S]*|credentials/);
    const messages = (() => {
      try {
        parseTriggerFile(text);
        return [];
      } catch (error) {
        return (error as TriggerFileError).issues.map((i) => i.message);
      }
    })();
    expect(messages.some((m) => m.includes("credentials"))).toBe(true);
    expect(messages.some((m) => m.includes("used twice"))).toBe(true);
  });
});
