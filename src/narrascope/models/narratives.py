"""The narrative classifier: whether an article pushes a narrative, and which ones.

``NarrativeClassifier`` scores every narrative (coarse) and sub-narrative (fine) label
of the taxonomy with lexical (TF-IDF) and embedding heads, blended:

* **which**: narrative probabilities, and sub-narrative probabilities mixed from a flat
  head and a hierarchical one, P(narrative) × P(sub-narrative | narrative), whose
  conditional heads are trained only on the articles that push the narrative;
* **whether**: a binary head, P(the article pushes some narrative).

The training set's share of ``Other`` differs by language (an artefact of how each part
was collected), and the heads learn it. ``confidences`` removes it: it calibrates the
probabilities (Platt maps fitted on out-of-fold predictions) and moves each article
from its language's training prior to one *prior of use* (Saerens et al. 2002), set by
the user's sensitivity. ``decode`` then turns the confidences into a label set that
obeys the hierarchy: a sub-narrative implies its narrative, a narrative with no
confident sub-narrative gets its ``<narrative>: Other``, and an article with no
narrative gets the exclusive label ``Other``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from narrascope.languages import SUPPORTED, one_hot
from narrascope.models.base import (
    ArtifactManifest,
    check_is_fitted,
    read_manifest,
    write_arrays,
    write_manifest,
)
from narrascope.models.linear import LexicalFeaturizer, Matrix, OneVsRestLinear
from narrascope.taxonomy import OTHER, Taxonomy

ARTIFACT_FORMAT = 3
MODEL_NAME = "narrascope-narratives"
WEIGHTS_FILE = "narratives.npz"
SENSITIVITIES = ("low", "balanced", "high")
_EPS = 1e-4


def _default_priors() -> dict[str, float]:
    # The prior of use, P(Other), of each sensitivity: "balanced" assumes nothing about
    # the articles an analyst submits (as likely to push a narrative as not), the same
    # for every language; "low" that most are neutral; "high" that most push something.
    return {"low": 0.8, "balanced": 0.5, "high": 0.2}


@dataclass
class NarrativeConfig:
    """Hyper-parameters; every value here was chosen by grouped cross-validation."""

    word_features: int = 50_000
    char_features: int = 100_000
    lexical_C: float = 10.0
    embedding_C: float = 30.0
    # The embedding head reads the sentences in the article's first ``window_words`` words.
    window_words: int = 360
    lexical_weight: float = 0.5
    # Sub-narrative probability = flat_weight × flat head + (1 - flat_weight) × hierarchical.
    flat_weight: float = 0.2
    priors_of_use: dict[str, float] = field(default_factory=_default_priors)
    # Share of Other among the training articles of each language (Laplace-smoothed).
    training_other_rate: dict[str, float] = field(default_factory=dict)
    coarse_threshold: float = 0.5
    fine_threshold: float = 0.2
    fast_coarse_threshold: float = 0.5
    fast_fine_threshold: float = 0.2


@dataclass
class Probabilities:
    """Per-article scores: narratives, sub-narratives and P(pushes some narrative)."""

    coarse: np.ndarray  # (n_docs, n_narratives)
    fine: np.ndarray  # (n_docs, n_subnarratives)
    bearing: np.ndarray  # (n_docs,)


@dataclass
class DecodedLabels:
    narratives: list[str] = field(default_factory=list)
    subnarratives: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_other(self) -> bool:
        return not self.narratives


EMBEDDING_DIM = 384


def embedding_features(sentence_vectors: np.ndarray, language: str | None) -> np.ndarray:
    """Article vector for the embedding heads.

    The L2-normalised mean of the embeddings of the sentences in the article's window
    (``nlp.segment.window_sentences``), plus a one-hot of the language: how often an
    article pushes no narrative at all differs a lot between the languages' sources,
    and the heads can learn that (``confidences`` then removes it again).
    """
    pooled = np.zeros(EMBEDDING_DIM, dtype=np.float32)
    if len(sentence_vectors):
        mean = np.asarray(sentence_vectors, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        pooled = (mean / norm if norm > 0 else mean).astype(np.float32)
    return np.concatenate([pooled, one_hot([language])[0]])


@dataclass
class TrainingSet:
    """What ``fit`` learns from: texts, their pooled embeddings (or None) and label matrices."""

    texts: list[str]
    pooled: np.ndarray | None
    coarse: np.ndarray
    fine: np.ndarray

    @property
    def bearing(self) -> np.ndarray:
        return (self.coarse.sum(axis=1) > 0).astype(np.int8)[:, None]


class NarrativeClassifier:
    """Lexical and embedding heads per level, a whether-head, calibration and prior shift.

    scikit-learn shaped: ``fit`` learns ``lexical_`` (the featurizer) and ``heads_``;
    ``predict_proba`` returns the raw blended probabilities; ``confidences`` calibrates
    and shifts them to the prior of use (``calibration_`` holds the Platt maps fitted on
    out-of-fold predictions by the training command); ``decode`` turns one article's
    confidences into labels.
    """

    def __init__(self, taxonomy: Taxonomy, config: NarrativeConfig | None = None) -> None:
        self.taxonomy = taxonomy
        self.config = config or NarrativeConfig()
        self.coarse_labels: list[str] = taxonomy.narrative_labels()
        self.fine_labels: list[str] = taxonomy.subnarrative_labels()
        self.lexical_: LexicalFeaturizer | None = None
        self.heads_: dict[str, OneVsRestLinear] | None = None
        # {"default_coarse": (slope, intercept), ...}: Platt maps on the logit of the raw score.
        self.calibration_: dict[str, tuple[float, float]] = {}
        self.manifest_: ArtifactManifest | None = None

    @property
    def parent_index(self) -> np.ndarray:
        """For each sub-narrative, the column of its narrative."""
        return np.array([self.coarse_labels.index(self.taxonomy.parent(f)) for f in self.fine_labels])

    # -- training -------------------------------------------------------
    def fit(self, data: TrainingSet, lexical_texts: Sequence[str] | None = None) -> NarrativeClassifier:
        """Fit every head; ``lexical_texts`` (e.g. plus unlabelled articles) fit the IDF."""
        cfg = self.config
        self.lexical_ = LexicalFeaturizer(cfg.word_features, cfg.char_features).fit(
            lexical_texts or data.texts
        )
        self.heads_ = self._fit_heads("lex", self.lexical_.transform(data.texts), data, cfg.lexical_C)
        if data.pooled is not None:
            self.heads_.update(self._fit_heads("emb", data.pooled, data, cfg.embedding_C))
        return self

    def _fit_heads(self, kind: str, X: Matrix, data: TrainingSet, C: float) -> dict[str, OneVsRestLinear]:
        return {
            f"{kind}_coarse": OneVsRestLinear(C).fit(X, data.coarse),
            f"{kind}_fine": OneVsRestLinear(C).fit(X, data.fine),
            f"{kind}_cond": fit_conditional(X, data.coarse, data.fine, self.parent_index, C),
            f"{kind}_bearing": OneVsRestLinear(C).fit(X, data.bearing),
        }

    # -- inference ------------------------------------------------------
    @property
    def has_embedding_heads(self) -> bool:
        return self.heads_ is not None and "emb_coarse" in self.heads_

    def _fitted(self) -> tuple[LexicalFeaturizer, dict[str, OneVsRestLinear]]:
        check_is_fitted(self, "lexical_", "heads_")
        assert self.lexical_ is not None and self.heads_ is not None
        return self.lexical_, self.heads_

    def predict_proba(self, texts: Sequence[str], pooled_embeddings: np.ndarray | None) -> Probabilities:
        """Raw blended probabilities; lexical heads only when ``pooled_embeddings`` is None."""
        lexical, heads = self._fitted()
        parts = [("lex", lexical.transform(texts))]
        if pooled_embeddings is not None and self.has_embedding_heads:
            parts.append(("emb", pooled_embeddings))
        w = self.config.lexical_weight if len(parts) == 2 else 1.0
        weights = [w, 1.0 - w][: len(parts)]

        def blend(head: str) -> np.ndarray:
            scores = [
                wt * heads[f"{kind}_{head}"].predict_proba(X)
                for wt, (kind, X) in zip(weights, parts, strict=True)
            ]
            return np.sum(scores, axis=0)

        coarse, flat, conditional = blend("coarse"), blend("fine"), blend("cond")
        a = self.config.flat_weight
        fine = a * flat + (1.0 - a) * coarse[:, self.parent_index] * conditional
        return Probabilities(coarse, fine, blend("bearing")[:, 0])

    def confidences(
        self, probs: Probabilities, languages: Sequence[str | None], sensitivity: str, fast: bool
    ) -> Probabilities:
        """Calibrated probabilities moved from each language's training prior to the prior
        of use of ``sensitivity``: the numbers users read and decisions are made on."""
        if sensitivity not in self.config.priors_of_use:
            known = ", ".join(self.config.priors_of_use)
            raise ValueError(f"unknown sensitivity {sensitivity!r}; choose from {known}")
        profile = "fast" if fast else "default"
        coarse = self._calibrate(probs.coarse, f"{profile}_coarse")
        fine = self._calibrate(probs.fine, f"{profile}_fine")
        bearing = np.clip(probs.bearing, 1e-3, 1 - 1e-3)
        use = self.config.priors_of_use[sensitivity]
        train = [self._training_rate(code) for code in languages]
        shifted = np.array([shift_prior(p, t, use) for p, t in zip(bearing, train, strict=True)])
        ratio = (shifted / bearing)[:, None]
        return Probabilities(np.clip(coarse * ratio, 0, 1), np.clip(fine * ratio, 0, 1), shifted)

    def _training_rate(self, language: str | None) -> float:
        rates = self.config.training_other_rate
        if not rates:
            return 0.5
        return rates.get((language or "").lower(), float(np.mean(list(rates.values()))))

    def _calibrate(self, values: np.ndarray, key: str) -> np.ndarray:
        if key not in self.calibration_:
            return values
        slope, intercept = self.calibration_[key]
        return platt(values, slope, intercept)

    def thresholds(self, fast: bool) -> tuple[float, float]:
        cfg = self.config
        if fast:
            return cfg.fast_coarse_threshold, cfg.fast_fine_threshold
        return cfg.coarse_threshold, cfg.fine_threshold

    def decode(self, coarse: np.ndarray, fine: np.ndarray, fast: bool = False) -> DecodedLabels:
        """Turn one article's confidences into a hierarchy-consistent label set."""
        return decode_labels(
            coarse, fine, self.coarse_labels, self.fine_labels, self.taxonomy, *self.thresholds(fast)
        )

    def narrative_scores(self, coarse: np.ndarray, fine: np.ndarray, fast: bool = False) -> np.ndarray:
        """One decision score per narrative, on the narrative threshold's scale: its own
        confidence, or that of its most confident sub-narrative rescaled so the fine threshold
        meets the narrative one. A narrative is chosen exactly when its score reaches the
        threshold, so the scores order findings and near-misses the way decisions do."""
        tc, tf = self.thresholds(fast)
        carried = np.zeros_like(coarse)
        np.maximum.at(carried, self.parent_index, to_narrative_scale(fine, tf, tc))
        return np.maximum(coarse, carried)

    def sentence_scores(self, sentences: Sequence[str], words_only: bool = False) -> dict[str, np.ndarray]:
        """Lexical evidence score of every sentence for every label (higher = stronger).

        Returns ``{label: scores of shape (n_sentences,)}``: the linear head's
        weights applied to each sentence alone, so a sentence scores high when it
        carries the words that make the whole article score high for the label.
        ``words_only`` uses just the word-n-gram weights: character n-gram analysis
        of every sentence would double the cost of the fast profile.
        """
        lexical, heads = self._fitted()
        if not sentences:
            return {}
        if words_only:
            X = lexical.transform_words(sentences)
            rows = slice(0, lexical.n_word_features)
        else:
            X = lexical.transform(sentences)
            rows = slice(0, lexical.n_features)
        out: dict[str, np.ndarray] = {}
        for head_name, labels in (("lex_coarse", self.coarse_labels), ("lex_fine", self.fine_labels)):
            weights = heads[head_name].weights_by_feature[rows]
            scores = np.asarray(X @ weights, dtype=np.float32)
            out.update({label: scores[:, j] for j, label in enumerate(labels)})
        return out

    # -- persistence ----------------------------------------------------
    def save(self, directory: Path, manifest: ArtifactManifest | None = None) -> None:
        """Write the weights (``narratives.npz``) and the manifest (atomically, last)."""
        lexical, heads = self._fitted()
        directory.mkdir(parents=True, exist_ok=True)
        arrays = lexical.to_arrays("lexical_")
        for name, head in heads.items():
            arrays.update(head.to_arrays(f"{name}_"))
        write_arrays(directory / WEIGHTS_FILE, arrays)
        manifest = (manifest or ArtifactManifest(format=ARTIFACT_FORMAT, model=MODEL_NAME)).model_copy(
            update={"format": ARTIFACT_FORMAT, "model": MODEL_NAME, "config": asdict(self.config)}
        )
        extras = {
            "coarse_labels": self.coarse_labels,
            "fine_labels": self.fine_labels,
            "heads": sorted(heads),
            "languages": list(SUPPORTED),
            "calibration": {k: list(v) for k, v in sorted(self.calibration_.items())},
        }
        write_manifest(directory, ArtifactManifest.model_validate({**manifest.model_dump(), **extras}))

    @classmethod
    def load(cls, directory: Path, taxonomy: Taxonomy) -> NarrativeClassifier:
        manifest = read_manifest(directory, MODEL_NAME, ARTIFACT_FORMAT)
        self = cls(taxonomy, NarrativeConfig(**manifest.config))
        # The model predicts the labels it was trained on, whatever the taxonomy adds later.
        self.coarse_labels = list(manifest.extra("coarse_labels", []))
        self.fine_labels = list(manifest.extra("fine_labels", []))
        with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        self.lexical_ = LexicalFeaturizer.from_arrays(arrays, "lexical_")
        self.heads_ = {
            name: OneVsRestLinear.from_arrays(arrays, f"{name}_") for name in manifest.extra("heads", [])
        }
        self.calibration_ = {
            k: (float(v[0]), float(v[1])) for k, v in manifest.extra("calibration", {}).items()
        }
        self.manifest_ = manifest
        return self


