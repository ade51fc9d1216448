"""The entity-framing stage: mentions → entities → roles, with the sentence that shows it.

Owns grouping mentions into entities, choosing which detected entities to report,
batching the embeddings of a whole batch of articles into one call, and turning
role probabilities into ``EntityFrame`` results. Mention detection lives in
``nlp.ner``, the role estimator in ``models.roles``; this module only wires them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.models.artifacts import artifact_dir
from narrascope.models.roles import RoleClassifier, RolePrediction, role_features
from narrascope.nlp.embed import Embedder
from narrascope.nlp.ner import MentionDetector
from narrascope.nlp.segment import Span, containing_sentence, split_sentences
from narrascope.schema import EntityFrame, Evidence, Mention
from narrascope.taxonomy.roles import entity_roles

ROLE_MODEL_ENV_VAR = "NARRASCOPE_ROLE_MODEL_DIR"
# Detected candidates outnumber annotated entities ~8 to 1; report the most salient
# ones and classify a bounded number of mentions each so long articles stay fast.
MAX_ENTITIES = 12
MAX_MENTIONS_CLASSIFIED = 2
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"['’]s$")
_EDGE_PUNCT = re.compile(r"^[\W_]+|[\W_]+$")


def default_role_model_dir() -> Path:
    return artifact_dir("roles", ROLE_MODEL_ENV_VAR)


@dataclass
class MentionInput:
    """One mention to classify: its article text, sentences, language and span."""

    text: str
    sentences: Sequence[Span]
    language: str | None
    start: int
    end: int


def entity_key(mention: str) -> str:
    """Grouping key: case-folded, possessive and edge punctuation removed, long words
    cut by two letters so inflected forms ("России", "Россия") meet."""
    words = _EDGE_PUNCT.sub("", _POSSESSIVE.sub("", mention.strip())).casefold().split()
    return " ".join(w[:-2] if len(w) > 5 else w for w in words)


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


class EntityFramer:
    """Loads the role model and the mention detector once; frames batches of articles."""

    def __init__(
        self,
        classifier: RoleClassifier,
        detector: MentionDetector,
        embedder: Embedder | None = None,
        known_entities: frozenset[str] = frozenset(),
    ) -> None:
        self.classifier = classifier
        self.detector = detector
        self.embedder = embedder or Embedder()
        self.known_entities = known_entities

    @classmethod
    def load(cls, model_dir: Path | None = None, embedder: Embedder | None = None) -> EntityFramer:
        directory = model_dir or default_role_model_dir()
        if not (directory / "manifest.json").exists():
            raise FileNotFoundError(
                f"no role model in {directory}; train one with 'narrascope train roles' "
                "or reinstall narrascope"
            )
        detector = MentionDetector.load(directory)
        known = frozenset(entity_key(e) for e in _gazetteer_entries(directory))
        return cls(RoleClassifier.load(directory, entity_roles()), detector, embedder, known)

    # -- per-mention classification (shared-task interface) -------------------
    def classify_mentions(self, mentions: Sequence[MentionInput]) -> list[RolePrediction]:
        return self.classifier.decode(self._probabilities(mentions)) if mentions else []

    def _probabilities(self, mentions: Sequence[MentionInput]) -> np.ndarray:
        sentences, strings = [], []
        for m in mentions:
            sentence = containing_sentence(m.sentences, m.start)
            sentences.append(_clean(sentence.text) if sentence else _clean(m.text[m.start : m.end]))
            strings.append(_clean(m.text[m.start : m.end]) or "?")
        unique = list(dict.fromkeys([*sentences, *strings]))
        vectors = self.embedder.embed(unique)
        row = {t: i for i, t in enumerate(unique)}
        X = role_features(
            vectors[[row[s] for s in sentences]],
            vectors[[row[s] for s in strings]],
            [m.language for m in mentions],
        )
        return self.classifier.predict_proba(X)

    # -- article-level framing ---------------------------------------------------
    def frame_many(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        sentences: Sequence[Sequence[Span]] | None = None,
        given: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    ) -> list[list[EntityFrame]]:
        """Entities of each article, most salient first. ``given[i]`` replaces detection
        for article ``i`` with the user's mention spans (all of them are reported)."""
        sentences = sentences or [split_sentences(t) for t in texts]
        groups_per_doc = []
        for i, text in enumerate(texts):
            spans = given[i] if given and given[i] is not None else None
            if spans is None:
                groups_per_doc.append(self.detect_entities(text, languages[i], sentences[i]))
            else:
                groups_per_doc.append([group for _, group in self._group(text, list(spans))])
        inputs = [
            MentionInput(texts[d], sentences[d], languages[d], s, e)
            for d, groups in enumerate(groups_per_doc)
            for spans in groups
            for s, e in spans[:MAX_MENTIONS_CLASSIFIED]
        ]
        probabilities = self._probabilities(inputs) if inputs else np.zeros((0, 0))
        out, pos = [], 0
        for d, groups in enumerate(groups_per_doc):
            frames = []
            for spans in groups:
                n = len(spans[:MAX_MENTIONS_CLASSIFIED])
                origin = "given" if given and given[d] is not None else "detected"
                frames.append(
                    self._frame(
                        texts[d],
                        sentences[d],
                        spans,
                        inputs[pos : pos + n],
                        probabilities[pos : pos + n],
                        origin,
                    )
                )
                pos += n
            out.append(frames)
        return out

    def detect_entities(
        self, text: str, language: str | None, sentences: Sequence[Span]
    ) -> list[list[tuple[int, int]]]:
        """Detected mentions grouped into entities, the ``MAX_ENTITIES`` most salient, in text order."""
        keyed = self._select(self._group(text, self._detected(text, language)), sentences)
        return [group for _, group in keyed]

    def _detected(self, text: str, language: str | None) -> list[tuple[int, int]]:
        return [(c.start, c.end) for c in self.detector.detect(text, language) if _plausible(c.text)]

    @staticmethod
    def _group(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, list[tuple[int, int]]]]:
        """Mentions sharing an ``entity_key`` form one entity; entities in order of first mention."""
        groups: dict[str, list[tuple[int, int]]] = {}
        for start, end in sorted(spans):
            groups.setdefault(entity_key(text[start:end]) or text[start:end], []).append((start, end))
        return list(groups.items())

    def _select(
        self, groups: list[tuple[str, list[tuple[int, int]]]], sentences: Sequence[Span]
    ) -> list[tuple[str, list[tuple[int, int]]]]:
        """The most salient entities: known framed entities, repeated ones, ones in the headline."""
        headline_end = sentences[0].end if sentences else 0

        def salience(item: tuple[str, list[tuple[int, int]]]) -> tuple[float, int]:
            key, spans = item
            score = len(spans) + (2.0 if key in self.known_entities else 0.0)
            score += 1.0 if spans[0][0] < headline_end else 0.0
            return (-score, spans[0][0])

        chosen = sorted(groups, key=salience)[:MAX_ENTITIES]
        return sorted(chosen, key=lambda item: item[1][0][0])

    def _frame(
        self,
        text: str,
        sentences: Sequence[Span],
        spans: list[tuple[int, int]],
        inputs: Sequence[MentionInput],
        probabilities: np.ndarray,
        origin: str,
    ) -> EntityFrame:
        mean = probabilities.mean(axis=0, keepdims=True)
        decision = self.classifier.decode(mean)[0]
        best_role = self.classifier.fine_labels.index(decision.fine_roles[0])
        strongest = int(np.argmax(probabilities[:, best_role]))
        sentence = containing_sentence(sentences, inputs[strongest].start)
        names = Counter(_clean(text[s:e]) for s, e in spans)
        return EntityFrame(
            name=names.most_common(1)[0][0],
            mentions=[Mention(start=s, end=e, text=text[s:e]) for s, e in spans],
            main_role=decision.main_role,  # type: ignore[arg-type]
            fine_roles=decision.fine_roles,
            confidence=decision.confidence,
            main_probabilities=decision.main_probabilities,
            evidence=(
                Evidence(
                    start=sentence.start,
                    end=sentence.end,
                    text=sentence.text,
                    score=round(float(probabilities[strongest, best_role]), 4),
                )
                if sentence
                else None
            ),
            origin=origin,  # type: ignore[arg-type]
        )


def _plausible(candidate: str) -> bool:
    """Drop detector noise that can never be a framed entity: digits, single letters."""
    letters = sum(ch.isalpha() for ch in candidate)
    return letters >= 2


def _gazetteer_entries(directory: Path) -> list[str]:
    import json

    path = directory / "mentions.json"
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get("gazetteer", []))
