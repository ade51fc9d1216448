"""Highlight marks and the HTML report, on analyses built by hand."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from narrascope.cli.highlight import marks_of, segments
from narrascope.cli.html_report import render_html
from narrascope.cli.report import render_analysis, verdict_when_other
from narrascope.schema import (
    Analysis,
    Attribution,
    EntityFrame,
    Evidence,
    LabelScore,
    LanguageGuess,
    Mention,
    NarrativeDecision,
    Provenance,
    Sourcing,
    Techniques,
    TechniqueSpan,
)

TEXT = "Title <b>\n\nOfficials said the <script>alert(1)</script> plan is a disgraceful scam."


def analysis() -> Analysis:
    scam = TEXT.index("disgraceful scam")
    officials = TEXT.index("Officials")
    return Analysis(
        id="t.txt",
        title="Title <b>",
        language=LanguageGuess(code="en", confidence=1.0, detected=True),
        domain="none",
        narratives=[],
        other=True,
        content_sha256="0" * 64,
        content_length=len(TEXT),
        provenance=Provenance(
            narrascope_version="0.0", profile="default", components=[], models=[], fingerprint="test"
        ),
        techniques=Techniques(
            spans=[
                TechniqueSpan(
                    start=scam,
                    end=scam + 16,
                    text="disgraceful scam",
                    technique="Loaded_Language",
                    name="Loaded language",
                    confidence=0.8,
                ),
                TechniqueSpan(
                    start=scam + 12,
                    end=scam + 16,
                    text="scam",
                    technique="Name_Calling,Labeling",
                    name="Name calling",
                    confidence=0.6,
                ),
            ],
            trust="trained",
        ),
        sourcing=Sourcing(
            claims=[
                Attribution(
                    start=officials,
                    end=len(TEXT),
                    text=TEXT[officials:],
                    kind="vague_source",
                    source=Mention(start=officials, end=officials + 9, text="Officials"),
                )
            ],
            counts={"vague_source": 1},
            named_share=0.0,
        ),
        entities=[
            EntityFrame(
                name="Officials",
                mentions=[Mention(start=officials, end=officials + 9, text="Officials")],
                main_role="Antagonist",
                fine_roles=["Deceiver"],
                confidence=0.7,
                main_probabilities={"Antagonist": 0.7, "Protagonist": 0.2, "Innocent": 0.1},
                evidence=Evidence(start=officials, end=len(TEXT), text=TEXT[officials:], score=0.5),
            )
        ],
    )


def test_segments_cover_the_text_exactly_and_carry_overlapping_marks():
    pieces = segments(TEXT, marks_of(analysis()))
    assert "".join(TEXT[s:e] for s, e, _ in pieces) == TEXT
    scam = TEXT.index("scam.")
    [(_, _, active)] = [(s, e, a) for s, e, a in pieces if s == scam]
    # Technique marks are labelled by family (these spans carry PTC labels, as before schema 2.3).
    assert {m.label for m in active} == {"Manipulative_Wording", "Attack_on_Reputation"}
    officials = next(a for s, e, a in pieces if TEXT[s:e] == "Officials")
    assert {m.layer for m in officials} == {"sourcing", "entity"}


def test_html_report_is_self_contained_and_escapes_the_article():
    html = render_html(analysis(), TEXT)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Title &lt;b&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network
    assert "Loaded language" in html and "Deceiver" in html and "vague source" in html


def _with_decision(weak: list[LabelScore], sensitivity: str = "balanced") -> Analysis:
    base = analysis()
    decision = NarrativeDecision(
        sensitivity=sensitivity,  # type: ignore[arg-type]
        prior_other=0.5,
        pushes_narrative=0.31,
        coarse_threshold=0.40,
        fine_threshold=0.20,
    )
    return base.model_copy(update={"weak_signals": weak, "narrative_decision": decision})


def _lead(confidence: float) -> LabelScore:
    return LabelScore(
        label="URW: Discrediting Ukraine",
        name="Discrediting Ukraine",
        confidence=confidence,
        threshold=0.40,
    )


def _plain(text: Text) -> str:
    return " ".join(text.plain.split())


def test_a_near_miss_is_named_in_the_headline_with_the_threshold():
    headline = _plain(verdict_when_other(_with_decision([_lead(0.36)])))
    assert "came close" in headline and "Discrediting Ukraine" in headline
    assert "0.36" in headline and "0.40" in headline
    assert "--sensitivity high" in headline
    # A headline saying "nothing found" above a strong lead would contradict the evidence.
    assert "No narrative of the taxonomy found" not in headline


def test_at_high_sensitivity_a_near_miss_is_called_a_lead_not_a_finding():
    headline = _plain(verdict_when_other(_with_decision([_lead(0.36)], sensitivity="high")))
    assert "came close" in headline and "lead, not a finding" in headline
    assert "--sensitivity high" not in headline


def test_without_a_strong_lead_the_headline_says_no_narrative_and_how_likely_one_was():
    headline = _plain(verdict_when_other(_with_decision([_lead(0.12)])))
    assert "No narrative of the taxonomy found" in headline
    assert "31%" in headline and "balanced" in headline
    assert "came close" not in headline


def test_the_terminal_report_shows_the_threshold_of_weak_signals():
    console = Console(record=True, width=200)
    render_analysis(_with_decision([_lead(0.36)]), console, TEXT)
    out = " ".join(console.export_text().split())
    assert "below the threshold 0.40" in out
    assert "came close" in out


def test_the_html_report_gives_the_same_verdict_and_the_thresholds():
    html = " ".join(render_html(_with_decision([_lead(0.36)]), TEXT).split())
    assert "came close" in html and "Discrediting Ukraine" in html
    assert "reaches 0.40" in html and "below the decision threshold 0.40" in html
    assert "No narrative passed" not in html


def test_html_chips_show_family_and_technique_names_not_labels():
    html = render_html(analysis(), TEXT)
    assert "Attack on reputation · 1" in html and "Manipulative wording · 1" in html
    assert "Name calling (Attack on reputation, 0.60)" in html  # the mark's title names the technique
    assert "Name Calling,Labeling" not in html and "Name_Calling,Labeling" not in html


def test_html_layers_use_different_channels_so_overlaps_stay_legible():
    html = render_html(analysis(), TEXT)
    officials = html[html.index('title="vague source') - 300 : html.index('title="vague source')]
    # Entity = underline in the role's colour and line style; sourcing = outline; technique = background.
    assert "text-decoration-color:#c1121f;text-decoration-style:double" in officials
    assert "outline-color:" in officials
    assert ";color:" not in officials and not officials.split('style="')[-1].startswith("color:")


def test_terminal_marks_tag_entity_roles_and_keep_text_black_on_backgrounds():
    from narrascope.cli.report import _piece_style

    console = Console(record=True, width=200)
    render_analysis(analysis(), console, TEXT)
    out = console.export_text()
    assert "Officialsᴬ" in out  # the mention, then its role tag
    marks = marks_of(analysis())
    technique = next(m for m in marks if m.layer == "technique")
    entity = next(m for m in marks if m.layer == "entity")
    on_background = _piece_style([technique, entity])
    assert on_background.startswith("black on ") and entity.colour not in on_background
    assert entity.colour in _piece_style([entity])
