"""The component pipeline: registry, profiles as data, prerequisites, languages, provenance."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from corpus_fixtures import PARAGRAPHS
from narrascope.models.artifacts import artifact_dir
from narrascope.nlp.segment import split_sentences
from narrascope.pipeline import (
    MAX_ARTICLE_CHARS,
    Analyzer,
    ArticleTooLongError,
    Component,
    PipelineError,
    Profile,
    register,
)
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.entities import pick_mentions
from narrascope.schema import Article

GERMAN = (
    "Krieg in Europa: Die Regierung warnt vor neuen Angriffen\n\n"
    "Der Krieg geht weiter. Laut Berichten hat die Regierung in Berlin neue Sanktionen beschlossen, "
    "sagte ein Sprecher des Ministeriums am Montag. Die Lage bleibt nach Angaben von Beobachtern "
    "angespannt, und viele Menschen haben Angst vor einem langen Winter ohne Strom."
)


def article(text: str, id: str = "a") -> Article:
    return Article(id=id, title=text.split("\n", 1)[0], content=text)


@register
class DomainStamp(Component):
    """A component written in a test: one file's worth of code, no change to the analyzer."""

    name = "test-domain-stamp"
    requires = ("sentences",)

    def __init__(self, context, value: str = "TEST", **settings):  # type: ignore[no-untyped-def]
        super().__init__(context, **settings)
        self.value = value

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.domain = f"{self.value}:{len(doc.sentences or [])}"


def test_a_new_component_is_one_class_and_one_line_in_a_profile():
    profile = Profile(
        name="custom",
        components=("segment", "test-domain-stamp"),
        settings={"test-domain-stamp": {"value": "X"}},
    )
    text = "Title line\n\nOne sentence here. Another one there."
    result = Analyzer(profile).analyze(article(text))
    assert result.domain == f"X:{len(split_sentences(text))}"
    assert result.provenance.components == ["segment", "test-domain-stamp"]
    assert result.provenance.settings == {"test-domain-stamp": {"value": "X"}}


def test_a_missing_prerequisite_fails_with_a_clear_error():
    analyzer = Analyzer(Profile(name="broken", components=("test-domain-stamp",)))
    with pytest.raises(PipelineError, match=r"needs 'sentences'.*before 'test-domain-stamp'"):
        analyzer.analyze(article("Title\n\nText."))


def test_unknown_components_settings_and_profiles_are_refused():
    with pytest.raises(PipelineError, match="unknown component 'nope'"):
        Analyzer(Profile(name="p", components=("segment", "nope")))
    with pytest.raises(PipelineError, match="no setting"):
        Analyzer(Profile(name="p", components=("segment",), settings={"segment": {"speed": 2}}))
    with pytest.raises(ValueError, match="unknown profile"):
        Analyzer("turbo")


def test_builtin_profiles_are_data_and_fast_has_no_embedder():
    raw = json.loads((Path(__file__).parents[1] / "src/narrascope/pipeline/profiles.json").read_text())
    assert raw["default"]["components"][0] == "segment"
    fast = Analyzer("fast")
    assert [name for name, _ in fast.components] == raw["fast"]["components"]
    assert "embed" not in raw["fast"]["components"]


def test_unsupported_language_runs_only_language_independent_stages():
    result = Analyzer("fast").analyze(article(GERMAN))
    assert result.language.code == "de" and not result.language_supported
    skipped = {s.component: s.reason for s in result.skipped}
    assert "narratives" in skipped and "'de'" in skipped["narratives"]
    assert result.narratives == [] and result.other is False  # not analysed is not 'Other'
    assert result.entities is None and result.techniques is None


def test_a_stage_that_needs_a_skipped_layer_is_skipped_too():
    """explain needs narratives; for a language the narratives skip, explain skips as well
    (it once failed the whole article, so batch lost every title in French or Arabic)."""
    result = Analyzer("default").analyze(article(GERMAN))
    skipped = {s.component for s in result.skipped}
    assert {"narratives", "explain", "entities", "sourcing"} <= skipped
    assert result.explanation is None and result.narratives == []


def test_supported_language_skips_nothing():
    result = Analyzer("fast").analyze(article("A title\n\n" + PARAGRAPHS[0]))
    assert result.language.code == "en"
    assert result.skipped == []
    assert result.other == (not result.narratives)


