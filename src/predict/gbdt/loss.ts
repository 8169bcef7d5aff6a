/**
 * Binary log loss on raw scores (log-odds): its gradient and hessian per row, the mean loss,
 * and the starting score. Computed through exp(-|raw|) so that no intermediate overflows,
 * however confident the model becomes.
 */

const EPSILON = 2.220446049250313e-16;

/** Log-odds of the conversion rate of `labels`, clipped as scikit-learn does for a pure table. */
export function baselineLogOdds(labels: Uint8Array): number {
  let positives = 0;
  for (let i = 0; i < labels.length; i++) positives += labels[i];
  const rate = Math.min(Math.max(positives / labels.length, EPSILON), 1 - EPSILON);
  return Math.log(rate / (1 - rate));
}

export function sigmoid(raw: number): number {
  if (raw >= 0) return 1 / (1 + Math.exp(-raw));
  const e = Math.exp(raw);
  return e / (1 + e);
}

/** gradient = p - y and hessian = p (1 - p), with p the probability of the raw score. */
export function logLossGradients(
  raw: Float64Array,
  labels: Uint8Array,
  gradients: Float64Array,
  hessians: Float64Array,
): void {
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const e = Math.exp(-Math.abs(r));
    const p = r >= 0 ? 1 / (1 + e) : e / (1 + e);
    gradients[i] = p - labels[i];
    hessians[i] = e / ((1 + e) * (1 + e));
  }
}

/** Mean of log(1 + exp(raw)) - y raw, the log loss of the probabilities. */
export function meanLogLoss(raw: Float64Array, labels: Uint8Array): number {
  let total = 0;
  for (let i = 0; i < raw.length; i++) {
    const r = raw[i];
    const softplus = r > 0 ? r + Math.log1p(Math.exp(-r)) : Math.log1p(Math.exp(r));
    total += softplus - labels[i] * r;
  }
  return total / raw.length;
}
