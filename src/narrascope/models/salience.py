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
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from narrascope.nlp.ner import Candidate

DETECTORS = ("spacy", "natasha", "caps", "gazetteer", "latin")
LANGUAGES = ("bg", "en", "hi", "pt", "ru")
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
    *(f"language_{code}" for code in LANGUAGES),
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
        *(float(code == lang) for lang in LANGUAGES),
    ]
    return np.asarray(row, dtype=np.float64)


def heuristic_salience(candidates: Sequence[Candidate], known: bool, headline_end: int) -> float:
    """The fallback ranking when no salience weights ship: mentions + 2 if known + 1 if in the headline."""
    return len(candidates) + 2.0 * known + 1.0 * (candidates[0].start < headline_end)


@dataclass
class SalienceModel:
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, X: np.ndarray, y: np.ndarray, C: float = 1.0) -> SalienceModel:
        model = LogisticRegression(C=C, max_iter=2000).fit(X, y)
        return cls(model.coef_[0].astype(np.float64), float(model.intercept_[0]))

    def score(self, X: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-(np.asarray(X) @ self.coef + self.intercept)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(FEATURES),
            "coef": [round(float(c), 6) for c in self.coef],
            "intercept": round(self.intercept, 6),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SalienceModel:
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("salience weights were trained on other features; retrain with 'train roles'")
        return cls(np.asarray(data["coef"], dtype=np.float64), float(data["intercept"]))
