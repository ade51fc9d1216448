"""The narrative classifier: lexical and embedding heads, blended, thresholded, decoded.

``NarrativeClassifier`` predicts a probability for every narrative (coarse) and
subnarrative (fine) label of the taxonomy, then ``decode`` turns probabilities into
a label set that obeys the hierarchy: a subnarrative implies its narrative, a
narrative with no confident subnarrative gets its ``<narrative>: Other``, and an
article with no narrative gets the exclusive label ``Other``.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from narrascope.models.linear import LexicalFeaturizer, OneVsRestLinear
from narrascope.taxonomy import OTHER, Taxonomy

ARTIFACT_FORMAT = 2
MODEL_NAME = "narrascope-narratives"
WEIGHTS_FILE = "narratives.npz"


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
    coarse_threshold: float = 0.3
    fine_threshold: float = 0.3
    fast_coarse_threshold: float = 0.3
    fast_fine_threshold: float = 0.3


@dataclass
class Probabilities:
    coarse: np.ndarray  # (n_docs, n_narratives)
    fine: np.ndarray  # (n_docs, n_subnarratives)


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
    and the heads can learn that.
    """
    pooled = np.zeros(EMBEDDING_DIM, dtype=np.float32)
    if len(sentence_vectors):
        mean = np.asarray(sentence_vectors, dtype=np.float32).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        pooled = (mean / norm if norm > 0 else mean).astype(np.float32)
    return np.concatenate([pooled, one_hot([language])[0]])


