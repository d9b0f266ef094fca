"""Count vectors that keep numbers.

Rasa 3.6's CountVectorsFeaturizer replaces every run of digits with "__NUMBER__" before counting,
so "Form 8822", "section 6103", "Form 911" and "800-829-1040" all look alike. In this domain the
numbers are often what tells topics apart (form numbers, code sections, phone lines, 47,000), so
this subclass does the rest of the parent's processing (lowercasing) and leaves digits alone.
"""

from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import ACTION_NAME, INTENT, INTENT_RESPONSE_KEY, TEXT

from components.source import SourceFingerprinted


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class NumberKeepingCountVectorsFeaturizer(SourceFingerprinted, CountVectorsFeaturizer):
    """CountVectorsFeaturizer without the digits-to-__NUMBER__ replacement."""

    def _process_tokens(self, tokens: List[Text], attribute: Text = TEXT) -> List[Text]:
        """Lowercase (if configured) and nothing else; labels stay untouched."""
        if attribute in (INTENT, ACTION_NAME, INTENT_RESPONSE_KEY) or not self.lowercase:
            return tokens
        return [token.lower() for token in tokens]
