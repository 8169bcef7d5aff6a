"""Reference figures for src/predict/metrics.test.ts, measured once with scikit-learn.

Run: apt-get install -y python3-sklearn && /usr/bin/python3 bench/reference/metrics.py
Measured with scikit-learn 1.2.1, numpy 1.24.2 (Debian 12). The output is pasted into the test.
"""

import json

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score

# Twenty probabilities with ties (0.9, 0.7, 0.4, 0.2 twice or more, across both classes), one
# exact 0 and one exact 1 (log loss clips them), and a value on a uniform bin edge (0.3).
SCORES = [0.95, 0.9, 0.9, 0.8, 0.7, 0.7, 0.7, 0.65, 0.5, 0.4,
          0.4, 0.35, 0.3, 0.2, 0.2, 0.2, 0.1, 0.05, 0.0, 1.0]
LABELS = [1, 1, 0, 1, 1, 0, 0, 1, 0, 1,
          0, 0, 1, 0, 0, 1, 0, 0, 0, 1]
# A rule-based total on 0-100 with heavy ties, for the ranking metrics only.
TOTALS = [80, 60, 60, 45, 45, 45, 30, 30, 30, 30, 10, 10, 0, 0, 0, 95, 60, 45, 10, 0]
TOTAL_LABELS = [1, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1]


def main():
    y = np.array(LABELS)
    p = np.array(SCORES, dtype=float)
    out = {
        "rocAuc": roc_auc_score(y, p),
        "averagePrecision": average_precision_score(y, p),
        "brier": brier_score_loss(y, p),
        "logLoss": log_loss(y, p),
        "totalsRocAuc": roc_auc_score(TOTAL_LABELS, TOTALS),
        "totalsAveragePrecision": average_precision_score(TOTAL_LABELS, TOTALS),
    }
    for strategy in ("uniform", "quantile"):
        prob_true, prob_pred = calibration_curve(y, p, n_bins=5, strategy=strategy)
        out[f"calibration5{strategy.capitalize()}"] = {
            "observed": prob_true.tolist(),
            "predicted": prob_pred.tolist(),
        }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
