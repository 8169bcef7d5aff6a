/**
 * Two models on the same contacts and outcomes: how well each ranks converters (ROC AUC,
 * top-decile lift, computed as the predictive evaluation does), how much they agree on the order
 * (Spearman's rank correlation, ties at their average rank) and where they disagree: contacts in
 * the top tenth of one and the bottom half of the other, with how often each group converts.
 * Pure: no I/O. Holds every contact's two scores (16 bytes a contact).
 */
import { deciles, rocAuc } from "../predict/metrics.js";
import { type Interval, wilsonInterval } from "./intervals.js";

export interface ModelScore {
  name: string;
  rocAuc: number;
  /** Conversion of the top tenth (by score, ties in input order) over the base rate. */
  topDecileLift: number;
}

export interface Disagreement {
  /** The model that ranks these contacts in its top tenth, while the other puts them in its bottom half. */
  highIn: string;
  contacts: number;
  conversions: number;
  rate: number;
  interval: Interval;
}

export interface Comparison {
  contacts: number;
  conversions: number;
  models: [ModelScore, ModelScore];
  /** Spearman's rank correlation of the two scores, -1 to 1. */
  rankAgreement: number;
  disagreements: [Disagreement, Disagreement];
}

/** Average ranks (1 = lowest), ties sharing the mean of their positions. */
export function averageRanks(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  const ranks = new Float64Array(n);
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = rank;
    start = end;
  }
  return ranks;
}

/** Pearson's correlation of the ranks; NaN when either score is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const n = ra.length;
  const mean = (n + 1) / 2;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    const x = ra[i] - mean;
    const y = rb[i] - mean;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa === 0 || bb === 0 ? Number.NaN : ab / Math.sqrt(aa * bb);
}

function disagreement(
  highIn: string,
  high: Float64Array,
  low: Float64Array,
  labels: ArrayLike<number>,
): Disagreement {
  const n = labels.length;
  let contacts = 0;
  let conversions = 0;
  // Top tenth: an average rank above 90% of n; bottom half: at or below half of n.
  for (let i = 0; i < n; i++)
    if (high[i] > 0.9 * n && low[i] <= 0.5 * n) {
      contacts++;
      if (labels[i] === 1) conversions++;
    }
  return {
    highIn,
    contacts,
    conversions,
    rate: contacts === 0 ? Number.NaN : conversions / contacts,
    interval: wilsonInterval(conversions, contacts),
  };
}

/** labels: 1 converted (within the horizon), 0 not. */
export function compareScores(
  names: [string, string],
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  labels: ArrayLike<number>,
): Comparison {
  if (a.length !== b.length || a.length !== labels.length)
    throw new RangeError(
      `${a.length} and ${b.length} scores for ${labels.length} outcomes; they must pair up`,
    );
  let conversions = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] === 1) conversions++;
  const score = (name: string, scores: ArrayLike<number>): ModelScore => ({
    name,
    rocAuc: rocAuc(scores, labels),
    topDecileLift: labels.length >= 10 ? deciles(scores, labels)[0].lift : Number.NaN,
  });
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  return {
    contacts: labels.length,
    conversions,
    models: [score(names[0], a), score(names[1], b)],
    rankAgreement: spearman(a, b),
    disagreements: [disagreement(names[0], ra, rb, labels), disagreement(names[1], rb, ra, labels)],
  };
}
