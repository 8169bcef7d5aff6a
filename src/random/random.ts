/**
 * Seeded pseudo-random numbers, for the demo data set and for the predictive models (training
 * and validation splits, samples of rows for binning): the same seed gives the same numbers on
 * every platform. Pure: no I/O, no clock.
 *
 * The generator is xoshiro128** (Blackman and Vigna, 2018): 128 bits of state, period
 * 2^128 - 1, good statistical quality, and only 32-bit integer operations, which JavaScript
 * does exactly with `Math.imul` and `>>>`. A generator is keyed by a few integers (seed,
 * stream, index) so that every contact has its own stream: a contact's data does not depend
 * on how many random numbers the previous contacts consumed.
 */

const GOLDEN_RATIO_32 = 0x9e3779b9;
const TWO_POW_32 = 4294967296;

/** A 32-bit avalanche mix (the murmur3 finalizer): nearby inputs give unrelated outputs. */
function mix32(value: number): number {
  let z = value | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

/** Folds any safe integer (not only 32-bit ones) into the key hash. */
function absorb(hash: number, key: number): number {
  const low = key >>> 0;
  const high = Math.floor(key / TWO_POW_32) >>> 0;
  return mix32(mix32(hash ^ low) + high + GOLDEN_RATIO_32);
}

/** Cumulative weights for repeated weighted picks among fixed values. */
export interface WeightedTable<T> {
  readonly values: readonly T[];
  readonly cumulative: Float64Array;
  readonly total: number;
}

export function weightedTable<T>(entries: readonly (readonly [T, number])[]): WeightedTable<T> {
  const cumulative = new Float64Array(entries.length);
  let total = 0;
  entries.forEach(([, weight], i) => {
    if (!(weight >= 0)) throw new RangeError(`weight must be non-negative, got ${weight}`);
    total += weight;
    cumulative[i] = total;
  });
  if (total <= 0) throw new RangeError("a weighted table needs a positive total weight");
  return { values: entries.map(([value]) => value), cumulative, total };
}

export class Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  /** Box-Muller makes normals in pairs; the second one waits here. */
  private spareNormal = Number.NaN;

  constructor(seed: number, stream = 0, index = 0) {
    this.reseed(seed, stream, index);
  }

  /** Restarts on the stream keyed by (seed, stream, index), without allocating. */
  reseed(seed: number, stream = 0, index = 0): void {
    let hash = absorb(GOLDEN_RATIO_32, seed);
    hash = absorb(hash, stream);
    hash = absorb(hash, index);
    this.setState(
      mix32(hash + GOLDEN_RATIO_32),
      mix32(hash + 2 * GOLDEN_RATIO_32),
      mix32(hash + 3 * GOLDEN_RATIO_32),
      mix32(hash + 4 * GOLDEN_RATIO_32),
    );
  }

  /** Sets the raw state words (tests compare against the reference algorithm with it). */
  setState(a: number, b: number, c: number, d: number): void {
    this.a = a | 0;
    this.b = b | 0;
    this.c = c | 0;
    this.d = d | 0;
    // The all-zero state is the one fixed point of xoshiro; never start there.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
    this.spareNormal = Number.NaN;
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const shifted = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= shifted;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [min, max). */
  uniform(min = 0, max = 1): number {
    return min + (max - min) * (this.nextUint32() / TWO_POW_32);
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor((this.nextUint32() / TWO_POW_32) * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.nextUint32() / TWO_POW_32 < probability;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor((this.nextUint32() / TWO_POW_32) * values.length)];
  }

  pickWeighted<T>(table: WeightedTable<T>): T {
    return table.values[this.pickIndex(table.cumulative, table.total)];
  }

  /** Index i with probability weight i / total, given cumulative weights. */
  pickIndex(cumulative: ArrayLike<number>, total = cumulative[cumulative.length - 1]): number {
    const target = (this.nextUint32() / TWO_POW_32) * total;
    const last = cumulative.length - 1;
    // Tables are short (a dozen entries at most), so a linear scan beats a binary search.
    for (let i = 0; i < last; i++) if (target < cumulative[i]) return i;
    return last;
  }

  /** Gaussian with this mean and standard deviation (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spareNormal)) {
      const spare = this.spareNormal;
      this.spareNormal = Number.NaN;
      return mean + sd * spare;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.spareNormal = radius * Math.sin(angle);
    return mean + sd * radius * Math.cos(angle);
  }

  /** Log-normal whose median is `median`; `sigma` is the spread of its logarithm. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** Exponential waiting time with this mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** Exponential with this mean, conditioned to fall in [0, max): no rejection loop. */
  truncatedExponential(mean: number, max: number): number {
    const keep = 1 - Math.exp(-max / mean);
    return -mean * Math.log(1 - this.uniform() * keep);
  }

  /**
   * Poisson count with this mean. Exact (Knuth's product of uniforms) below 30; above, the
   * normal approximation, which is close there and costs two uniforms instead of `mean`.
   */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean >= 30) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.uniform();
    while (product > limit) {
      count++;
      product *= this.uniform();
    }
    return count;
  }

  /** Number of failures before the first success, each trial succeeding with `probability`. */
  geometric(probability: number): number {
    if (probability >= 1) return 0;
    return Math.floor(Math.log(1 - this.uniform()) / Math.log(1 - probability));
  }
}

/** The logistic function: maps a score on the real line to a probability. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