def fit_conditional(
    X: Matrix, coarse: np.ndarray, fine: np.ndarray, parent: np.ndarray, C: float
) -> OneVsRestLinear:
    """P(sub-narrative | its narrative): for each narrative, one-vs-rest heads over its
    sub-narratives trained on the articles that push it, stitched into one head."""
    n_fine = fine.shape[1]
    coef = np.zeros((n_fine, X.shape[1]), dtype=np.float32)
    intercept = np.full(n_fine, -30.0, dtype=np.float32)
    for narrative in range(coarse.shape[1]):
        rows = np.flatnonzero(coarse[:, narrative])
        kids = np.flatnonzero(parent == narrative)
        if len(rows) == 0 or len(kids) == 0:
            continue
        head = OneVsRestLinear(C).fit(X[rows], fine[rows][:, kids])
        assert head.coef_ is not None and head.intercept_ is not None
        coef[kids], intercept[kids] = head.coef_, head.intercept_
    stitched = OneVsRestLinear(C)
    stitched.coef_, stitched.intercept_ = coef, intercept
    return stitched


def to_narrative_scale(fine: np.ndarray, fine_threshold: float, coarse_threshold: float) -> np.ndarray:
    """Map sub-narrative confidences onto the narrative threshold's scale: piecewise linear, so
    ``fine_threshold`` lands on ``coarse_threshold`` and 1 on 1. A single linear rescale clipped
    at 1 would give every strong sub-narrative the same 1.0 and lose their order."""
    f = np.clip(fine, 0.0, 1.0)
    below = f * (coarse_threshold / fine_threshold)
    above = coarse_threshold + (f - fine_threshold) * (1 - coarse_threshold) / (1 - fine_threshold)
    return np.where(f < fine_threshold, below, above)


