/**
 * Training options of the boosted trees. The defaults are those of scikit-learn's
 * HistGradientBoostingClassifier (binary log loss), so that its published behaviour and our
 * reference measurements against it apply: 100 iterations at learning rate 0.1, trees of at
 * most 31 leaves grown best-first, 20 rows per leaf at least, 255 bins per feature plus one for
 * missing values, and early stopping on a 10% validation split when there are more than
 * 10,000 rows.
 */

export interface GbdtOptions {
  learningRate: number;
  maxIterations: number;
  maxLeafNodes: number;
  /** null: no depth limit (growth is bounded by maxLeafNodes). */
  maxDepth: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  /** Bins for present values, at most 255; one more bin always holds missing values. */
  maxBins: number;
  /** "auto": on when the training table has more than 10,000 rows. */
  earlyStopping: "auto" | boolean;
  validationFraction: number;
  /** Stop when the validation loss has not improved by `tolerance` for this many iterations. */
  iterationsWithoutChange: number;
  tolerance: number;
  /** Bin thresholds are computed on a seeded sample of this many rows when there are more. */
  binningSampleRows: number;
  seed: number;
}

export const DEFAULT_GBDT_OPTIONS: Readonly<GbdtOptions> = Object.freeze({
  learningRate: 0.1,
  maxIterations: 100,
  maxLeafNodes: 31,
  maxDepth: null,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  maxBins: 255,
  earlyStopping: "auto",
  validationFraction: 0.1,
  iterationsWithoutChange: 10,
  tolerance: 1e-7,
  binningSampleRows: 200_000,
  seed: 0,
});

/** Rows above which "auto" turns early stopping on (as scikit-learn). */
export const EARLY_STOPPING_AUTO_ROWS = 10_000;

/** A child needs at least this much hessian (scikit-learn's min_hessian_to_split). */
export const MIN_HESSIAN_TO_SPLIT = 1e-3;

/** Progress of one boosting iteration, for progress bars. */
export interface IterationProgress {
  iteration: number;
  maxIterations: number;
  leaves: number;
  /** Mean log loss on the validation rows; null without early stopping. */
  validationLoss: number | null;
}

export interface TrainCallbacks {
  onIteration?: (progress: IterationProgress) => void;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new RangeError(`invalid boosted-tree option: ${message}`);
}

/** The defaults overridden by `overrides`, checked: a wrong value names the option. */
export function resolveGbdtOptions(overrides: Partial<GbdtOptions> = {}): GbdtOptions {
  const options: GbdtOptions = { ...DEFAULT_GBDT_OPTIONS };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value;
  }
  const o = options;
  check(o.learningRate > 0, `learningRate must be positive, got ${o.learningRate}`);
  check(Number.isInteger(o.maxIterations) && o.maxIterations >= 1, `maxIterations must be an integer >= 1`);
  check(Number.isInteger(o.maxLeafNodes) && o.maxLeafNodes >= 2, `maxLeafNodes must be an integer >= 2`);
  check(o.maxDepth === null || (Number.isInteger(o.maxDepth) && o.maxDepth >= 1), "maxDepth must be >= 1");
  check(Number.isInteger(o.minSamplesLeaf) && o.minSamplesLeaf >= 1, "minSamplesLeaf must be >= 1");
  check(o.l2Regularization >= 0, "l2Regularization must be >= 0");
  check(Number.isInteger(o.maxBins) && o.maxBins >= 2 && o.maxBins <= 255, "maxBins must be in 2..255");
  check(o.validationFraction > 0 && o.validationFraction < 1, "validationFraction must be in (0, 1)");
  check(
    Number.isInteger(o.iterationsWithoutChange) && o.iterationsWithoutChange >= 1,
    "iterationsWithoutChange",
  );
  check(o.tolerance >= 0, "tolerance must be >= 0");
  check(Number.isInteger(o.binningSampleRows) && o.binningSampleRows >= 2, "binningSampleRows must be >= 2");
  check(Number.isSafeInteger(o.seed), "seed must be a safe integer");
  return options;
}
