"""A linear model on TF-IDF weighted n-gram counts: logistic regression or a calibrated SVM.

Rasa 3.6's LogisticRegressionClassifier fits sklearn's LogisticRegression (C=1) on the raw
counts that the CountVectorsFeaturizers produce. Long messages then weigh more than short
ones, and common n-grams ("the", "irs", "de ") as much as rare, telling ones. This subclass puts
a TfidfTransformer (sublinear tf, idf, L2 norm) in front of a less regularised regression; on the
held-out examples that gains several points (see README, "Why this NLU pipeline").
With 21 languages there are about 450,000 n-gram features: the parent's lbfgs solver keeps ten
dense gradient copies of a 450,000 x 45 matrix (over 6 GB) and did not finish in 30 minutes, so the
regression is fitted one-vs-rest by liblinear in its dual form (about 40 s, little memory), with the
classes fitted in parallel processes (one_vs_rest.py, `jobs`: all cores by default).
With `loss: squared_hinge` each class is fitted as a linear support vector machine instead, and
its decision value d becomes the logit `logit_scale` * d + `logit_shift` (one Platt scaling for
all classes, measured on the held-out split: README, "Why this NLU pipeline"). The fitted model is
the same LogisticRegression object either way, so prediction, ranking and persistence do not change.
The parent puts any dense sentence features (embeddings.py) after the sparse counts in each row;
TF-IDF weighting applies to the counts only and the dense block passes through as it is.
Training builds the parent's matrix, weights it and fits the regression (one_vs_rest.py);
prediction and persistence (skops) are the parent's. Loading trusts one more type,
scipy's CSR matrix (the fitted idf diagonal), and fails loudly rather than silently returning an
untrained classifier as the parent does.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Text

import skops.io
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from components.one_vs_rest import fit_one_vs_rest
from components.source import SourceFingerprinted

LOSSES = ("logistic", "squared_hinge")

TRUSTED = frozenset({"scipy.sparse._csr.csr_matrix"})
"""Types outside skops' defaults that a fitted pipeline holds; anything else is refused."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfLogisticRegressionClassifier(SourceFingerprinted, LogisticRegressionClassifier):
    """Intent classifier: TF-IDF weighting, then a one-vs-rest linear model with sigmoid probabilities."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """The parent's defaults, plus C, the loss, its logit scaling and the worker count."""
        return {
            **LogisticRegressionClassifier.get_default_config(),
            "C": 100.0,
            "solver": "liblinear",
            "dual": True,
            "max_iter": 500,
            "loss": "logistic",
            "logit_scale": 1.0,
            "logit_shift": 0.0,
            "jobs": None,
        }

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        if self.config["loss"] not in LOSSES:
            raise ValueError(f"loss must be one of {', '.join(LOSSES)}")
        if not self.config["logit_scale"] > 0:
            raise ValueError("the logit scale must be positive")
        self.clf = self._pipeline(None)

    def _pipeline(self, counts: Optional[int]) -> Pipeline:
        """TF-IDF on the first `counts` columns (None: all of them), then the regression."""
        regression = LogisticRegression(
            C=self.config["C"],
            solver=self.config["solver"],
            dual=self.config["dual"],
            max_iter=self.config["max_iter"],
            tol=self.config["tol"],
            class_weight="balanced",
            random_state=self.config["random_state"],
        )
        tfidf = TfidfTransformer(sublinear_tf=True)
        if counts is None:
            return Pipeline([("tfidf", tfidf), ("regression", regression)])
        weighting = ColumnTransformer(
            [("tfidf", tfidf, slice(0, counts))], remainder="passthrough", sparse_threshold=1.0
        )  # always sparse: a dense copy of 50,000 x 450,000 would not fit
        return Pipeline([("weighting", weighting), ("regression", regression)])

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example with an intent and text; dense features, if any, skip TF-IDF."""
        first = next((e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)), None)
        if first is not None and first.get_dense_features(attribute=TEXT)[1] is not None:
            counts = first.get_sparse_features(attribute=TEXT)[1]
            self.clf = self._pipeline(counts.features.shape[1] if counts else 0)
        X, y = self._create_training_matrix(training_data)
        if X.shape[0] == 0:  # as the parent: no intent examples, nothing to fit
            return self._resource
        weighted = self.clf[:-1].fit_transform(X)  # the same step objects, fitted in place
        logits = None
        if self.config["loss"] == "squared_hinge":
            logits = (float(self.config["logit_scale"]), float(self.config["logit_shift"]))
        fit_one_vs_rest(self.clf[-1], weighted, y, self.config["jobs"], logits)
        self.persist()
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfLogisticRegressionClassifier":
        """Load the fitted pipeline; a resource that was never trained gives an untrained component."""
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / f"{resource.name}.skops"
                untrusted = set(skops.io.get_untrusted_types(file=path))
                if untrusted - TRUSTED:
                    raise TypeError(f"untrusted types in {path.name}: {sorted(untrusted - TRUSTED)}")
                component.clf = skops.io.load(path, trusted=sorted(untrusted))
        except ValueError:  # Rasa's "resource does not exist": the model had no intent examples
            pass
        return component