def platt(values: np.ndarray, slope: float, intercept: float) -> np.ndarray:
    """A Platt map on the logit of ``values``: smooth and strictly increasing (for slope > 0)."""
    p = np.clip(values, _EPS, 1 - _EPS)
    z = slope * np.log(p / (1 - p)) + intercept
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def shift_prior(p: float, train_other: float, use_other: float) -> float:
    """Move P(pushes a narrative) from the training prior to the prior of use (Saerens et al.)."""
    tb = min(max(1 - train_other, _EPS), 1 - _EPS)
    ub = min(max(1 - use_other, _EPS), 1 - _EPS)
    odds = p / max(1 - p, _EPS) * (ub / (1 - ub)) / (tb / (1 - tb))
    return float(odds / (1 + odds))


def training_other_rates(languages: Sequence[str], other: Sequence[bool]) -> dict[str, float]:
    """Laplace-smoothed share of Other per language (a language with none still gets some)."""
    out: dict[str, float] = {}
    for code in sorted(set(languages)):
        rows = [o for lang, o in zip(languages, other, strict=True) if lang == code]
        out[code] = round((sum(rows) + 1) / (len(rows) + 2), 4)
    return out


def decode_labels(
    coarse: np.ndarray,
    fine: np.ndarray,
    coarse_labels: Sequence[str],
    fine_labels: Sequence[str],
    taxonomy: Taxonomy,
    coarse_threshold: float,
    fine_threshold: float,
) -> DecodedLabels:
    """Hierarchy-consistent decoding of one article's label confidences."""
    chosen = {coarse_labels[int(i)] for i in np.flatnonzero(coarse >= coarse_threshold)}
    confident_fine = [fine_labels[int(j)] for j in np.flatnonzero(fine >= fine_threshold)]
    chosen |= {taxonomy.parent(label) for label in confident_fine}
    if not chosen:
        return DecodedLabels()
    fine_index = {label: j for j, label in enumerate(fine_labels)}
    coarse_index = {label: i for i, label in enumerate(coarse_labels)}
    result = DecodedLabels()

    def strength(narrative: str) -> float:
        return float(coarse[coarse_index[narrative]]) if narrative in coarse_index else 0.0

    for narrative in sorted(chosen, key=strength, reverse=True):
        kids = [s for s in confident_fine if taxonomy.parent(s) == narrative]
        if not kids:
            kids = [_fallback_subnarrative(narrative, fine, fine_index, taxonomy)]
        kids.sort(key=lambda s: -float(fine[fine_index[s]]) if s in fine_index else 0.0)
        result.narratives.append(narrative)
        result.subnarratives[narrative] = kids
    return result


def _fallback_subnarrative(
    narrative: str, fine: np.ndarray, fine_index: Mapping[str, int], taxonomy: Taxonomy
) -> str:
    """``<narrative>: Other`` when the taxonomy has it, else the likeliest child."""
    other = f"{narrative}: {OTHER}"
    node = taxonomy.get(narrative)
    children = [s.label for s in getattr(node, "subnarratives", ())]
    if other in children:
        return other
    return max(children, key=lambda s: float(fine[fine_index[s]]) if s in fine_index else -1.0)
