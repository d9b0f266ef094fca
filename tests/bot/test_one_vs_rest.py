from __future__ import annotations

import numpy as np
import pytest
from components.one_vs_rest import fit_one_vs_rest
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC


def data(classes: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Sparse rows around one centre per class, in unequal numbers (so class weights matter)."""
    rng = np.random.default_rng(3)
    labels = np.repeat([f"intent_{k}" for k in range(classes)], [20 + 15 * k for k in range(classes)])
    centres = rng.normal(size=(classes, 40)) * (rng.random((classes, 40)) < 0.3)
    rows = centres[[int(label.split("_")[1]) for label in labels]] + rng.normal(scale=0.8, size=(len(labels), 40))
    rows[rng.random(rows.shape) < 0.5] = 0.0
    return sparse.csr_matrix(rows), labels


def regression(**changes: object) -> LogisticRegression:
    params = {"C": 100.0, "solver": "liblinear", "dual": True, "tol": 1e-8, "max_iter": 5000}
    return LogisticRegression(**{**params, "class_weight": "balanced", "random_state": 42, **changes})


def test_parallel_classes_give_sklearns_one_vs_rest_model() -> None:
    X, y = data(5)
    sequential = regression().fit(X, y)
    parallel = fit_one_vs_rest(regression(), X, y, jobs=2)
    assert list(parallel.classes_) == list(sequential.classes_)
    np.testing.assert_allclose(parallel.coef_, sequential.coef_, atol=1e-3)
    np.testing.assert_allclose(parallel.intercept_, sequential.intercept_, atol=1e-3)
    np.testing.assert_allclose(parallel.predict_proba(X), sequential.predict_proba(X), atol=1e-4)
    assert (parallel.predict(X) == sequential.predict(X)).all()


def test_the_result_does_not_depend_on_the_number_of_workers() -> None:
    X, y = data(4)
    one = fit_one_vs_rest(regression(tol=0.01), X, y, jobs=1)
    two = fit_one_vs_rest(regression(tol=0.01), X, y, jobs=2)
    np.testing.assert_array_equal(one.coef_, two.coef_)
    np.testing.assert_array_equal(one.intercept_, two.intercept_)


def test_two_classes_are_one_ordinary_fit() -> None:
    X, y = data(2)
    np.testing.assert_array_equal(fit_one_vs_rest(regression(), X, y).coef_, regression().fit(X, y).coef_)


def test_another_solver_is_refused() -> None:
    X, y = data(3)
    with pytest.raises(ValueError, match="fit_one_vs_rest needs the liblinear solver"):
        fit_one_vs_rest(regression(solver="lbfgs", dual=False), X, y)


def test_machines_give_sklearns_one_vs_rest_svm_with_scaled_logits() -> None:
    X, y = data(5)
    svm = LinearSVC(C=3.0, tol=1e-8, max_iter=5000, class_weight="balanced", random_state=42).fit(X, y)
    parallel = fit_one_vs_rest(regression(C=3.0), X, y, jobs=2, logits=(4.0, -1.5))
    np.testing.assert_allclose(parallel.decision_function(X), 4.0 * svm.decision_function(X) - 1.5, atol=1e-3)
    probabilities = parallel.predict_proba(X)
    sigmoids = 1.0 / (1.0 + np.exp(-(4.0 * svm.decision_function(X) - 1.5)))
    np.testing.assert_allclose(probabilities, sigmoids / sigmoids.sum(axis=1, keepdims=True), atol=1e-4)
    assert (parallel.predict(X) == svm.predict(X)).all()


def test_two_classes_with_logits_are_one_weighted_machine() -> None:
    X, y = data(2)
    svm = LinearSVC(C=3.0, tol=1e-8, max_iter=5000, class_weight="balanced", random_state=42).fit(X, y)
    fitted = fit_one_vs_rest(regression(C=3.0), X, y, logits=(2.0, 0.5))
    assert fitted.coef_.shape == (1, X.shape[1])
    np.testing.assert_allclose(fitted.decision_function(X), 2.0 * svm.decision_function(X) + 0.5, atol=1e-3)


@pytest.mark.parametrize("scale", [0.0, -1.0])
def test_a_logit_scale_that_is_not_positive_is_refused(scale: float) -> None:
    X, y = data(3)
    with pytest.raises(ValueError, match="the logit scale must be positive"):
        fit_one_vs_rest(regression(), X, y, logits=(scale, 0.0))


def test_the_logit_shift_applies_without_a_fitted_intercept() -> None:
    X, y = data(4)
    svm = LinearSVC(C=3.0, tol=1e-8, max_iter=5000, fit_intercept=False, class_weight="balanced", random_state=42)
    svm.fit(X, y)
    fitted = fit_one_vs_rest(regression(C=3.0, fit_intercept=False), X, y, jobs=2, logits=(4.0, -1.5))
    np.testing.assert_allclose(fitted.decision_function(X), 4.0 * svm.decision_function(X) - 1.5, atol=1e-3)
