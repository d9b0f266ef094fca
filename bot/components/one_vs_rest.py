"""liblinear's one-vs-rest logistic regression, with the classes fitted in parallel processes.

For more than two classes, sklearn's liblinear solver fits one binary problem per class, one after
another on one core: the class's examples against all others, the class's examples weighted by its
class weight and every other example by 1. `fit_one_vs_rest` fits the same binary problems in
`jobs` worker processes and puts the result into the given LogisticRegression, which is then an
ordinary fitted estimator (same attributes, predictions and persistence). With 45 intents and the
sentence vectors that is about half the time on two cores. Processes, not threads: the liblinear
in sklearn shares one random generator between calls, so threads would make the result depend on
timing. This module imports only numpy, scipy and sklearn, so the workers start quickly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from joblib import Parallel, cpu_count, delayed
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.utils.class_weight import compute_class_weight


def fit_binary(
    X: sparse.spmatrix | np.ndarray, positive: np.ndarray, weight: float, params: dict[str, Any]
) -> tuple[np.ndarray, float, int]:
    """Coefficients, intercept and iterations of one class against the rest."""
    model = LogisticRegression(**{**params, "class_weight": {0: 1.0, 1: weight}})
    model.fit(X, positive.astype(np.int64))
    return model.coef_[0], float(model.intercept_[0]), int(model.n_iter_[0])


def fit_one_vs_rest(
    regression: LogisticRegression, X: sparse.spmatrix | np.ndarray, y: np.ndarray, jobs: int | None = None
) -> LogisticRegression:
    """Fit `regression` (liblinear, more than two classes) on `X`, `y`; returns it, fitted."""
    if regression.solver != "liblinear":
        raise ValueError("fit_one_vs_rest needs the liblinear solver")
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) < 3:
        return regression.fit(X, y)
    if regression.class_weight is None:
        weights = np.ones(len(classes))
    else:
        weights = compute_class_weight(regression.class_weight, classes=classes, y=y)
    params = regression.get_params()
    workers = max(1, min(jobs or cpu_count(), len(classes)))
    fits = Parallel(n_jobs=workers, backend="loky")(
        delayed(fit_binary)(X, y == label, float(weight), params) for label, weight in zip(classes, weights)
    )
    regression.classes_ = classes
    regression.coef_ = np.vstack([coef for coef, _, _ in fits])
    regression.intercept_ = np.array([intercept for _, intercept, _ in fits]) if regression.fit_intercept else 0.0
    regression.n_iter_ = np.array([max(iterations for _, _, iterations in fits)], dtype=np.int32)
    regression.n_features_in_ = X.shape[1]
    return regression
