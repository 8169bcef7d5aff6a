import { describe, expect, it } from "vitest";
import { checkSufficiency } from "./sufficiency.js";

/** 130 converted, 870 not. */
const label = Uint8Array.from({ length: 1000 }, (_, i) => (i < 130 ? 1 : 0));

describe("data sufficiency", () => {
  it("passes with enough of both classes", () => {
    const result = checkSufficiency(label, { minPositives: 130, minNegatives: 870 });
    expect(result).toEqual({ ok: true, positives: 130, negatives: 870, shortfalls: [] });
  });

  it("says what is missing, with the numbers and what to do", () => {
    const result = checkSufficiency(label);
    expect(result.ok).toBe(false);
    expect(result.shortfalls.map((s) => s.message)).toEqual([
      "130 converted contacts, 500 needed; add history or lower --min-positives",
      "870 not converted contacts, 1000 needed; add history or lower --min-negatives",
    ]);
  });

  it("requires the label window of the latest snapshot to be over when the data ends", () => {
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
    const history = {
      snapshotsMs: [day("2026-06-01"), day("2026-08-15")],
      horizonDays: 90,
      dataEndMs: day("2026-11-01"),
    };
    const result = checkSufficiency(label, { minPositives: 1, minNegatives: 1, history });
    expect(result.shortfalls).toEqual([
      {
        kind: "history",
        snapshotMs: day("2026-08-15"),
        horizonEndMs: day("2026-11-13"),
        dataEndMs: day("2026-11-01"),
        message:
          "the 90-day label window of the snapshot 2026-08-15 ends 2026-11-13, after the data ends (2026-11-01); use a snapshot on or before 2026-08-03",
      },
    ]);
    history.snapshotsMs = [day("2026-08-03")];
    expect(checkSufficiency(label, { minPositives: 1, minNegatives: 1, history }).ok).toBe(true);
  });
});
