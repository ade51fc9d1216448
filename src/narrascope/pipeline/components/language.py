"""``language``: the article's language, given by the record or detected (lingua)."""

from __future__ import annotations

from narrascope.nlp.langid import detect_language
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import Component
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import package_ref
from narrascope.schema import LanguageGuess, ModelRef


@register
class LanguageDetector(Component):
    name = "language"

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            given = doc.article.language
            if given:
                doc.language = LanguageGuess(code=given, confidence=1.0, detected=False)
                continue
            code, confidence = detect_language(doc.text)
            doc.language = LanguageGuess(code=code, confidence=round(confidence, 4), detected=True)

    def models(self) -> list[ModelRef]:
        return [package_ref("lingua-language-detector")]
