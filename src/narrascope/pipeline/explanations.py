"""Explanations for *given* dominant narratives (the shared task's subtask 3 interface).

The ``explain`` component explains the narrative the pipeline found; the shared task
gives the dominant narrative instead. This runs the same preparation (segment,
language, embed with the default profile's window) and the same explanation code on a
given label, so both paths produce the same text for the same label.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from narrascope.models.explain import default_phrasing_path, load_phrasing
from narrascope.models.llm import LLMConfig
from narrascope.pipeline.analyzer import Analyzer, check_length
from narrascope.pipeline.components.explain import explain_doc
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.profiles import Profile, get_profile
from narrascope.schema import Article, Explanation


class LabelError(ValueError):
    """A narrative or sub-narrative label the taxonomy does not know."""


def preparation_profile() -> Profile:
    """segment, language and embed with the default profile's settings."""
    default = get_profile("default")
    parts = ("segment", "language", "embed")
    return Profile(
        name="explanations",
        components=parts,
        settings={k: v for k, v in default.settings.items() if k in parts},
    )


class GivenLabelExplainer:
    """Explains given (narrative, sub-narrative) pairs; loads the embedder once."""

    def __init__(self, llm: LLMConfig | None = None, phrasing: Path | None = None) -> None:
        self.analyzer = Analyzer(profile=preparation_profile())
        self.phrasing = load_phrasing(phrasing or default_phrasing_path())
        self.llm = llm

    def check_label(self, narrative: str, subnarrative: str | None) -> None:
        taxonomy = self.analyzer.taxonomy
        for label in (narrative, subnarrative):
            if label is not None and not taxonomy.is_known(label):
                raise LabelError(f"unknown label {label!r} (see 'narrascope taxonomy')")

    def explain_many(
        self, items: Sequence[tuple[Article, str, str | None]], batch_size: int = 16
    ) -> Iterator[Explanation | None]:
        """One explanation per ``(article, narrative, sub-narrative)``, in input order; None when
        the narrative is 'Other' or the article's language has no phrasing."""
        for first in range(0, len(items), batch_size):
            batch = items[first : first + batch_size]
            docs = []
            for article, narrative, sub in batch:
                check_length(article)
                self.check_label(narrative, sub)
                docs.append(Doc(article))
            for _name, component in self.analyzer.components:
                docs = component(docs)
            for doc, (_, narrative, sub) in zip(docs, batch, strict=True):
                if narrative == "Other":
                    yield None
                    continue
                yield explain_doc(doc, narrative, sub, self.analyzer.context, self.phrasing, self.llm)
