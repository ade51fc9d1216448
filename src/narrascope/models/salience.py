"""Entity salience: how likely a detected entity is one the article frames.

Detected candidates outnumber the entities annotators framed about eight to one; the
entity stage reports only the likeliest. A logistic regression on cheap entity-level
features (how often and where the entity is mentioned, whether the training
annotations know it, which detector found it, the language) scores them. Weights are
a handful of numbers kept in the role artifact's ``mentions.json``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from narrascope.languages import SUPPORTED
from narrascope.models.base import check_is_fitted
from narrascope.nlp.ner import Candidate

DETECTORS = ("spacy", "natasha", "caps", "gazetteer", "latin")
FEATURES = (
    "log_mentions",
    "known_entity",
    "in_headline",
    "first_position",
    "sentence_spread",
    "one_word",
    "three_words_or_more",
    "acronym",
    *(f"detector_{d}" for d in DETECTORS),
    *(f"language_{code}" for code in SUPPORTED),
)


def entity_features(
    candidates: Sequence[Candidate],
    known: bool,
    headline_end: int,
    text_length: int,
    sentence_starts: Sequence[int],
    language: str | None,
) -> np.ndarray:
    """One feature row (``FEATURES`` order) for an entity = its grouped candidates."""
    from bisect import bisect_right

    first = candidates[0]
    words = first.text.split()
    sentences_hit = {bisect_right(sentence_starts, c.start) for c in candidates}
    code = (language or "").lower()
    row = [
        math.log1p(len(candidates)),
        float(known),
        float(first.start < headline_end),
        first.start / max(1, text_length),
        len(sentences_hit) / max(1, len(sentence_starts)),
        float(len(words) == 1),
        float(len(words) >= 3),
        float(first.text.isupper() and len(first.text) <= 6),
        *(sum(c.source == d for c in candidates) / len(candidates) for d in DETECTORS),
        *(float(code == lang) for lang in SUPPORTED),
    ]
    return np.asarray(row, dtype=np.float64)


def heuristic_salience(candidates: Sequence[Candidate], known: bool, headline_end: int) -> float:
    """The fallback ranking when no salience weights ship: mentions + 2 if known + 1 if in the headline."""
    return len(candidates) + 2.0 * known + 1.0 * (candidates[0].start < headline_end)


class SalienceModel:
    """P(entity is framed) from ``entity_features``; scikit-learn shaped (``fit``, ``predict_proba``)."""

    def __init__(self, C: float = 1.0) -> None:
        self.C = C
        self.coef_: np.ndarray | None = None
        self.intercept_: float | None = None

    def fit(self, X: np.ndarray, y: np.ndarray) -> SalienceModel:
        model = LogisticRegression(C=self.C, max_iter=2000).fit(X, y)
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Probability that each entity (row) is one the article frames."""
        check_is_fitted(self, "coef_", "intercept_")
        assert self.coef_ is not None and self.intercept_ is not None
        return 1.0 / (1.0 + np.exp(-(np.asarray(X) @ self.coef_ + self.intercept_)))

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "coef_", "intercept_")
        assert self.coef_ is not None and self.intercept_ is not None
        return {
            "features": list(FEATURES),
            "C": self.C,
            "coef": [round(float(c), 6) for c in self.coef_],
            "intercept": round(self.intercept_, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SalienceModel:
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("salience weights were trained on other features; retrain with 'train roles'")
        self = cls(float(data.get("C", 1.0)))
        self.coef_ = np.asarray(data["coef"], dtype=np.float64)
        self.intercept_ = float(data["intercept"])
        return self
