"""``Doc``: the working state of one article as it moves through the components.

Each field is written by one component and read by later ones; ``None`` means
"not computed (yet)". Components never look at which other components exist:
they read the fields they need and fail with a clear error when one is missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrascope.nlp.segment import Span
from narrascope.schema import (
    Article,
    EntityFrame,
    Explanation,
    LabelScore,
    LanguageGuess,
    NarrativeDecision,
    NarrativeScore,
    SkippedStage,
    Sourcing,
    Techniques,
)


@dataclass
class Doc:
    """One article and every layer computed for it so far."""

    article: Article
    given_mentions: Sequence[tuple[int, int]] | None = None
    sentences: list[Span] | None = None
    language: LanguageGuess | None = None
    # Sentence index -> e5 vector of ``embedding_text(sentence)``; filled on demand.
    vectors: dict[int, np.ndarray] = field(default_factory=dict)
    narratives: list[NarrativeScore] | None = None
    weak_signals: list[LabelScore] = field(default_factory=list)
    narrative_decision: NarrativeDecision | None = None
    domain: str = "none"
    explanation: Explanation | None = None
    entities: list[EntityFrame] | None = None
    sourcing: Sourcing | None = None
    techniques: Techniques | None = None
    skipped: list[SkippedStage] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.article.content

    @property
    def language_code(self) -> str | None:
        return self.language.code if self.language else None

    def skip(self, component: str, reason: str) -> None:
        self.skipped.append(SkippedStage(component=component, reason=reason))