class NarrativeClassifier:
    """Blend of a TF-IDF head and a multilingual-embedding head, per label level.

    scikit-learn shaped: ``fit`` learns ``lexical_`` (the featurizer) and ``heads_``
    (one-vs-rest logistic heads), ``predict_proba`` returns the blended probability
    arrays, ``decode`` turns one article's probabilities into a hierarchy-consistent
    label set. ``calibration_`` (isotonic maps fitted on out-of-fold predictions by the
    training command) turns raw probabilities into the confidences users read.
    """

    def __init__(self, taxonomy: Taxonomy, config: NarrativeConfig | None = None) -> None:
        self.taxonomy = taxonomy
        self.config = config or NarrativeConfig()
        self.coarse_labels: list[str] = taxonomy.narrative_labels()
        self.fine_labels: list[str] = taxonomy.subnarrative_labels()
        self.lexical_: LexicalFeaturizer | None = None
        self.heads_: dict[str, OneVsRestLinear] | None = None
        # {"default_coarse": (x, y), "fast_fine": (x, y), ...}: raw -> observed frequency.
        self.calibration_: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.manifest_: ArtifactManifest | None = None

    # -- training -------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        coarse: np.ndarray,
        fine: np.ndarray,
        pooled_embeddings: np.ndarray | None,
        lexical_texts: Sequence[str] | None = None,
    ) -> NarrativeClassifier:
        """Fit all heads; ``lexical_texts`` (e.g. plus unlabelled articles) fit the IDF."""
        cfg = self.config
        self.lexical_ = LexicalFeaturizer(cfg.word_features, cfg.char_features).fit(lexical_texts or texts)
        X = self.lexical_.transform(texts)
        self.heads_ = {
            "lex_coarse": OneVsRestLinear(cfg.lexical_C).fit(X, coarse),
            "lex_fine": OneVsRestLinear(cfg.lexical_C).fit(X, fine),
        }
        if pooled_embeddings is not None:
            self.heads_["emb_coarse"] = OneVsRestLinear(cfg.embedding_C).fit(pooled_embeddings, coarse)
            self.heads_["emb_fine"] = OneVsRestLinear(cfg.embedding_C).fit(pooled_embeddings, fine)
        return self

    # -- inference ------------------------------------------------------
    @property
    def has_embedding_heads(self) -> bool:
        return self.heads_ is not None and "emb_coarse" in self.heads_

    def _fitted(self) -> tuple[LexicalFeaturizer, dict[str, OneVsRestLinear]]:
        check_is_fitted(self, "lexical_", "heads_")
        assert self.lexical_ is not None and self.heads_ is not None
        return self.lexical_, self.heads_

    def predict_proba(self, texts: Sequence[str], pooled_embeddings: np.ndarray | None) -> Probabilities:
        """Probabilities per label; lexical only when ``pooled_embeddings`` is None."""
        lexical, heads = self._fitted()
        X = lexical.transform(texts)
        coarse = heads["lex_coarse"].predict_proba(X)
        fine = heads["lex_fine"].predict_proba(X)
        if pooled_embeddings is not None and self.has_embedding_heads:
            w = self.config.lexical_weight
            coarse = w * coarse + (1 - w) * heads["emb_coarse"].predict_proba(pooled_embeddings)
            fine = w * fine + (1 - w) * heads["emb_fine"].predict_proba(pooled_embeddings)
        return Probabilities(coarse, fine)

    def calibrated(self, probabilities: np.ndarray, level: str, fast: bool) -> np.ndarray:
        """Map raw blended probabilities of ``level`` ('coarse'/'fine') to calibrated ones.

        Decisions use the raw probabilities and the CV-tuned thresholds; the
        calibrated value is what users read as the confidence.
        """
        key = f"{'fast' if fast else 'default'}_{level}"
        if key not in self.calibration_:
            return probabilities
        x, y = self.calibration_[key]
        return np.interp(probabilities, x, y).astype(np.float32)

    def thresholds(self, fast: bool) -> tuple[float, float]:
        cfg = self.config
        if fast:
            return cfg.fast_coarse_threshold, cfg.fast_fine_threshold
        return cfg.coarse_threshold, cfg.fine_threshold

    def decode(self, coarse: np.ndarray, fine: np.ndarray, fast: bool = False) -> DecodedLabels:
        """Turn one article's probabilities into a hierarchy-consistent label set."""
        return decode_labels(
            coarse, fine, self.coarse_labels, self.fine_labels, self.taxonomy, *self.thresholds(fast)
        )

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
        for key, (x, y) in self.calibration_.items():
            arrays[f"calibration_{key}_x"] = x.astype(np.float32)
            arrays[f"calibration_{key}_y"] = y.astype(np.float32)
        write_arrays(directory / WEIGHTS_FILE, arrays)
        manifest = (manifest or ArtifactManifest(format=ARTIFACT_FORMAT, model=MODEL_NAME)).model_copy(
            update={"format": ARTIFACT_FORMAT, "model": MODEL_NAME, "config": asdict(self.config)}
        )
        extras = {
            "coarse_labels": self.coarse_labels,
            "fine_labels": self.fine_labels,
            "heads": sorted(heads),
            "languages": list(SUPPORTED),
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
        self.manifest_ = manifest
        for key in list(arrays):
            if key.startswith("calibration_") and key.endswith("_x"):
                name = key[len("calibration_") : -len("_x")]
                self.calibration_[name] = (arrays[key], arrays[f"calibration_{name}_y"])
        return self


def decode_labels(
    coarse: np.ndarray,
    fine: np.ndarray,
    coarse_labels: Sequence[str],
    fine_labels: Sequence[str],
    taxonomy: Taxonomy,
    coarse_threshold: float,
    fine_threshold: float,
) -> DecodedLabels:
    """Hierarchy-consistent decoding of one article's label probabilities."""
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
    narrative: str, fine: np.ndarray, fine_index: dict[str, int], taxonomy: Taxonomy
) -> str:
    """``<narrative>: Other`` when the taxonomy has it, else the likeliest child."""
    other = f"{narrative}: {OTHER}"
    node = taxonomy.get(narrative)
    children = [s.label for s in getattr(node, "subnarratives", ())]
    if other in children:
        return other
    return max(children, key=lambda s: float(fine[fine_index[s]]) if s in fine_index else -1.0)
