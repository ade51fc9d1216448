"""``sourcing``: how each claim sentence is sourced (``nlp.sourcing``, rules + lexicons)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from narrascope.nlp.sourcing import detect_sourcing
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import TRAINED_LANGUAGES, Component
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import data_ref
from narrascope.schema import ModelRef


@register
class SourcingSignals(Component):
    name = "sourcing"
    requires = ("sentences", "language")
    # The lexicons exist for these languages; elsewhere the rules would only guess.
    languages = TRAINED_LANGUAGES

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.sourcing = detect_sourcing(doc.text, doc.language_code, doc.sentences)

    def models(self) -> list[ModelRef]:
        folder = Path(str(resources.files("narrascope.nlp").joinpath("sourcing_data")))
        return [data_ref("narrascope-sourcing-lexicons", folder)]
