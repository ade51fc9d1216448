"""Localising a technique inside a segment (models/localise.py): attribution and the window rule.

Texts and weights are written here; the tests check the bookkeeping (contributions add up
to the lexical features, spans sit on word edges, the rule's limits hold), not accuracy.
"""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.models.linear import LexicalFeaturizer
from narrascope.models.localise import (
    LocaliseRule,
    SegmentLocaliser,
    attribution_matrix,
    best_window,
    localise,
    word_scores,
)

TEXTS = [
    "These traitors in Brussels lie to the people again.",
    "The committee met on Tuesday to discuss the budget.",
    "Traitors and liars, all of them — shame!",
    "The budget was approved on Tuesday by the committee.",
    "Der Haushalt wurde am Dienstag beschlossen.",
]


@pytest.fixture(scope="module")
def featurizer() -> LexicalFeaturizer:
    return LexicalFeaturizer(word_features=500, char_features=2000).fit(TEXTS * 2)


def test_contributions_add_up_to_the_features_of_words(featurizer: LexicalFeaturizer) -> None:
    text = "These traitors   lie — again, to the people!"
    words, matrix = attribution_matrix(featurizer, text)
    assert [text[a:b] for a, b in words] == ["These", "traitors", "lie", "again", "to", "the", "people"]
    columns = np.asarray(matrix.sum(axis=0)).ravel()
    expected = featurizer.transform([text]).toarray().ravel()
    covered = columns > 0
    # every feature that touches a word is given out in full; only n-grams made of spaces and
    # punctuation alone (", ", "! ") belong to no word
    assert np.allclose(columns[covered], expected[covered], atol=1e-6)
    assert featurizer.word_ is not None and featurizer.char_ is not None
    names = np.concatenate(
        [featurizer.word_.get_feature_names_out(), featurizer.char_.get_feature_names_out()]
    )
    missing = names[(expected > 0) & ~covered]
    assert all(not any(ch.isalnum() for ch in name) for name in missing)


def test_a_weighted_word_drives_the_span(featurizer: LexicalFeaturizer) -> None:
    vocabulary = featurizer.word_.vocabulary_  # type: ignore[union-attr]
    coef = np.zeros((2, featurizer.n_features + 3), dtype=np.float32)  # + a language one-hot
    coef[0, vocabulary["traitors"]] = 5.0
    coef[1, vocabulary["budget"]] = -5.0  # nothing positive: no span
    text = "The committee says these traitors lie about the budget."
    words, scores = word_scores(featurizer, coef, text)
    assert scores.shape == (len(words), 2)
    assert text[slice(*words[int(np.argmax(scores[:, 0]))])] == "traitors"
    localiser = SegmentLocaliser(featurizer, coef, ["Loaded_Language", "Doubt"], LocaliseRule(0.9, 1, 3))
    spans = localiser.spans(text, ["Loaded_Language", "Doubt", "Slogans"])
    assert set(spans) == {"Loaded_Language"}
    start, end = spans["Loaded_Language"]
    assert text[start:end] == "traitors"


def test_window_rule_limits() -> None:
    scores = np.array([0.0, 1.0, -0.5, 3.0, 0.0, 1.0, 0.0])
    assert best_window(scores, LocaliseRule(0.5, 1, 10)) == (3, 4)  # one word holds 3/5
    assert best_window(scores, LocaliseRule(0.8, 1, 10)) == (1, 4)  # 4/5 needs three words
    assert best_window(scores, LocaliseRule(1.0, 1, 3)) == (1, 4)  # capped: best 3 words, first on ties
    assert best_window(scores, LocaliseRule(0.1, 2, 10)) in {(2, 4), (3, 5)}  # at least two words
    assert best_window(np.array([-1.0, 0.0]), LocaliseRule()) is None
    assert best_window(np.zeros(0), LocaliseRule()) is None
    assert best_window(np.array([2.0]), LocaliseRule(0.5, 3, 8)) == (0, 1)  # shorter than min_words


def test_localised_span_starts_and_ends_on_word_edges() -> None:
    text = "«Предатели» лгут, снова и снова!"
    words = [(1, 10), (12, 16), (18, 23), (24, 25), (26, 31)]
    assert [text[a:b] for a, b in words] == ["Предатели", "лгут", "снова", "и", "снова"]
    start, end = localise(words, np.array([2.0, 1.0, 0.0, 0.0, 0.0]), LocaliseRule(0.9, 1, 5))  # type: ignore[misc]
    assert text[start:end] == "Предатели» лгут"
    assert localise(words, np.zeros(5)) is None
