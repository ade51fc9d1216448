"""``segment``: sentences with exact code-point offsets (``nlp.segment``)."""

from __future__ import annotations

from narrascope.nlp.segment import split_sentences
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import Component
from narrascope.pipeline.doc import Doc


@register
class Segmenter(Component):
    name = "segment"

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.sentences = split_sentences(doc.text)