def test_fingerprint_is_stable_and_changes_with_models_and_settings(tmp_path: Path):
    a, b = Analyzer("fast"), Analyzer("fast")
    assert a.provenance.fingerprint == b.provenance.fingerprint
    names = {m.name for m in a.provenance.models}
    assert {"narrascope-narratives", "narrascope-roles", "lingua-language-detector"} <= names
    assert all(len(m.sha256) == 64 for m in a.provenance.models)
    # A retrained model (here: the same weights with an edited manifest) is another model.
    retrained = tmp_path / "narratives"
    shutil.copytree(artifact_dir("narratives", "NARRASCOPE_MODEL_DIR"), retrained)
    manifest = json.loads((retrained / "manifest.json").read_text())
    manifest["date"] = "1999-01-01"
    (retrained / "manifest.json").write_text(json.dumps(manifest))
    c = Analyzer("fast", model_dir=retrained)
    assert c.provenance.fingerprint != a.provenance.fingerprint
    other_settings = Profile(
        name="fast",
        components=("segment", "language", "narratives"),
        settings={"narratives": {"embeddings": False}},
    )
    assert Analyzer(other_settings).provenance.fingerprint != a.provenance.fingerprint
    # Another sensitivity decides differently: a stored result must not be reused for it.
    high = Analyzer("fast", sensitivity="high")
    assert high.provenance.fingerprint != a.provenance.fingerprint
    assert Analyzer("fast", sensitivity="balanced").provenance.fingerprint == a.provenance.fingerprint


def test_store_does_not_serve_results_of_a_retrained_model(tmp_path: Path):
    """Before provenance keys, the store reused results whenever the package version matched."""
    records = tmp_path / "in.jsonl"
    records.write_text(
        "".join(
            json.dumps({"id": f"r{i}", "title": "T", "text": p}) + "\n" for i, p in enumerate(PARAGRAPHS[:3])
        ),
        encoding="utf-8",
    )
    store = tmp_path / "store.db"
    retrained = tmp_path / "narratives"
    shutil.copytree(artifact_dir("narratives", "NARRASCOPE_MODEL_DIR"), retrained)
    manifest = json.loads((retrained / "manifest.json").read_text())
    manifest["date"] = "1999-01-01"
    (retrained / "manifest.json").write_text(json.dumps(manifest))

    def run(out: str, *extra: str) -> str:
        cmd = [sys.executable, "-m", "narrascope", "batch", str(records), "--out", str(tmp_path / out)]
        proc = subprocess.run(
            [*cmd, "--store", str(store), "--fast", *extra], capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    assert "3 analysed, 0 already done" in run("a.jsonl")
    assert "0 analysed, 3 already done" in run("b.jsonl")
    assert "3 analysed, 0 already done" in run("c.jsonl", "--model", str(retrained))
    assert "0 analysed, 3 already done" in run("d.jsonl", "--model", str(retrained))
    fingerprints = {
        json.loads(line)["provenance"]["fingerprint"]
        for name in ("a.jsonl", "c.jsonl")
        for line in (tmp_path / name).read_text().splitlines()
    }
    assert len(fingerprints) == 2


def test_too_long_article_is_refused_before_any_work():
    huge = article("T\n\n" + "word " * (MAX_ARTICLE_CHARS // 5 + 10))
    with pytest.raises(ArticleTooLongError, match="at most 1,000,000"):
        list(Analyzer("fast").analyze_many([huge]))


def test_mentions_with_an_embedded_sentence_are_preferred():
    text = "First sentence about NATO. Second sentence. Third one mentions NATO again. NATO ends it."
    sentences = split_sentences(text)
    spans = [(m, m + 4) for m in range(len(text)) if text.startswith("NATO", m)]
    assert len(spans) == 3
    # Only the last sentence is embedded: its mention is taken first, then the earliest other.
    last = len(sentences) - 1
    picked = pick_mentions(spans, sentences, lambda i: i == last)
    assert picked == [spans[0], spans[2]]
    # Nothing embedded: the first two mentions, in text order.
    assert pick_mentions(spans, sentences, lambda i: False) == spans[:2]


def test_embedder_computes_each_text_once(monkeypatch: pytest.MonkeyPatch):
    from narrascope.nlp.embed import DIM, Embedder

    embedder = Embedder()
    calls: list[list[str]] = []

    def fake(texts: list[str]) -> np.ndarray:
        calls.append(list(texts))
        return np.ones((len(texts), DIM), dtype=np.float32)

    monkeypatch.setattr(embedder, "_compute", fake)
    first = embedder.embed(["a", "b", "a"])
    second = embedder.embed(["b", "c"])
    assert first.shape == (3, DIM) and second.shape == (2, DIM)
    assert calls == [["a", "b"], ["c"]]


def test_cli_refuses_a_too_long_article_in_one_line_and_batch_keeps_the_rest(tmp_path: Path):
    huge = tmp_path / "huge.txt"
    huge.write_text("Title\n\n" + "Words in a very long report. " * 40_000, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "narrascope", "analyze", str(huge), "--fast"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    [message] = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "at most 1,000,000" in message and "huge.txt" in message

    records = tmp_path / "in.jsonl"
    rows = [{"id": "ok", "text": PARAGRAPHS[0]}, {"id": "huge", "text": "word " * 250_000}]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "narrascope",
            "batch",
            str(records),
            "--out",
            str(out),
            "--no-store",
            "--fast",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == ["ok"]
    errors = (tmp_path / "out.jsonl.errors.jsonl").read_text()
    assert "huge" in errors and "at most 1,000,000" in errors
