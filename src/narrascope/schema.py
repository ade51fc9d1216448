"""The data contract: input ``Article`` and output ``Analysis`` pydantic models.

Every surface of narrascope (CLI ``--json``, batch writers, API, web UI) serialises
these models and nothing else; ``narrascope schema`` prints their JSON schema.
Offsets everywhere are code-point offsets, end-exclusive, into ``Article.content``.
Fields reserved for later stages (entities, techniques, sourcing, explanation)
are ``None`` until a stage fills them, so older readers keep working.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"


class Article(BaseModel):
    """One news article as read from a file, a record or stdin."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Identifier: file name for .txt, the record's id otherwise.")
    title: str = Field(default="", description="Headline (first line of a .txt file).")
    content: str = Field(
        description=(
            "The exact text analysed; all offsets index it. For .txt files, the file's "
            "text as read (title on the first line). For records, title + '\\n\\n' + text "
            "when a title is given, else text."
        )
    )
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    language: str | None = Field(default=None, description="ISO 639-1 code if known; detected otherwise.")
    source: str | None = Field(default=None, description="Where it was read from (path or '-').")

    @property
    def content_sha256(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()


class Evidence(BaseModel):
    """A sentence of the article that supports a prediction."""

    start: int = Field(ge=0, description="Code-point offset into Article.content.")
    end: int = Field(ge=0, description="End-exclusive code-point offset.")
    text: str = Field(description="content[start:end], quoted verbatim.")
    score: float = Field(description="How strongly this sentence alone points to the label.")


class LabelScore(BaseModel):
    """A predicted taxonomy label with its calibrated confidence and evidence."""

    label: str = Field(description="Full label string, e.g. 'URW: Discrediting Ukraine'.")
    name: str = Field(description="Short human name of the label.")
    confidence: float = Field(ge=0.0, le=1.0, description="Calibrated probability the label applies.")
    evidence: list[Evidence] = Field(default_factory=list, description="1-3 strongest sentences.")


class NarrativeScore(LabelScore):
    subnarratives: list[LabelScore] = Field(default_factory=list)


class LanguageGuess(BaseModel):
    code: str = Field(description="ISO 639-1 code, or 'und' when undetermined.")
    confidence: float = Field(ge=0.0, le=1.0)
    detected: bool = Field(description="False when the language was given by the input.")


class ModelInfo(BaseModel):
    name: str
    version: str
    profile: str = Field(description="'default' (most accurate) or 'fast'.")


class Analysis(BaseModel):
    """Everything narrascope says about one article."""

    schema_version: str = SCHEMA_VERSION
    id: str
    title: str
    language: LanguageGuess
    language_supported: bool = Field(
        default=True, description="False when the language is outside the five the models were trained on."
    )
    domain: str = Field(
        description=(
            "Taxonomy domain the article is about (e.g. 'URW', 'CC') or 'none'. An article can be on a "
            "domain's topic and still push none of its narratives ('Other')."
        )
    )
    narratives: list[NarrativeScore] = Field(
        description="Predicted narratives (hierarchy enforced); [] means the label 'Other'."
    )
    other: bool = Field(description="True when no narrative of the taxonomy is pushed ('Other').")
    weak_signals: list[LabelScore] = Field(
        default_factory=list,
        description=(
            "The likeliest narratives that did not pass the decision threshold (at most 3, confidence "
            ">= 0.1), with evidence: leads for an analyst, not predictions."
        ),
    )
    content_sha256: str
    content_length: int = Field(description="Length of Article.content in code points.")
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    source: str | None = None
    model: ModelInfo
    entities: list[dict[str, Any]] | None = Field(default=None, description="Reserved: entity framing.")
    techniques: list[dict[str, Any]] | None = Field(default=None, description="Reserved: persuasion spans.")
    sourcing: dict[str, Any] | None = Field(default=None, description="Reserved: sourcing signals.")
    explanation: dict[str, Any] | None = Field(default=None, description="Reserved: narrative explanation.")

    def semeval_labels(self) -> tuple[list[str], list[str]]:
        """Narratives and subnarratives in the SemEval subtask-2 convention."""
        if self.other or not self.narratives:
            return ["Other"], ["Other"]
        coarse = [n.label for n in self.narratives]
        fine = [s.label for n in self.narratives for s in n.subnarratives]
        return coarse, fine
