/**
 * Priority tiers: very high, high, medium and low, cut at quantiles of the probabilities the
 * model gave its training rows. With the default shares the top 10% of a population like the
 * training one is "very high", the next 20% "high", the next 30% "medium" and the other 40%
 * "low". The cut points are stored in the model artifact, so a tier means the same on every
 * file scored later (a new file's tiers need not hold those shares: that is the point).
 */

export const TIER_NAMES = ["very high", "high", "medium", "low"] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** Shares of the training rows in each tier, from the top; they add up to 1. */
export const DEFAULT_TIER_SHARES = [0.1, 0.2, 0.3, 0.4] as const;

export interface Tiers {
  shares: number[];
  /** Lowest probability of "very high", "high" and "medium": decreasing. */
  cuts: [number, number, number];
}

/** The q-th quantile (0..1) of ascending values, interpolated linearly (numpy's default). */
function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Cut points from the training probabilities. */
export function fitTiers(
  probabilities: ArrayLike<number>,
  shares: readonly number[] = DEFAULT_TIER_SHARES,
): Tiers {
  if (shares.length !== 4 || Math.abs(shares.reduce((a, b) => a + b, 0) - 1) > 1e-9)
    throw new RangeError("tier shares must be four numbers adding up to 1");
  const sorted = Float64Array.from(probabilities).sort();
  const cuts: [number, number, number] = [
    quantile(sorted, 1 - shares[0]),
    quantile(sorted, 1 - shares[0] - shares[1]),
    quantile(sorted, 1 - shares[0] - shares[1] - shares[2]),
  ];
  return { shares: [...shares], cuts };
}

export function tierOf(tiers: Tiers, probability: number): TierName {
  const [veryHigh, high, medium] = tiers.cuts;
  if (probability >= veryHigh) return "very high";
  if (probability >= high) return "high";
  if (probability >= medium) return "medium";
  return "low";
}

export interface TierOutcome {
  tier: TierName;
  rows: number;
  converted: number;
  conversionRate: number;
}

/** Rows and conversions per tier (for the holdout report: do higher tiers convert more?). */
export function tierOutcomes(
  tiers: Tiers,
  probabilities: ArrayLike<number>,
  labels: ArrayLike<number>,
): TierOutcome[] {
  const rows = new Map<TierName, number>(TIER_NAMES.map((name) => [name, 0]));
  const converted = new Map<TierName, number>(TIER_NAMES.map((name) => [name, 0]));
  for (let i = 0; i < probabilities.length; i++) {
    const tier = tierOf(tiers, probabilities[i]);
    rows.set(tier, (rows.get(tier) ?? 0) + 1);
    if (labels[i] === 1) converted.set(tier, (converted.get(tier) ?? 0) + 1);
  }
  return TIER_NAMES.map((tier) => {
    const n = rows.get(tier) ?? 0;
    const c = converted.get(tier) ?? 0;
    return { tier, rows: n, converted: c, conversionRate: n > 0 ? c / n : Number.NaN };
  });
}
