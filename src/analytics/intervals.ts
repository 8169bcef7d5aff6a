/**
 * Confidence intervals for conversion rates and for the ratio of two rates. Pure: no I/O.
 *
 * A rate gets a Wilson score interval: unlike the textbook p ± z·√(p(1-p)/n), it stays inside
 * [0, 1] and does not collapse to a point at 0 or n conversions, which small bands often have.
 * The ratio of two rates (a rule's "fired" against "not fired") gets Katz's log interval, with
 * half a conversion added to each count when one of them is zero, so it is always defined.
 */

/** 95% two-sided. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of `successes` out of `n`; [0, 1] when n is 0. */
export function wilsonInterval(successes: number, n: number, z = Z95): Interval {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0 and n the exact bound is 0 or 1; floating point leaves 1e-17 otherwise.
  return {
    low: successes === 0 ? 0 : Math.max(0, center - half),
    high: successes === n ? 1 : Math.min(1, center + half),
  };
}

/** Two groups' conversions: a of n1 in the first, c of n2 in the second. */
export interface TwoGroups {
  a: number;
  n1: number;
  c: number;
  n2: number;
}

export interface Ratio {
  value: number;
  interval: Interval;
}

/** Adds half a conversion and half a non-conversion to each group when any cell is empty. */
function corrected({ a, n1, c, n2 }: TwoGroups): TwoGroups {
  const empty = a === 0 || c === 0 || a === n1 || c === n2;
  return empty ? { a: a + 0.5, n1: n1 + 1, c: c + 0.5, n2: n2 + 1 } : { a, n1, c, n2 };
}

/**
 * Risk ratio (rate of the first group over the second's) with Katz's interval:
 * exp(ln RR ± z·√(1/a − 1/n1 + 1/c − 1/n2)). Undefined (NaN) when a group is empty.
 */
export function riskRatio(groups: TwoGroups, z = Z95): Ratio {
  if (groups.n1 === 0 || groups.n2 === 0)
    return { value: Number.NaN, interval: { low: Number.NaN, high: Number.NaN } };
  const { a, n1, c, n2 } = corrected(groups);
  const log = Math.log(a / n1 / (c / n2));
  const se = Math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2);
  return { value: Math.exp(log), interval: { low: Math.exp(log - z * se), high: Math.exp(log + z * se) } };
}

/**
 * Natural log of the odds ratio of the first group against the second (Woolf), with its
 * standard error; the same half-count correction. NaN when a group is empty.
 */
export function logOddsRatio(groups: TwoGroups): { value: number; standardError: number } {
  if (groups.n1 === 0 || groups.n2 === 0) return { value: Number.NaN, standardError: Number.NaN };
  const { a, n1, c, n2 } = corrected(groups);
  const b = n1 - a;
  const d = n2 - c;
  return { value: Math.log((a * d) / (b * c)), standardError: Math.sqrt(1 / a + 1 / b + 1 / c + 1 / d) };
}

/** Do two intervals share a point? */
export const overlap = (x: Interval, y: Interval) => x.low <= y.high && y.low <= x.high;
