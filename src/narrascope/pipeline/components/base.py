"""The component contract: one named stage that adds a layer to a batch of ``Doc`` objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from narrascope.languages import SUPPORTED
from narrascope.nlp.embed import Embedder, embedding_text
from narrascope.pipeline.doc import Doc
from narrascope.schema import ModelRef
from narrascope.taxonomy import Taxonomy


class PipelineError(RuntimeError):
    """A profile or component that cannot run as configured; the message says how to fix it."""


@dataclass
class Context:
    """Resources shared by the components of one analyzer (loaded once, used by all)."""

    taxonomy: Taxonomy
    embedder: Embedder
    # Per-model directory overrides, e.g. {"narratives": Path(...), "roles": Path(...)}.
    model_dirs: Mapping[str, Path] = field(default_factory=dict)

    def sentence_vectors(self, docs: list[Doc], wanted: list[list[int]]) -> None:
        """Make sure ``doc.vectors`` holds the sentences ``wanted[i]`` of ``docs[i]``.

        Every missing sentence of the whole batch goes to the embedder in one call; a
        sentence embedded once (by any component) is never embedded again.
        """
        todo = [(d, i) for d, idx in zip(docs, wanted, strict=True) for i in idx if i not in d.vectors]
        if not todo:
            return
        sentences = [d.sentences or [] for d, _ in todo]
        texts = [embedding_text(s[i].text) for s, (_, i) in zip(sentences, todo, strict=True)]
        vectors = self.embedder.embed(texts)
        for (doc, index), vector in zip(todo, vectors, strict=True):
            doc.vectors[index] = vector

    def text_vectors(self, texts: list[str]) -> np.ndarray:
        """Vectors of short texts (e.g. mention strings), recent ones served from memory."""
        return self.embedder.embed([embedding_text(t) or "?" for t in texts])


class Component:
    """A pipeline stage: ``__call__(docs) -> docs`` over a batch, registered by ``name``.

    Subclasses declare the ``Doc`` fields they read (``requires``), the languages they
    are valid for (``languages``; ``None`` = any language), take their settings as
    keyword arguments, and list the models they use (``models``) for provenance.
    """

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    languages: ClassVar[frozenset[str] | None] = None

    def __init__(self, context: Context, **settings: Any) -> None:
        if settings:
            raise PipelineError(f"component {self.name!r} has no setting(s) {', '.join(sorted(settings))}")
        self.context = context

    def __call__(self, docs: list[Doc]) -> list[Doc]:
        self.process([d for d in docs if self.applies_to(d)])
        return docs

    def process(self, docs: list[Doc]) -> None:
        """Add this component's layer to ``docs`` (already filtered by language)."""
        raise NotImplementedError

    def models(self) -> list[ModelRef]:
        return []

    def applies_to(self, doc: Doc) -> bool:
        """Record a skip when the article's language is not covered, else check prerequisites.

        The language comes first: an earlier stage that skipped this language leaves its
        layer unset, and that is a skip here too, not a misconfigured profile."""
        if self.languages is not None and doc.language_code not in self.languages:
            doc.skip(self.name, _language_reason(doc.language_code, self.languages))
            return False
        for name in self.requires:
            if getattr(doc, name) is None:
                raise PipelineError(
                    f"component {self.name!r} needs '{name}', which no earlier component set: "
                    f"put the component that computes it before {self.name!r} in the profile"
                )
        return True


def require_model(directory: Path, task: str) -> Path:
    """``directory`` if it holds a model artifact, else a ``FileNotFoundError`` saying how to get one."""
    if not (directory / "manifest.json").exists():
        raise FileNotFoundError(
            f"no {task} model in {directory}; train one with 'narrascope train {task}' "
            "or reinstall narrascope"
        )
    return directory


def _language_reason(code: str | None, languages: frozenset[str]) -> str:
    covered = ", ".join(sorted(languages))
    if not code or code == "und":
        return f"language could not be determined; this stage covers {covered}"
    return f"not trained for language '{code}'; this stage covers {covered}"


TRAINED_LANGUAGES = frozenset(SUPPORTED)
