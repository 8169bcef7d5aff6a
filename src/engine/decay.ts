/**
 * Decay turns an event's age into a weight in [0, 1]. Points are then counted in integer
 * micro-points, so sums do not depend on the order events arrive in, and an occurrence
 * whose weight rounds its points to zero has expired for good (weights never grow back).
 */

import { durationToMs } from "../model/duration.js";
import { type Decay, unreachable } from "../model/schema.js";

export const MICRO = 1_000_000;

/** Weight of an event of this age (ms, >= 0). */
export type DecayWeight = (ageMs: number) => number;

export function compileDecay(decay: Decay | undefined): DecayWeight | null {
  if (decay === undefined) return null;
  if (decay.kind === "halfLife") {
    const rate = exponentialRate(decay);
    return (ageMs) => Math.exp(-rate * ageMs);
  }
  const afters = decay.steps.map((step) => durationToMs(step.after));
  const factors = decay.steps.map((step) => step.factor);
  return (ageMs) => {
    let weight = 1;
    for (let k = 0; k < afters.length; k++) if (ageMs >= afters[k]) weight = factors[k];
    return weight;
  };
}

/** The rate of an exponential decay (per ms), or 0 for other decays; the hot loop inlines it. */
export function exponentialRate(decay: Decay | undefined): number {
  return decay?.kind === "halfLife" ? Math.LN2 / durationToMs(decay.halfLife) : 0;
}

export function describeDecay(decay: Decay | undefined): string {
  if (decay === undefined) return "";
  switch (decay.kind) {
    case "halfLife":
      return `half-life ${formatDuration(decay.halfLife)}`;
    case "steps":
      return `step decay ${decay.steps.map((s) => `x${s.factor} after ${formatDuration(s.after)}`).join(", ")}`;
    default:
      return unreachable(decay);
  }
}

export function formatDuration(d: number | string): string {
  return typeof d === "number" ? `${d}d` : d.trim();
}

/** Micro-points of `points` at this weight: an integer, so sums are exact and associative. */
export function microPoints(points: number, weight: number): number {
  return Math.round(points * MICRO * weight);
}

/** Integer cents from micro-points (the ledger shows 2 decimals). */
export function microToCents(micro: number): number {
  return Math.round(micro / 10_000) + 0; // + 0: no negative zero
}
