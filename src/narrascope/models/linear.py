"""Linear building blocks saved as arrays: a TF-IDF featurizer and one-vs-rest heads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from narrascope.models.base import check_is_fitted
from narrascope.nlp.tokens import words

Matrix: TypeAlias = np.ndarray | sp.csr_matrix


class LexicalFeaturizer:
    """Word 1-2 gram + character 2-5 gram TF-IDF, capped in vocabulary size.

    The caps keep the shipped weights small: every kept feature costs one weight
    per label.
    """

    def __init__(self, word_features: int = 50_000, char_features: int = 100_000) -> None:
        self.word_features = word_features
        self.char_features = char_features
        self.word_: TfidfVectorizer | None = None
        self.char_: TfidfVectorizer | None = None

    def _make(self) -> tuple[TfidfVectorizer, TfidfVectorizer]:
        # Words from narrascope's one tokeniser (scikit-learn's default pattern cuts
        # Devanagari words at their vowel signs).
        word = TfidfVectorizer(
            tokenizer=_lower_words,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            sublinear_tf=True,
            min_df=2,
            max_features=self.word_features,
            dtype=np.float32,
        )
        char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            sublinear_tf=True,
            min_df=2,
            max_features=self.char_features,
            dtype=np.float32,
        )
        return word, char

    def fit(self, texts: Sequence[str]) -> LexicalFeaturizer:
        self.word_, self.char_ = self._make()
        self.word_.fit(texts)
        self.char_.fit(texts)
        return self

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        check_is_fitted(self, "word_", "char_")
        assert self.word_ is not None and self.char_ is not None
        return sp.hstack([self.word_.transform(texts), self.char_.transform(texts)], format="csr")

    def transform_words(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Only the word-n-gram block (the first ``n_word_features`` columns): cheap."""
        check_is_fitted(self, "word_")
        assert self.word_ is not None
        return self.word_.transform(texts)

    @property
    def n_word_features(self) -> int:
        return len(self.word_.vocabulary_) if self.word_ is not None else 0

    @property
    def n_features(self) -> int:
        if self.word_ is None or self.char_ is None:
            return 0
        return len(self.word_.vocabulary_) + len(self.char_.vocabulary_)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        check_is_fitted(self, "word_", "char_")
        assert self.word_ is not None and self.char_ is not None
        out: dict[str, np.ndarray] = {}
        for name, vec in (("word", self.word_), ("char", self.char_)):
            terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
            # Terms never contain a newline (tokens are split on whitespace), so a
            # newline-joined UTF-8 blob stores the vocabulary without pickling.
            out[f"{prefix}{name}_vocab"] = np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8)
            out[f"{prefix}{name}_idf"] = vec.idf_.astype(np.float32)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> LexicalFeaturizer:
        self = cls()
        self.word_, self.char_ = self._make()
        for name, vec in (("word", self.word_), ("char", self.char_)):
            terms = bytes(arrays[f"{prefix}{name}_vocab"]).decode("utf-8").split("\n")
            vec.vocabulary = {t: i for i, t in enumerate(terms)}
            vec.fit(["x"])  # builds the fixed-vocabulary internals; idf is replaced below
            vec.idf_ = arrays[f"{prefix}{name}_idf"].astype(np.float64)
        self.word_features = len(self.word_.vocabulary_)
        self.char_features = len(self.char_.vocabulary_)
        return self


def _lower_words(text: str) -> list[str]:
    return words(text.lower())


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


class OneVsRestLinear:
    """Independent L2 logistic regressions, one per label, stored as a weight matrix.

    Labels with no positive example in the training data get a constant
    probability of zero (a very negative bias) instead of a fitted model.
    """

    def __init__(self, C: float = 10.0, max_iter: int = 2000) -> None:
        self.C = C
        self.max_iter = max_iter
        self.coef_: np.ndarray | None = None
        self.intercept_: np.ndarray | None = None
        self._weights_by_feature: np.ndarray | None = None

    def fit(self, X: Matrix, Y: np.ndarray) -> OneVsRestLinear:
        n_labels = Y.shape[1]
        coef = np.zeros((n_labels, X.shape[1]), dtype=np.float32)
        intercept = np.full(n_labels, -30.0, dtype=np.float32)
        for j in range(n_labels):
            y = Y[:, j]
            if y.min() == y.max():
                intercept[j] = 30.0 if y.min() == 1 else -30.0
                continue
            # The dual problem is ~10x faster when features outnumber articles (TF-IDF).
            dual = X.shape[1] > X.shape[0]
            model = LogisticRegression(
                C=self.C, max_iter=self.max_iter, solver="liblinear", dual=dual, random_state=0
            )
            model.fit(X, y)
            coef[j] = model.coef_[0]
            intercept[j] = model.intercept_[0]
        self.coef_, self.intercept_ = coef, intercept
        self._weights_by_feature = None
        return self

    def decision_function(self, X: Matrix) -> np.ndarray:
        check_is_fitted(self, "coef_", "intercept_")
        assert self.intercept_ is not None
        scores = X @ self.weights_by_feature
        return np.asarray(scores, dtype=np.float32) + self.intercept_

    @property
    def weights_by_feature(self) -> np.ndarray:
        """``coef_.T`` as a contiguous float32 array, built once.

        A sparse matrix times a transposed (non-contiguous) array makes scipy copy
        the whole weight matrix on every call; caching the layout avoids that.
        """
        check_is_fitted(self, "coef_")
        assert self.coef_ is not None
        cached = getattr(self, "_weights_by_feature", None)
        if cached is None or cached.shape != self.coef_.T.shape:
            cached = np.ascontiguousarray(self.coef_.T, dtype=np.float32)
            self._weights_by_feature = cached
        return cached

    def predict_proba(self, X: Matrix) -> np.ndarray:
        return sigmoid(self.decision_function(X))

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        check_is_fitted(self, "coef_", "intercept_")
        assert self.coef_ is not None and self.intercept_ is not None
        # int8 with one scale per label: 4x smaller than float32, and the rounding
        # error (at most scale/254 per weight) does not move CV scores.
        scale = np.abs(self.coef_).max(axis=1).astype(np.float32) / 127.0
        safe = np.where(scale > 0, scale, 1.0)
        quantised = np.round(self.coef_ / safe[:, None]).astype(np.int8)
        return {
            f"{prefix}coef_q": quantised,
            f"{prefix}coef_scale": scale,
            f"{prefix}intercept": self.intercept_,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, Any], prefix: str) -> OneVsRestLinear:
        self = cls()
        scale = np.asarray(arrays[f"{prefix}coef_scale"], dtype=np.float32)
        self.coef_ = np.asarray(arrays[f"{prefix}coef_q"], dtype=np.float32) * scale[:, None]
        self.intercept_ = np.asarray(arrays[f"{prefix}intercept"], dtype=np.float32)
        return self
