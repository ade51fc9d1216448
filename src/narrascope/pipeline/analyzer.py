"""The ``Analyzer``: runs a profile's components over batches of ``Doc`` and builds ``Analysis``.

It knows nothing about what the components do: it creates them from the profile (by
registered name, with the profile's settings), runs them in order on each batch, and
turns each finished ``Doc`` into the result model with its provenance.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from narrascope.languages import is_supported
from narrascope.nlp.embed import Embedder
from narrascope.pipeline.components import Component, Context, create
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.profiles import Profile, builtin_profiles, get_profile
from narrascope.pipeline.provenance import make_provenance
from narrascope.schema import Analysis, Article, LanguageGuess, Provenance
from narrascope.taxonomy import Taxonomy, default_taxonomy

MAX_ARTICLE_CHARS = 1_000_000
"""Longest article analysed (about 150,000 words). Every stage is linear in the length;
at this size one article takes under a minute and well under 2 GB (docs/BENCHMARKS.md)."""


class ArticleTooLongError(ValueError):
    """An article longer than :data:`MAX_ARTICLE_CHARS`."""


class Analyzer:
    """Analyse articles with a profile's components; reusable across many articles.

    Components load their models once (at construction or on first use), never per
    article. ``model_dir`` / ``role_model_dir`` override the shipped narrative and role
    models; ``model_dirs`` overrides any model by its component key; ``sensitivity``
    ("low", "balanced", "high") sets the narrative operating point; ``techniques``
    ("default", "transfer") whether languages without a technique model get the untested
    transfer model's spans.
    """

    def __init__(
        self,
        profile: str | Profile = "default",
        model_dir: Path | None = None,
        taxonomy: Taxonomy | None = None,
        embedder: Embedder | None = None,
        role_model_dir: Path | None = None,
        model_dirs: Mapping[str, Path] | None = None,
        sensitivity: str | None = None,
        techniques: str | None = None,
    ) -> None:
        self.profile = with_techniques(with_sensitivity(get_profile(profile), sensitivity), techniques)
        dirs = dict(model_dirs or {})
        if model_dir is not None:
            dirs["narratives"] = model_dir
        if role_model_dir is not None:
            dirs["roles"] = role_model_dir
        self.context = Context(taxonomy or default_taxonomy(), embedder or Embedder(), dirs)
        self.components: list[tuple[str, Component]] = [
            (name, create(name, self.context, self.profile.settings_of(name)))
            for name in self.profile.components
        ]
        self.provenance: Provenance = make_provenance(
            self.profile.name,
            list(self.profile.components),
            {k: v for k, v in self.profile.settings.items() if k in self.profile.components},
            [ref for _, component in self.components for ref in component.models()],
        )

    @property
    def taxonomy(self) -> Taxonomy:
        return self.context.taxonomy

    @property
    def embedder(self) -> Embedder:
        return self.context.embedder

    def component(self, name: str) -> Component:
        for component_name, component in self.components:
            if component_name == name:
                return component
        raise KeyError(f"profile {self.profile.name!r} has no component {name!r}")

    def analyze(self, article: Article) -> Analysis:
        return next(iter(self.analyze_many([article])))

    def analyze_many(
        self,
        articles: Iterable[Article],
        batch_size: int = 16,
        mentions: Mapping[str, Sequence[tuple[int, int]]] | None = None,
    ) -> Iterator[Analysis]:
        """Analyse articles in batches, yielding results in input order. ``mentions`` maps an
        article id to entity-mention spans given by the user; those articles get entities
        framed from these spans instead of detected ones (in the fast profile too)."""
        batch: list[Doc] = []
        for article in articles:
            check_length(article)
            given = mentions.get(article.id) if mentions else None
            batch.append(Doc(article, given_mentions=given))
            if len(batch) >= batch_size:
                yield from self._run(batch)
                batch = []
        if batch:
            yield from self._run(batch)

    def _run(self, docs: list[Doc]) -> Iterator[Analysis]:
        for _name, component in self.components:
            docs = component(docs)
        for doc in docs:
            yield self._to_analysis(doc)

    def _to_analysis(self, doc: Doc) -> Analysis:
        article = doc.article
        language = doc.language or LanguageGuess(code="und", confidence=0.0, detected=True)
        return Analysis(
            id=article.id,
            title=article.title,
            language=language,
            language_supported=is_supported(language.code),
            domain=doc.domain,
            narratives=doc.narratives or [],
            weak_signals=doc.weak_signals,
            narrative_decision=doc.narrative_decision,
            other=doc.narratives is not None and not doc.narratives,
            content_sha256=article.content_sha256,
            content_length=len(article.content),
            url=article.url,
            outlet=article.outlet,
            published=article.published,
            source=article.source,
            entities=doc.entities,
            sourcing=doc.sourcing,
            techniques=doc.techniques,
            explanation=doc.explanation,
            provenance=self.provenance,
            skipped=doc.skipped,
        )


def with_sensitivity(profile: Profile, sensitivity: str | None) -> Profile:
    """``profile`` with the narrative sensitivity set (``None`` keeps the profile's own)."""
    if sensitivity is None or "narratives" not in profile.components:
        return profile
    settings = {name: dict(values) for name, values in profile.settings.items()}
    settings.setdefault("narratives", {})["sensitivity"] = sensitivity
    return profile.model_copy(update={"settings": settings})


def with_techniques(profile: Profile, mode: str | None) -> Profile:
    """``profile`` with the technique mode set. "default" (or ``None``) leaves the profile as it
    is, so its provenance fingerprint (and the results stored under it) stays the same."""
    if mode in (None, "default") or "techniques" not in profile.components:
        return profile
    settings = {name: dict(values) for name, values in profile.settings.items()}
    settings.setdefault("techniques", {})["mode"] = mode
    return profile.model_copy(update={"settings": settings})


def check_length(article: Article) -> None:
    """Refuse an article longer than :data:`MAX_ARTICLE_CHARS`, with a one-line reason."""
    size = len(article.content)
    if size > MAX_ARTICLE_CHARS:
        raise ArticleTooLongError(
            f"{article.source or article.id}: article has {size:,} characters; narrascope analyses at most "
            f"{MAX_ARTICLE_CHARS:,} per article (split it into parts)"
        )


PROFILES: dict[str, tuple[str, ...]] = {name: p.components for name, p in builtin_profiles().items()}
"""Component names of each built-in profile (read from ``profiles.json``)."""
