"""The entity-framing stage: mentions → entities → roles, with the sentence that shows it.

Owns grouping mentions into entities, choosing which detected entities to report,
batching the embeddings of a whole batch of articles into one call, and turning
role probabilities into ``EntityFrame`` results. Mention detection lives in
``nlp.ner``, the role estimator in ``models.roles``; this module only wires them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from narrascope.models.artifacts import artifact_dir
from narrascope.models.roles import RoleClassifier, RolePrediction, role_features
from narrascope.models.salience import SalienceModel, entity_features, heuristic_salience
from narrascope.nlp.embed import Embedder, embedding_text
from narrascope.nlp.names import display_form
from narrascope.nlp.ner import (
    LEXICON_FILE,
    Candidate,
    MentionDetector,
    entity_key,
    group_candidates,
    is_known,
    mention_name,
    plausible,
)
from narrascope.nlp.segment import Span, containing_sentence, sentence_index, split_sentences
from narrascope.schema import EntityFrame, Evidence, Mention
from narrascope.taxonomy.roles import entity_roles

ROLE_MODEL_ENV_VAR = "NARRASCOPE_ROLE_MODEL_DIR"
# Detected candidates outnumber annotated entities ~8 to 1; report the most salient
# ones and classify a bounded number of mentions each so long articles stay fast.
MAX_ENTITIES = 12
MAX_MENTIONS_CLASSIFIED = 2
_SPACES = re.compile(r"\s+")
__all__ = ["EntityFramer", "MentionInput", "MentionVectors", "entity_key", "pick_mentions"]


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
        salience: SalienceModel | None = None,
    ) -> None:
        self.classifier = classifier
        self.detector = detector
        self.embedder = embedder or Embedder()
        self.known_entities = known_entities
        self.salience = salience

    @classmethod
    def load(cls, model_dir: Path | None = None, embedder: Embedder | None = None) -> EntityFramer:
        directory = model_dir or default_role_model_dir()
        if not (directory / "manifest.json").exists():
            raise FileNotFoundError(
                f"no role model in {directory}; train one with 'narrascope train roles' "
                "or reinstall narrascope"
            )
        lexicon = _lexicon(directory)
        detector = MentionDetector(lexicon.get("gazetteer", []), lexicon.get("common_lowercase", []))
        known = frozenset(entity_key(e) for e in lexicon.get("gazetteer", []))
        salience = SalienceModel.from_dict(lexicon["salience"]) if "salience" in lexicon else None
        return cls(RoleClassifier.load(directory, entity_roles()), detector, embedder, known, salience)

    # -- per-mention classification (shared-task interface) -------------------
    def classify_mentions(self, mentions: Sequence[MentionInput]) -> list[RolePrediction]:
        return self.classifier.decode(self._probabilities(mentions)) if mentions else []

    def _probabilities(self, mentions: Sequence[MentionInput]) -> np.ndarray:
        sentences, strings = [], []
        for m in mentions:
            sentence = containing_sentence(m.sentences, m.start)
            sentences.append(embedding_text(sentence.text if sentence else m.text[m.start : m.end]))
            strings.append(mention_text(m.text, m.start, m.end))
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
    def entity_groups(
        self,
        text: str,
        language: str | None,
        sentences: Sequence[Span],
        given: Sequence[tuple[int, int]] | None,
        sources: Sequence[tuple[int, int]] = (),
    ) -> list[list[tuple[int, int]]]:
        """The entities to report, each a list of mention spans in text order: the user's
        mentions grouped (all reported), or the ``MAX_ENTITIES`` most salient detected ones
        that are not only ``sources`` (see ``detect_entities``)."""
        if given is not None:
            return _group_spans(text, list(given))
        return self.detect_entities(text, language, sentences, sources)

    def frame(
        self,
        text: str,
        sentences: Sequence[Span],
        language: str | None,
        groups: Sequence[list[tuple[int, int]]],
        vectors: MentionVectors,
        origin: str,
    ) -> list[EntityFrame]:
        """One ``EntityFrame`` per group, from the vectors of the mentions ``pick_mentions`` chose
        (all of the article's mentions scored in one ``predict_proba`` call)."""
        picks = [pick_mentions(spans, sentences, vectors.has_sentence) for spans in groups]
        rows = [vectors.row(text, sentences, s, e) for picked in picks for s, e in picked]
        if not rows:
            return []
        X = role_features(
            np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows]), [language] * len(rows)
        )
        probabilities = self.classifier.predict_proba(X)
        frames, first = [], 0
        for spans, picked in zip(groups, picks, strict=True):
            part = probabilities[first : first + len(picked)]
            first += len(picked)
            frames.append(self._frame(text, sentences, language, spans, picked, part, origin))
        return frames

    def frame_many(
        self,
        texts: Sequence[str],
        languages: Sequence[str | None],
        sentences: Sequence[Sequence[Span]] | None = None,
        given: Sequence[Sequence[tuple[int, int]] | None] | None = None,
    ) -> list[list[EntityFrame]]:
        """Entities of each article with this framer's own embedder (the pipeline's component
        shares the article's sentence vectors instead). ``given[i]`` replaces detection."""
        sentences = sentences or [split_sentences(t) for t in texts]
        out = []
        for i, text in enumerate(texts):
            spans = given[i] if given else None
            groups = self.entity_groups(text, languages[i], sentences[i], spans)
            vectors = MentionVectors.compute(self.embedder, text, sentences[i], groups)
            out.append(self.frame(text, sentences[i], languages[i], groups, vectors, _origin(spans)))
        return out

    def detect_entities(
        self,
        text: str,
        language: str | None,
        sentences: Sequence[Span],
        sources: Sequence[tuple[int, int]] = (),
    ) -> list[list[tuple[int, int]]]:
        """Detected mentions grouped into entities, the ``MAX_ENTITIES`` most salient, in text order.

        An entity every mention of which lies inside one of ``sources`` (the outlets the
        article cites, its author's byline) is a source, not an actor, and is left out; one
        mention elsewhere ("The BBC lied") is enough to keep it."""
        candidates = [c for c in self.detector.detect(text, language) if plausible(c.text)]
        groups = [
            (key, cands)
            for key, cands in group_candidates(candidates, language, text).items()
            if not all(_overlaps_any(c, sources) for c in cands)
        ]
        scores = self.salience_scores(groups, text, language, sentences)
        ranked = sorted(range(len(groups)), key=lambda i: (-scores[i], groups[i][1][0].start))
        chosen = sorted(ranked[:MAX_ENTITIES])
        return [[(c.start, c.end) for c in groups[i][1]] for i in chosen]

    def salience_scores(
        self,
        groups: Sequence[tuple[str, list[Candidate]]],
        text: str,
        language: str | None,
        sentences: Sequence[Span],
    ) -> np.ndarray:
        """How likely each entity is framed: the learned model, or mention count + bonuses."""
        headline_end = sentences[0].end if sentences else 0
        known = [is_known(c, self.known_entities) for _, c in groups]
        if self.salience is None or not groups:
            pairs = zip(groups, known, strict=True)
            return np.array([heuristic_salience(c, k, headline_end) for (_, c), k in pairs])
        starts = [s.start for s in sentences]
        X = np.stack(
            [
                entity_features(c, k, headline_end, len(text), starts, language)
                for (_, c), k in zip(groups, known, strict=True)
            ]
        )
        return self.salience.predict_proba(X)

    def _frame(
        self,
        text: str,
        sentences: Sequence[Span],
        language: str | None,
        spans: list[tuple[int, int]],
        picked: Sequence[tuple[int, int]],
        probabilities: np.ndarray,
        origin: str,
    ) -> EntityFrame:
        mean = probabilities.mean(axis=0, keepdims=True)
        decision = self.classifier.decode(mean)[0]
        best_role = self.classifier.fine_labels.index(decision.fine_roles[0])
        strongest = int(np.argmax(probabilities[:, best_role]))
        sentence = containing_sentence(sentences, picked[strongest][0])
        return EntityFrame(
            name=display_name(text, spans, language),
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


def _overlaps_any(cand: Candidate, spans: Sequence[tuple[int, int]]) -> bool:
    # Overlap, not containment: NER's "the Financial Times" is the source span "Financial Times".
    return any(start < cand.end and cand.start < end for start, end in spans)


def display_name(text: str, spans: Sequence[tuple[int, int]], language: str | None = None) -> str:
    """The entity's name in the table (``nlp.names.display_form``): the fullest form
    ("Vladimir Putin" over "Putin"), then the most frequent, then the first; in Russian a
    nominative form ("Путин" over "Владимиру Путину", "Россия" for "России", "Запорожская
    область" for "Запорожской" in "Запорожской и Херсонской областях": ``mention_name``)."""
    return display_form(Counter(_clean(mention_name(text, s, e, language)) for s, e in spans), language)


def pick_mentions(
    spans: Sequence[tuple[int, int]], sentences: Sequence[Span], embedded: Callable[[int], bool]
) -> list[tuple[int, int]]:
    """The ``MAX_MENTIONS_CLASSIFIED`` mentions an entity's role is read from: first those
    whose sentence is already embedded (free), then the earliest others, in text order."""

    def sentence_of(span: tuple[int, int]) -> int:
        return sentence_index(sentences, span[0]) or 0

    ranked = sorted(spans, key=lambda sp: (not embedded(sentence_of(sp)), sp[0]))
    return sorted(ranked[:MAX_MENTIONS_CLASSIFIED])


@dataclass
class MentionVectors:
    """The vectors a framer needs: of sentences (by index) and of mention strings."""

    sentences: dict[int, np.ndarray]
    strings: dict[str, np.ndarray]

    def has_sentence(self, index: int) -> bool:
        return index in self.sentences

    def row(
        self, text: str, sentences: Sequence[Span], start: int, end: int
    ) -> tuple[np.ndarray, np.ndarray]:
        index = sentence_index(sentences, start)
        sentence = (
            self.sentences[index]
            if index is not None and sentences
            else self.strings[mention_text(text, start, end)]
        )
        return sentence, self.strings[mention_text(text, start, end)]

    @classmethod
    def compute(
        cls, embedder: Embedder, text: str, sentences: Sequence[Span], groups: Sequence[list[tuple[int, int]]]
    ) -> MentionVectors:
        picked = [sp for spans in groups for sp in pick_mentions(spans, sentences, lambda i: False)]
        wanted = sorted({i for s, _ in picked if (i := sentence_index(sentences, s)) is not None})
        strings = sorted({mention_text(text, s, e) for s, e in picked})
        vectors = embedder.embed([embedding_text(sentences[i].text) for i in wanted] + strings)
        return cls(
            {i: vectors[k] for k, i in enumerate(wanted)},
            {t: vectors[len(wanted) + k] for k, t in enumerate(strings)},
        )


def mention_text(text: str, start: int, end: int) -> str:
    """A mention string as embedded."""
    return embedding_text(text[start:end]) or "?"


def _origin(given: Sequence[tuple[int, int]] | None) -> str:
    return "given" if given is not None else "detected"


def _group_spans(text: str, spans: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Given mention spans grouped like detected ones (same ``entity_key``)."""
    groups: dict[str, list[tuple[int, int]]] = {}
    for start, end in sorted(spans):
        groups.setdefault(entity_key(text[start:end]) or text[start:end], []).append((start, end))
    return list(groups.values())


def _lexicon(directory: Path) -> dict:
    import json

    path = directory / LEXICON_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
