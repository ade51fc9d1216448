"""Request and response wrappers of the REST API; the payloads are the ``schema`` models.

An analysed article is returned as ``schema.Analysis``, exactly as ``analyze --json``
prints it; these classes only add what HTTP needs around it (a request body, a page of
results, the rows of ``corpus stats``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from narrascope.schema import FeedbackItem
from narrascope.server.workers import ProfileName, SensitivityName, TechniquesName


class AnalyseRequest(BaseModel):
    """One article to analyse; the same fields as a JSON record of ``analyze``/``batch``."""

    text: str = Field(description="The article body (not empty).")
    title: str | None = Field(
        default=None, description="Headline; content becomes title + blank line + text."
    )
    id: str | None = Field(default=None, description="Identifier (default: 'web-' + the text's hash).")
    language: str | None = Field(default=None, description="ISO 639-1 code; detected when absent.")
    outlet: str | None = None
    url: str | None = None
    published: datetime | None = Field(default=None, description="Publication time (ISO 8601).")
    profile: ProfileName = Field(
        default="default", description="'fast' (lexical) or 'default' (every stage)."
    )
    sensitivity: SensitivityName = Field(default="balanced", description="Narrative operating point.")
    techniques: TechniquesName = Field(
        default="default",
        description="'transfer': also the untested transfer model's technique spans in languages without "
        "a trained technique model (each marked untested).",
    )

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty")
        return value


class AnalyseUrlRequest(BaseModel):
    """A web page to fetch and analyse (http/https; public addresses unless the server allows others)."""

    url: str = Field(min_length=1, max_length=2048, description="The page's http or https URL.")
    profile: ProfileName = Field(
        default="default", description="'fast' (lexical) or 'default' (every stage)."
    )
    sensitivity: SensitivityName = Field(default="balanced", description="Narrative operating point.")
    techniques: TechniquesName = Field(
        default="default",
        description="'transfer': also the untested transfer model's technique spans in languages without "
        "a trained technique model (each marked untested).",
    )


class ArticleSummary(BaseModel):
    """One stored article in a list: its key, metadata and narrative labels."""

    id: str
    content_sha256: str
    title: str
    language: str
    outlet: str | None
    published: str | None = Field(description="ISO 8601 in UTC, None when unknown.")
    domain: str
    other: bool
    profile: str
    analysed_at: str
    narratives: list[str]


class ArticlePage(BaseModel):
    total: int = Field(description="Articles matching the filters.")
    limit: int
    offset: int
    items: list[ArticleSummary]


class StatsResponse(BaseModel):
    """``corpus stats --json``: articles per combination of the ``by`` dimensions."""

    articles: int
    by: list[str]
    rows: list[dict[str, Any]]


class TrendResponse(BaseModel):
    """Dated articles per period, in total and per label; ``undated`` counts the others."""

    by: str
    over: Literal["day", "week", "month"]
    periods: list[str]
    totals: list[int]
    series: dict[str, list[int]]
    undated: int
    sparse_below: int = Field(description="A period with fewer dated articles than this is too thin to read.")
    sparse_periods: list[str] = Field(description="The periods with fewer than ``sparse_below`` articles.")


class RoleEvidence(BaseModel):
    """The sentence of a stored article that shows how it casts an entity (``EntityFrame.evidence``)."""

    id: str
    content_sha256: str
    title: str
    sentence: str
    confidence: float = Field(description="Probability of the main role in that article.")


class EntityRow(BaseModel):
    """``corpus entities --json``: one entity and how the stored articles cast it."""

    entity: str
    articles: int
    mentions: int
    main_roles: dict[str, int]
    fine_roles: dict[str, int]
    examples: list[dict[str, str]]
    evidence: dict[str, list[RoleEvidence]] = Field(
        description="Per main role, the sentence that shows it best (most confident frame)."
    )


class Series(BaseModel):
    """Dated articles per period: ``totals`` and one list per label (same order as ``periods``)."""

    over: Literal["day", "week", "month"]
    periods: list[str]
    totals: list[int]
    series: dict[str, list[int]]
    undated: int


class CooccurringNarrative(BaseModel):
    narrative: str
    articles: int = Field(description="Articles pushing both (or framing the entity and pushing it).")
    roles: dict[str, int] = Field(
        default_factory=dict, description="Entity pages: those articles per role the entity is cast in."
    )


class RankedEntity(BaseModel):
    entity: str
    articles: int


class NarrativeProfile(BaseModel):
    """A narrative (or sub-narrative) across the store: how many articles push it, its
    trend, the narratives pushed alongside it, and the entities those articles cast per role."""

    label: str
    parent: str | None = Field(description="The narrative of a sub-narrative, None for a narrative.")
    articles: int
    total: int = Field(description="Articles in the store.")
    trend: Series = Field(description="Articles pushing it per period; totals: all dated articles.")
    cooccurring: list[CooccurringNarrative]
    entities: dict[str, list[RankedEntity]] = Field(description="Per main role, the most often cast.")


class EntityRole(BaseModel):
    role: str
    articles: int
    mentions: int
    fine_roles: dict[str, int]
    evidence: list[RoleEvidence] = Field(description="Sentences that show this role, most confident first.")


class EntityProfile(BaseModel):
    """An entity across the store (names grouped case-insensitively): its roles with counts
    and evidence sentences, the narratives pushed where it is framed, its trend per role."""

    entity: str = Field(description="Its most frequent spelling.")
    key: str = Field(description="The case-folded name that groups spellings.")
    articles: int
    mentions: int
    roles: list[EntityRole]
    cooccurring: list[CooccurringNarrative]
    trend: Series = Field(description="Dated articles framing it per period, per main role.")


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    loaded: list[str] = Field(description="Profile/sensitivity pairs whose models are loaded.")


class StorySummary(BaseModel):
    """One story of ``corpus stories --json``: articles about the same event or claim."""

    story: str = Field(description="Stable id (a hash of the story's first article).")
    articles: int
    copies: int = Field(description="Articles that are near-copies of an earlier one.")
    title: str = Field(description="The most typical title (closest to the story's mean).")
    first: dict[str, str | None] = Field(description="The first article: id, outlet, published, language.")
    languages: dict[str, int]
    outlets: dict[str, int]
    start: str | None
    end: str | None
    narratives: dict[str, int]
    antagonists: dict[str, int]


class StoryArticle(BaseModel):
    """One article on a story's timeline."""

    id: str
    content_sha256: str
    title: str
    language: str
    outlet: str | None
    published: str | None
    similarity: float = Field(description="Similarity to the story when it joined (1.0: it started it).")
    copy_of: str | None = Field(description="Id of the earlier article this one nearly repeats.")
    narratives: list[str]
    roles: dict[str, str] = Field(description="Entity → main role in this article.")


class FeedbackRequest(BaseModel):
    """Analyst decisions on one stored article, recorded together (all or none)."""

    author: str = Field(min_length=1, max_length=100, description="Who decides (free text, e.g. a name).")
    items: list[FeedbackItem] = Field(min_length=1, max_length=500)
    content_sha256: str | None = Field(
        default=None, description="Which analysed version of the article (default: the latest)."
    )
    text: str | None = Field(
        default=None,
        description=(
            "The article text, kept with the feedback for training and export (the store keeps "
            "results only); must hash to the article's content_sha256."
        ),
    )
