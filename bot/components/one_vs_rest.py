"""liblinear's one-vs-rest linear models, with the classes fitted in parallel processes.

For more than two classes, sklearn's liblinear solver fits one binary problem per class, one after
another on one core: the class's examples against all others, the class's examples weighted by its
class weight and every other example by 1. `fit_one_vs_rest` fits the same binary problems in
`jobs` worker processes and puts the result into the given LogisticRegression, which is then an
ordinary fitted estimator (same attributes, predictions and persistence). With 45 intents and the
sentence vectors that is about half the time on two cores. Processes, not threads: the liblinear
in sklearn shares one random generator between calls, so threads would make the result depend on
timing. This module imports only numpy, scipy and sklearn, so the workers start quickly.

With `logits=(scale, shift)` each binary problem is fitted as a linear support vector machine
instead (squared hinge loss, liblinear's dual solver, the same C, tolerance, iteration limit,
class weights and seed), and the machine's decision value d becomes the logit scale * d + shift:
one Platt scaling shared by all classes. The result is still a LogisticRegression, so its
probabilities are the sigmoids of those logits, normalised over the classes, as for the regression.
Scaling does not change which class ranks first; it decides how sure the probabilities say the
model is, which matters to the fallback threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from joblib import Parallel, cpu_count, delayed
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.class_weight import compute_class_weight


def fit_binary(
    X: sparse.spmatrix | np.ndarray,
    positive: np.ndarray,
    weights: tuple[float, float],
    params: dict[str, Any],
    logits: tuple[float, float] | None = None,
) -> tuple[np.ndarray, float, int]:
    """Coefficients, intercept and iterations of one class against the rest (weights: rest, class)."""
    class_weight = {0: weights[0], 1: weights[1]}
    if logits is None:
        model = LogisticRegression(**{**params, "class_weight": class_weight})
        model.fit(X, positive.astype(np.int64))
        return model.coef_[0], float(model.intercept_[0]), int(model.n_iter_[0])
    svm = LinearSVC(
        C=params["C"],
        loss="squared_hinge",
        dual=True,
        tol=params["tol"],
        max_iter=params["max_iter"],
        fit_intercept=params["fit_intercept"],
        intercept_scaling=params["intercept_scaling"],
        class_weight=class_weight,
        random_state=params["random_state"],
    )
    svm.fit(X, positive.astype(np.int64))
    scale, shift = logits
    intercept = float(np.ravel(svm.intercept_)[0])  # 0.0 without fit_intercept; the shift applies either way
    return scale * svm.coef_[0], scale * intercept + shift, int(svm.n_iter_)


def fit_one_vs_rest(
    regression: LogisticRegression,
    X: sparse.spmatrix | np.ndarray,
    y: np.ndarray,
    jobs: int | None = None,
    logits: tuple[float, float] | None = None,
) -> LogisticRegression:
    """Fit `regression` (liblinear, more than two classes) on `X`, `y`; returns it, fitted.

    `logits`: None fits logistic regressions; (scale, shift) fits support vector machines whose
    scaled decision values are the logits (module docstring).
    """
    if regression.solver != "liblinear":
        raise ValueError("fit_one_vs_rest needs the liblinear solver")
    if logits is not None and not logits[0] > 0:
        raise ValueError("the logit scale must be positive")
    y = np.asarray(y)
    classes = np.unique(y)
    if len(classes) < 3 and logits is None:
        return regression.fit(X, y)
    if regression.class_weight is None:
        weights = np.ones(len(classes))
    else:
        weights = compute_class_weight(regression.class_weight, classes=classes, y=y)
    params = regression.get_params()
    workers = max(1, min(jobs or cpu_count(), len(classes)))
    if len(classes) == 2:  # one problem, as sklearn: the second class against the first
        problems = [(classes[1], (float(weights[0]), float(weights[1])))]
    else:
        problems = [(label, (1.0, float(weight))) for label, weight in zip(classes, weights)]
    fits = Parallel(n_jobs=workers, backend="loky")(
        delayed(fit_binary)(X, y == label, pair, params, logits) for label, pair in problems
    )
    regression.classes_ = classes
    regression.coef_ = np.vstack([coef for coef, _, _ in fits])
    intercepts = np.array([intercept for _, intercept, _ in fits])
    regression.intercept_ = intercepts if regression.fit_intercept or logits is not None else 0.0
    regression.n_iter_ = np.array([max(iterations for _, _, iterations in fits)], dtype=np.int32)
    regression.n_features_in_ = X.shape[1]
    return regression
