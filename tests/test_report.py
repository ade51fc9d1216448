"""Highlight marks and the HTML report, on analyses built by hand."""

from __future__ import annotations

from narrascope.cli.highlight import marks_of, segments
from narrascope.cli.html_report import render_html
from narrascope.schema import (
    Analysis,
    Attribution,
    EntityFrame,
    Evidence,
    LanguageGuess,
    Mention,
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
    assert {m.label for m in active} == {"Loaded_Language", "Name_Calling,Labeling"}
    officials = next(a for s, e, a in pieces if TEXT[s:e] == "Officials")
    assert {m.layer for m in officials} == {"sourcing", "entity"}


def test_html_report_is_self_contained_and_escapes_the_article():
    html = render_html(analysis(), TEXT)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
    assert "Title &lt;b&gt;" in html
    assert "http://" not in html and "https://" not in html  # nothing fetched from the network
    assert "Loaded language" in html and "Deceiver" in html and "vague source" in html
