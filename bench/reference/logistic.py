"""Reference coefficients for src/predict/logistic.ts, measured once with scikit-learn.

Run: apt-get install -y python3-sklearn && /usr/bin/python3 bench/reference/logistic.py
Writes bench/reference/logistic-sklearn.json (read by src/predict/logistic.test.ts and
test/predict/x-education-logistic.test.ts). Measured with scikit-learn 1.2.1, numpy 1.24.2.

The design matrix is built exactly as src/predict/design.ts builds it: numeric columns
standardised with the population standard deviation, a missing value set to the mean (0 after
standardising) plus a "<name>=(missing)" indicator column when the column has missing values;
categorical columns one-hot per level, plus "<name>=(missing)". LogisticRegression(penalty="l2",
C=1/l2) minimises the same objective as logistic.ts (intercept not penalised).
"""

import csv
import json
import math
import os

import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
LEADS = os.path.join(HERE, "..", "..", "..", "shared", "data", "x-education-leads", "Leads.csv")
DROPPED = ["Prospect ID", "Lead Number", "Tags", "Lead Quality", "Lead Profile",
           "Asymmetrique Activity Index", "Asymmetrique Profile Index",
           "Asymmetrique Activity Score", "Asymmetrique Profile Score"]


def fixture():
    """The synthetic rows of logistic.test.ts: integer arithmetic only, so both languages agree."""
    effect = {"a": 0.1, "b": -0.05, "c": 0.0, "d": -0.15}
    levels = ["a", "b", "c", "d"]
    x1, x2, cat, y = [], [], [], []
    for i in range(400):
        v1 = ((i * 37) % 101) / 10 - 5
        v2 = math.nan if i % 11 == 0 else ((i * 61) % 89) / 20
        c = None if i % 17 == 3 else levels[(i * 7 + i // 5) % 4]
        u = ((i * 1103515245 + 12345) % 2147483648) / 2147483648
        p = 0.5 + 0.07 * v1 - 0.08 * (0.1 if math.isnan(v2) else v2) + (0.12 if c is None else effect[c])
        p = min(max(p, 0.03), 0.97)
        x1.append(v1)
        x2.append(v2)
        cat.append(c)
        y.append(1 if u < p else 0)
    return [("x1", "numeric", x1), ("x2", "numeric", x2), ("cat", "categorical", cat)], np.array(y)


def design(features):
    names, columns = [], []
    for name, kind, values in features:
        if kind == "numeric":
            v = np.array(values, dtype=float)
            present = ~np.isnan(v)
            mean = v[present].mean()
            std = v[present].std()
            std = std if std > 0 else 1.0
            names.append(name)
            columns.append(np.where(present, (v - mean) / std, 0.0))
            if not present.all():
                names.append(name + "=(missing)")
                columns.append((~present).astype(float))
        else:
            seen = []
            for value in values:
                if value is not None and value not in seen:
                    seen.append(value)
            for level in seen:
                names.append(f"{name}={level}")
                columns.append(np.array([1.0 if value == level else 0.0 for value in values]))
            if any(value is None for value in values):
                names.append(name + "=(missing)")
                columns.append(np.array([1.0 if value is None else 0.0 for value in values]))
    return names, np.column_stack(columns)


def fit(features, y, l2):
    """Both solvers: lbfgs stops on scipy's relative-decrease test (ftol) with gradients near
    1e-3 even at tol=1e-12, so its figures agree to about 1e-4; newton-cholesky reaches the
    optimum to rounding and is the tight reference."""
    names, x = design(features)
    out = {"l2": l2}
    for solver in ("lbfgs", "newton-cholesky"):
        model = LogisticRegression(penalty="l2", C=1 / l2, solver=solver, max_iter=100000, tol=1e-12)
        model.fit(x, y)
        p = model.predict_proba(x)[:, 1]
        gradient = np.concatenate([[np.sum(p - y)], x.T @ (p - y) + l2 * model.coef_[0]])
        out[solver] = {
            "intercept": float(model.intercept_[0]),
            "coefficients": dict(zip(names, model.coef_[0].tolist())),
            "firstProbabilities": p[:10].tolist(),
            "iterations": int(model.n_iter_[0]),
            "largestGradient": float(np.abs(gradient).max()),
        }
    return out


def leads():
    with open(LEADS, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    missing = lambda cell: cell.strip() == "" or cell == "Select"
    features = []
    for name in rows[0].keys():
        if name == "Converted" or name in DROPPED:
            continue
        cells = [row[name] for row in rows]
        try:
            values = [math.nan if missing(c) else float(c) for c in cells]
            features.append((name, "numeric", values))
        except ValueError:
            features.append((name, "categorical", [None if missing(c) else c for c in cells]))
    return features, np.array([1 if row["Converted"] == "1" else 0 for row in rows])


def main():
    features, y = fixture()
    out = {"fixture": [fit(features, y, 1.0), fit(features, y, 10.0)], "fixtureLabelSum": int(y.sum())}
    if os.path.exists(LEADS):
        features, y = leads()
        out["xEducation"] = fit(features, y, 1.0)
    with open(os.path.join(HERE, "logistic-sklearn.json"), "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
