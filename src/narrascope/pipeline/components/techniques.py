"""``techniques``: persuasion-technique spans (``models.techniques.TechniqueTagger``).

English has a model trained on span labels; bg/hi/pt/ru get the delexicalised transfer
model, marked ``trust: "transfer"`` in the result; other languages are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narrascope.models.artifacts import artifact_dir
from narrascope.models.techniques import TechniqueTagger
from narrascope.pipeline.components import register
from narrascope.pipeline.components.base import TRAINED_LANGUAGES, Component, Context
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.provenance import artifact_ref, package_ref
from narrascope.schema import ModelRef


@register
class TechniqueSpans(Component):
    name = "techniques"
    requires = ("language",)
    languages = TRAINED_LANGUAGES

    def __init__(self, context: Context, **settings: Any) -> None:
        super().__init__(context, **settings)
        self._tagger: TechniqueTagger | None = None

    @property
    def tagger(self) -> TechniqueTagger:
        if self._tagger is None:
            self._tagger = TechniqueTagger.load(context_dir(self.context))
        return self._tagger

    def process(self, docs: list[Doc]) -> None:
        if not docs:
            return
        tagged = self.tagger.tag([d.text for d in docs], [d.language_code for d in docs])
        for doc, techniques in zip(docs, tagged, strict=True):
            doc.techniques = techniques

    def models(self) -> list[ModelRef]:
        folder = context_dir(self.context)
        refs = [artifact_ref(folder), package_ref("python-crfsuite")]
        if (folder / "transfer" / "manifest.json").exists():
            refs.append(artifact_ref(folder / "transfer"))
        return refs


def context_dir(context: Context) -> Path:
    return context.model_dirs.get("techniques") or artifact_dir("techniques", TechniqueTagger.ENV_VAR)
