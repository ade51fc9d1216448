"""The ``Analyzer``: an ordered list of components over a batch of ``Doc`` objects."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrascope import __version__
from narrascope.models.artifacts import artifact_dir
from narrascope.models.narratives import EMBEDDING_DIM, NarrativeClassifier, embedding_features
from narrascope.models.techniques import TechniqueTagger
from narrascope.nlp.embed import Embedder
from narrascope.nlp.langid import SUPPORTED, detect_language
from narrascope.nlp.segment import Span, chunk_sentences, split_sentences
from narrascope.nlp.sourcing import detect_sourcing
from narrascope.pipeline.entities import EntityFramer
from narrascope.schema import (
    Analysis,
    Article,
    EntityFrame,
    Evidence,
    LabelScore,
    LanguageGuess,
    ModelInfo,
    NarrativeScore,
    Sourcing,
    Techniques,
)
from narrascope.taxonomy import Taxonomy, default_taxonomy

MODEL_ENV_VAR = "NARRASCOPE_MODEL_DIR"
MAX_EVIDENCE = 3
MAX_WEAK_SIGNALS = 3
MIN_WEAK_SIGNAL = 0.1
# Summed narrative probability above which an 'Other' article is still said to be
# about a domain (on topic, but pushing none of its narratives).
DOMAIN_MASS = 0.3

# Profiles are data: the components each one runs, in order.
# The fast profile keeps to the lexical narrative model: no embedder (so no entities),
# no sourcing or technique spans (together ~40 ms/article, half the fast budget).
PROFILES: dict[str, tuple[str, ...]] = {
    "default": ("segment", "language", "embed", "narratives", "entities", "sourcing", "techniques"),
    "fast": ("segment", "language", "narratives"),
    # What the narrative shared task needs, nothing more.
    "narratives": ("segment", "language", "embed", "narratives"),
}


@dataclass
class Doc:
    """Working state of one article as it moves through the pipeline."""

    article: Article
    sentences: list[Span] = field(default_factory=list)
    chunks: list[Span] = field(default_factory=list)
    language: LanguageGuess | None = None
    chunk_vectors: np.ndarray | None = None
    narratives: list[NarrativeScore] = field(default_factory=list)
    weak_signals: list[LabelScore] = field(default_factory=list)
    domain: str = "none"
    given_mentions: Sequence[tuple[int, int]] | None = None
    entities: list[EntityFrame] | None = None
    sourcing: Sourcing | None = None
    techniques: Techniques | None = None


Component = Callable[[list[Doc]], None]


def default_model_dir() -> Path:
    return artifact_dir("narratives", MODEL_ENV_VAR)


class Analyzer:
    """Analyse articles with a profile's components; reusable across many articles.

    Heavy state (the narrative model, the embedder, the language detector) loads
    once, at construction or on first use, never per article.
    """

    def __init__(
        self,
        profile: str = "default",
        model_dir: Path | None = None,
        taxonomy: Taxonomy | None = None,
        embedder: Embedder | None = None,
        role_model_dir: Path | None = None,
    ) -> None:
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; choose from {', '.join(PROFILES)}")
        self.profile = profile
        self.taxonomy = taxonomy or default_taxonomy()
        self.model_dir = model_dir or default_model_dir()
        if not (self.model_dir / "manifest.json").exists():
            raise FileNotFoundError(
                f"no narrative model in {self.model_dir}; train one with "
                "'narrascope train narratives' or reinstall narrascope"
            )
        self.classifier = NarrativeClassifier.load(self.model_dir, self.taxonomy)
        self.embedder = embedder or Embedder()
        self.role_model_dir = role_model_dir
        self._framer: EntityFramer | None = None
        self._tagger: TechniqueTagger | None = None
        registry: dict[str, Component] = {
            "segment": self._segment,
            "language": self._language,
            "embed": self._embed,
            "narratives": self._narratives,
            "entities": self._entities,
            "sourcing": self._sourcing,
            "techniques": self._techniques,
        }
        self.components: list[tuple[str, Component]] = [(name, registry[name]) for name in PROFILES[profile]]

    @property
    def fast(self) -> bool:
        return "embed" not in PROFILES[self.profile]

    def analyze(self, article: Article) -> Analysis:
        return next(iter(self.analyze_many([article])))

    def analyze_many(
        self,
        articles: Iterable[Article],
        batch_size: int = 16,
        mentions: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    ) -> Iterator[Analysis]:
        """Analyse articles in batches. ``mentions`` maps an article id to entity-mention
        spans given by the user; those articles get entities framed from these spans
        instead of detected ones, in every profile."""
        batch: list[Doc] = []
        for article in articles:
            given = mentions.get(article.id) if mentions else None
            batch.append(Doc(article, given_mentions=given))
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: list[Doc]) -> Iterator[Analysis]:
        for _name, component in self.components:
            component(docs)
        if "entities" not in PROFILES[self.profile] and any(d.given_mentions is not None for d in docs):
            self._entities([d for d in docs if d.given_mentions is not None])
        for doc in docs:
            yield self._to_analysis(doc)

    # -- components -------------------------------------------------------
    def _segment(self, docs: list[Doc]) -> None:
        words = self.classifier.config.chunk_words
        for doc in docs:
            doc.sentences = split_sentences(doc.article.content)
            doc.chunks = chunk_sentences(doc.sentences, words)

    def _language(self, docs: list[Doc]) -> None:
        for doc in docs:
            given = doc.article.language
            if given:
                doc.language = LanguageGuess(code=given, confidence=1.0, detected=False)
                continue
            code, confidence = detect_language(doc.article.content)
            doc.language = LanguageGuess(code=code, confidence=round(confidence, 4), detected=True)

    def _embed(self, docs: list[Doc]) -> None:
        # The cap bounds the cost of very long articles; its accuracy cost is in BENCHMARKS.md.
        cap = self.classifier.config.max_chunks
        texts = [c.text for doc in docs for c in doc.chunks[:cap]]
        vectors = self.embedder.embed(texts)
        pos = 0
        for doc in docs:
            n = len(doc.chunks[:cap])
            doc.chunk_vectors = vectors[pos : pos + n]
            pos += n

    def _narratives(self, docs: list[Doc]) -> None:
        texts = [doc.article.content for doc in docs]
        pooled = None
        if not self.fast:
            cap = self.classifier.config.max_chunks
            empty = np.zeros((0, EMBEDDING_DIM), dtype=np.float32)
            pooled = np.stack(
                [
                    embedding_features(
                        doc.chunk_vectors if doc.chunk_vectors is not None else empty,
                        doc.language.code if doc.language else None,
                        cap,
                    )
                    for doc in docs
                ]
            )
        probs = self.classifier.predict_proba(texts, pooled)
        confidence_coarse = self.classifier.calibrated(probs.coarse, "coarse", self.fast)
        confidence_fine = self.classifier.calibrated(probs.fine, "fine", self.fast)
        for i, doc in enumerate(docs):
            self._fill_narratives(
                doc, probs.coarse[i], probs.fine[i], confidence_coarse[i], confidence_fine[i]
            )

    @property
    def framer(self) -> EntityFramer:
        if self._framer is None:
            self._framer = EntityFramer.load(self.role_model_dir, embedder=self.embedder)
        return self._framer

    def _entities(self, docs: list[Doc]) -> None:
        frames = self.framer.frame_many(
            [d.article.content for d in docs],
            [d.language.code if d.language else None for d in docs],
            [d.sentences for d in docs],
            [d.given_mentions for d in docs],
        )
        for doc, entities in zip(docs, frames, strict=True):
            doc.entities = entities

    def _techniques(self, docs: list[Doc]) -> None:
        if self._tagger is None:
            self._tagger = TechniqueTagger.load()
        tagged = self._tagger.tag(
            [d.article.content for d in docs], [d.language.code if d.language else None for d in docs]
        )
        for doc, techniques in zip(docs, tagged, strict=True):
            doc.techniques = techniques

    def _sourcing(self, docs: list[Doc]) -> None:
        for doc in docs:
            language = doc.language.code if doc.language else None
            doc.sourcing = detect_sourcing(doc.article.content, language, doc.sentences)

    def _fill_narratives(
        self,
        doc: Doc,
        coarse: np.ndarray,
        fine: np.ndarray,
        confidence_coarse: np.ndarray,
        confidence_fine: np.ndarray,
    ) -> None:
        """Decide on raw probabilities; report calibrated confidences."""
        clf = self.classifier
        decoded = clf.decode(coarse, fine, fast=self.fast)
        c_index = {label: i for i, label in enumerate(clf.coarse_labels)}
        f_index = {label: i for i, label in enumerate(clf.fine_labels)}
        scores = clf.sentence_scores([s.text for s in doc.sentences], words_only=self.fast)
        results: list[NarrativeScore] = []
        for narrative in decoded.narratives:
            subs = []
            for sub in decoded.subnarratives[narrative]:
                # '<narrative>: Other' has no lexical signal of its own; quote the narrative's.
                evidence_label = narrative if sub.endswith(": Other") else sub
                subs.append(
                    LabelScore(
                        label=sub,
                        name=self.taxonomy.name_of(sub),
                        confidence=_prob(confidence_fine, f_index.get(sub)),
                        evidence=self._evidence(doc, scores.get(evidence_label)),
                    )
                )
            results.append(
                NarrativeScore(
                    label=narrative,
                    name=self.taxonomy.name_of(narrative),
                    confidence=_prob(confidence_coarse, c_index.get(narrative)),
                    evidence=self._evidence(doc, scores.get(narrative)),
                    subnarratives=subs,
                )
            )
        doc.narratives = results
        doc.weak_signals = self._weak_signals(doc, confidence_coarse, set(decoded.narratives), scores)
        doc.domain = self._domain(results, coarse)

    def _domain(self, results: list[NarrativeScore], coarse: np.ndarray) -> str:
        """The domain of the strongest narrative; for 'Other', the domain whose
        narratives together are likely enough that the article is about it."""
        if results:
            return self.taxonomy.domain_of(results[0].label) or "none"
        mass: dict[str, float] = {}
        for label, p in zip(self.classifier.coarse_labels, coarse, strict=True):
            code = self.taxonomy.domain_of(label)
            if code:
                mass[code] = mass.get(code, 0.0) + float(p)
        best = max(mass, key=mass.__getitem__, default="none")
        return best if mass.get(best, 0.0) >= DOMAIN_MASS else "none"

    def _weak_signals(
        self, doc: Doc, coarse: np.ndarray, chosen: set[str], scores: dict[str, np.ndarray]
    ) -> list[LabelScore]:
        labels = self.classifier.coarse_labels
        order = [int(i) for i in np.argsort(-coarse) if labels[int(i)] not in chosen]
        picked = [i for i in order[:MAX_WEAK_SIGNALS] if coarse[i] >= MIN_WEAK_SIGNAL]
        return [
            LabelScore(
                label=labels[i],
                name=self.taxonomy.name_of(labels[i]),
                confidence=_prob(coarse, i),
                evidence=self._evidence(doc, scores.get(labels[i])),
            )
            for i in picked
        ]

    def _evidence(self, doc: Doc, scores: np.ndarray | None) -> list[Evidence]:
        if scores is None or len(scores) == 0:
            return []
        order = np.argsort(-scores)[:MAX_EVIDENCE]
        keep = [i for i in order if scores[i] > 0] or [int(order[0])]
        return [
            Evidence(
                start=doc.sentences[i].start,
                end=doc.sentences[i].end,
                text=doc.sentences[i].text,
                score=round(float(scores[i]), 4),
            )
            for i in sorted(keep)
        ]

    def _to_analysis(self, doc: Doc) -> Analysis:
        article = doc.article
        language = doc.language or LanguageGuess(code="und", confidence=0.0, detected=True)
        return Analysis(
            id=article.id,
            title=article.title,
            language=language,
            language_supported=language.code in SUPPORTED,
            domain=doc.domain,
            narratives=doc.narratives,
            weak_signals=doc.weak_signals,
            other=not doc.narratives,
            content_sha256=article.content_sha256,
            content_length=len(article.content),
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            source=article.source,
            entities=doc.entities,
            sourcing=doc.sourcing,
            techniques=doc.techniques,
            model=ModelInfo(name="narrascope-narratives", version=__version__, profile=self.profile),
        )


def _prob(values: np.ndarray, index: int | None) -> float:
    return round(float(values[index]), 4) if index is not None else 0.0
