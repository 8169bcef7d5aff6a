"""Times scikit-learn's HistGradientBoostingClassifier fit on a CSV, for bench/predict-train.ts.

Usage: /usr/bin/python3 bench/reference/hgb_fit_time.py <csv> [label column, default "converted"]
Reads the CSV as hgb_reference.py does (outside the timing), then fits with default settings
(early stopping "auto") and with early_stopping=False (exactly max_iter trees), the median of three
fits each, and prints one JSON object. Threads: OpenMP's default unless OMP_NUM_THREADS is set.
"""

import json
import os
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier

from hgb_reference import read_table


def time_fit(X, y, categorical, early_stopping):
    seconds = []
    for _ in range(3):
        model = HistGradientBoostingClassifier(
            categorical_features=categorical, early_stopping=early_stopping, random_state=0)
        start = time.perf_counter()
        model.fit(X, y)
        seconds.append(time.perf_counter() - start)
    return {"earlyStopping": early_stopping, "seconds": sorted(seconds)[1], "iterations": int(model.n_iter_)}


def main():
    path = sys.argv[1]
    label = sys.argv[2] if len(sys.argv) > 2 else "converted"
    columns, y = read_table(path, label)
    names = list(columns)
    X = np.column_stack([columns[n][1] for n in names])
    categorical = np.array([columns[n][0] == "categorical" for n in names])
    runs = [time_fit(X, y, categorical, "auto"), time_fit(X, y, categorical, False)]
    print(json.dumps({"sklearn": sklearn.__version__, "ompThreads": os.environ.get("OMP_NUM_THREADS", "default"),
                      "rows": int(X.shape[0]), "features": int(X.shape[1]), "runs": runs}))


if __name__ == "__main__":
    main()
