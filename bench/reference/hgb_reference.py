"""Reference ROC AUC of scikit-learn's HistGradientBoostingClassifier for the GBDT accuracy tests.

Run (Debian 12: apt-get install -y python3-sklearn; the pyenv python3 has no scikit-learn):
  /usr/bin/python3 bench/reference/hgb_reference.py leads ../shared/data/x-education-leads/Leads.csv
  npx tsc -p tsconfig.bench.json && node build-bench/bench/predict-train.js --write-synthetic /tmp/synthetic.csv
  /usr/bin/python3 bench/reference/hgb_reference.py synthetic /tmp/synthetic.csv

Each run makes a stratified 75/25 split (random_state 20261122), trains HistGradientBoostingClassifier
with default settings (categorical columns as native categories) on the 75%, prints the holdout ROC AUC
and writes the figures and the test rows (0-based data rows) to bench/reference/<name>-hgb.json, which
test/predict-gbdt-accuracy.test.ts reads to train our trees on exactly the same rows.

Reading the CSV: an empty field or "Select" (a form's unanswered dropdown) is missing; a column whose
present values all parse as numbers is numeric; any other column is categorical, its levels sorted and
ordinal-encoded (missing stays NaN), as the TypeScript test reads it.
"""

import csv
import json
import os
import sys

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

SPLIT_SEED = 20261122
MISSING = {"", "Select"}
HERE = os.path.dirname(os.path.abspath(__file__))
LEADS_IDENTIFIERS = ["Prospect ID", "Lead Number"]
LEADS_SALES_FILLED = ["Tags", "Lead Quality", "Lead Profile", "Asymmetrique Activity Index",
                      "Asymmetrique Profile Index", "Asymmetrique Activity Score", "Asymmetrique Profile Score"]


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def read_table(path, label):
    """Columns by name as (numeric or categorical, float array with NaN for missing), and the label."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    columns = {}
    y = None
    for j, name in enumerate(header):
        raw = [r[j].strip() for r in body]
        if name == label:
            y = np.array([int(v) for v in raw])
            continue
        present = [v for v in raw if v not in MISSING]
        if all(is_number(v) for v in present):
            columns[name] = ("numeric", np.array([float(v) if v not in MISSING else np.nan for v in raw]))
        else:
            levels = {level: code for code, level in enumerate(sorted(set(present)))}
            codes = [float(levels[v]) if v not in MISSING else np.nan for v in raw]
            columns[name] = ("categorical", np.array(codes))
    return columns, y


def fit_auc(columns, names, y, train, test, random_state=None):
    X = np.column_stack([columns[n][1] for n in names])
    categorical = np.array([columns[n][0] == "categorical" for n in names])
    model = HistGradientBoostingClassifier(categorical_features=categorical, random_state=random_state)
    model.fit(X[train], y[train])
    return roc_auc_score(y[test], model.predict_proba(X[test])[:, 1]), int(model.n_iter_)


def split(y):
    rows = np.arange(len(y))
    return train_test_split(rows, test_size=0.25, stratify=y, random_state=SPLIT_SEED)


def write(name, result):
    path = os.path.join(HERE, f"{name}-hgb.json")
    with open(path, "w") as f:
        json.dump(result, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {path}")


def leads(path):
    columns, y = read_table(path, "Converted")
    train, test = split(y)
    all_columns = [n for n in columns if n not in LEADS_IDENTIFIERS]
    fair = [n for n in all_columns if n not in LEADS_SALES_FILLED]
    figures = {}
    for label, names in [("allColumns", all_columns), ("withoutSalesFilled", fair)]:
        auc, n_iter = fit_auc(columns, names, y, train, test)
        figures[label] = {"rocAuc": round(auc, 6), "iterations": n_iter, "columns": len(names)}
        print(f"x-education {label}: {len(names)} columns, holdout ROC AUC {auc:.4f} ({n_iter} iterations)")
    write("x-education", {"sklearn": sklearn.__version__, "splitSeed": SPLIT_SEED, "rows": len(y),
                          "excluded": LEADS_IDENTIFIERS, "salesFilled": LEADS_SALES_FILLED,
                          "figures": figures, "testRows": sorted(int(i) for i in test)})


def synthetic(path):
    columns, y = read_table(path, "converted")
    train, test = split(y)
    names = list(columns)
    # More than 10,000 training rows: early stopping is on and its validation split is random,
    # so the figure is taken with random_state=0 and its spread over five seeds is reported too.
    aucs = [fit_auc(columns, names, y, train, test, random_state=s) for s in range(5)]
    for s, (auc, n_iter) in enumerate(aucs):
        print(f"synthetic random_state={s}: holdout ROC AUC {auc:.4f} ({n_iter} iterations)")
    spread = [a for a, _ in aucs]
    write("synthetic", {"sklearn": sklearn.__version__, "splitSeed": SPLIT_SEED, "rows": len(y),
                        "figures": {"rocAuc": round(aucs[0][0], 6), "iterations": aucs[0][1],
                                    "rocAucMin": round(min(spread), 6), "rocAucMax": round(max(spread), 6)},
                        "testRows": sorted(int(i) for i in test)})


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("leads", "synthetic"):
        sys.exit("usage: hgb_reference.py leads|synthetic <csv>")
    {"leads": leads, "synthetic": synthetic}[sys.argv[1]](sys.argv[2])
