"""Explanations of the dominant narrative: composition, checks, the component, the LLM backend.

Every text here is written for these tests. The LLM backend is tested against a tiny
OpenAI-compatible stub bound to 127.0.0.1 whose answer depends on the model name.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from narrascope.models.explain import (
    MAX_WORDS,
    Quote,
    Settings,
    choose_quotes,
    compose,
    invented_quotes,
    load_phrasing,
    parse_phrasing,
    quoted_spans,
    trim,
)
from narrascope.models.llm import LLMConfig, LLMError, llm_explanation
from narrascope.nlp.embed import Embedder
from narrascope.nlp.segment import Span
from narrascope.pipeline import Analyzer, Component, Profile, register
from narrascope.pipeline.doc import Doc
from narrascope.schema import SCHEMA_VERSION, Analysis, Article, NarrativeScore

NUCLEAR = (
    "URW: Amplifying war-related fears: There is a real possibility that nuclear weapons will be employed"
)
FEARS = "URW: Amplifying war-related fears"
ARTICLE = (
    "Village Fair Draws Record Crowds\n\n"
    "The annual village fair opened on Saturday with music, food stalls and a pumpkin contest. "
    "Organisers said more than two thousand visitors came from nearby towns. "
    "A retired general warned that Moscow could use nuclear weapons against European capitals within weeks, "
    "and that a single strike would kill millions. "
    "The pumpkin contest was won by a farmer from the valley for the third year running."
)


# One embedder for every analyzer of this module: the model loads once.
EMBEDDER = Embedder()


def article(text: str = ARTICLE, id: str = "fair.txt") -> Article:
    return Article(id=id, title=text.split("\n", 1)[0], content=text)


@register
class GivenNarrative(Component):
    """Sets a fixed dominant narrative, so the explanation is tested without the classifier."""

    name = "test-given-narrative"
    requires = ("sentences",)

    def __init__(self, context, label: str = "", sub: str = "", **settings):  # type: ignore[no-untyped-def]
        super().__init__(context, **settings)
        self.label, self.sub = label, sub

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            if not self.label:
                doc.narratives = []
                continue
            subs = [{"label": self.sub, "name": "s", "confidence": 0.7}] if self.sub else []
            doc.narratives = [
                NarrativeScore(label=self.label, name="n", confidence=0.8, subnarratives=subs)  # type: ignore[arg-type]
            ]


def phrasing_file(tmp_path: Path, **settings: object) -> Path:
    """The shipped phrasing with ``settings`` forced for every language."""
    raw = json.loads(
        (Path(__file__).parents[1] / "src/narrascope/models/artifacts/explain/phrasing.json").read_text()
    )
    for entry in raw["languages"].values():
        entry["settings"].update(settings)
    path = tmp_path / "phrasing.json"
    path.write_text(json.dumps(raw, ensure_ascii=False))
    return path


def analyze(text: str, label: str, sub: str = "", embed: bool = True, **explain: object) -> Analysis:
    parts = ("segment", "language", *(("embed",) if embed else ()), "test-given-narrative", "explain")
    profile = Profile(
        name="t",
        components=parts,
        settings={"test-given-narrative": {"label": label, "sub": sub}, "explain": dict(explain)},
    )
    return Analyzer(profile, embedder=EMBEDDER).analyze(article(text))


# ---------------------------------------------------------------- composition and checks


def test_quoted_spans_and_invented_quotes():
    text = "The text says that “Moscow could use nuclear weapons…”. It adds «a single strike» and „gone“."
    assert quoted_spans(text) == ["Moscow could use nuclear weapons…", "a single strike", "gone"]
    assert invented_quotes(text, ARTICLE) == ["gone"]
    assert invented_quotes('He said "the annual   village fair".', ARTICLE) == []


def test_trim_cuts_at_a_clause_end_within_the_budget_and_stays_a_substring():
    sentence = Span(10, 10 + 60, "Alpha beta gamma delta, epsilon zeta eta theta iota kappa lambda")
    quote = trim(sentence, 8)
    assert quote.text == "Alpha beta gamma delta" and quote.trimmed
    assert quote.start == 10 and quote.end == 10 + len(quote.text)
    assert not trim(sentence, 20).trimmed


def test_compose_never_exceeds_80_words():
    phrasing = load_phrasing()["en"]
    long = " ".join(f"word{i}" for i in range(200))
    draft = compose([Quote(0, len(long), long, False, 0.0)] * 3, "en", phrasing)
    assert len(draft.text.split()) <= MAX_WORDS
    assert invented_quotes(draft.text, long) == []


def _spans(texts: list[str]) -> tuple[str, list[Span]]:
    content, spans = "", []
    for text in texts:
        spans.append(Span(len(content), len(content) + len(text), text))
        content += text + " "
    return content, spans


def test_a_headline_repeated_in_the_lead_is_quoted_once():
    _, spans = _spans(
        [
            "Farmers Win Pumpkin Prize Again ...",
            "Farmers Win Pumpkin Prize Again, the village council announced on Sunday.",
            "The contest drew a large crowd from the valley towns.",
        ]
    )
    # Vectors far apart (as a longer copy's can be): the texts still say it is one sentence.
    vectors = np.eye(3)
    query = np.array([0.6, 0.8, 0.1])
    quotes = choose_quotes(spans, [0, 1, 2], vectors, query, Settings(sentences=3, max_words=80))
    texts = [q.text for q in quotes]
    assert texts == [spans[1].text, spans[2].text]


def test_fill_uses_the_word_budget_and_lead_comes_first():
    sentences = [" ".join(f"w{n}x{i}" for i in range(12)) + "." for n in range(6)]
    content, spans = _spans(sentences)
    vectors = np.eye(6)
    query = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 1.0])  # the last sentence is the closest
    fixed = choose_quotes(spans, list(range(6)), vectors, query, Settings(sentences=2, max_words=30))
    assert sum(len(q.text.split()) for q in fixed) == 24  # two whole sentences, 6 words unused
    filled = choose_quotes(
        spans, list(range(6)), vectors, query, Settings(sentences=6, max_words=30, fill=True, lead=1)
    )
    assert sum(len(q.text.split()) for q in filled) == 30
    assert filled[0].start == 0 and any(q.start == spans[5].start for q in filled)
    assert all(content[q.start : q.end] == q.text for q in filled)


def test_ellipsis_is_optional_and_an_overflowing_quote_is_cut_not_dropped():
    phrasing = load_phrasing()["en"]
    long = " ".join(f"word{i}" for i in range(60))
    quotes = [Quote(0, len(long), long, False, 0.0)] * 2
    with_mark = compose(quotes, "en", phrasing, 0, ellipsis=True)
    without = compose(quotes, "en", phrasing, 0, ellipsis=False)
    assert len(with_mark.quotes) == 2 and with_mark.quotes[1].trimmed  # the second cut to fit
    assert "…" in with_mark.text and "…" not in without.text
    assert len(with_mark.text.split()) == MAX_WORDS == len(without.text.split())
    assert invented_quotes(without.text, long) == []


def test_learned_openings_follow_the_written_phrasing():
    raw = {
        "languages": {
            "pt": {
                "openers": ["O texto refere que {q}"],
                "follows": ["Acrescenta que {q}"],
                "learned": [{"opener": "O autor do texto {q}", "follow": "{q}"}],
                "settings": {"phrasing": 1},
            }
        }
    }
    entry = parse_phrasing(raw)["pt"]
    assert entry.openers[entry.settings.phrasing] == "O autor do texto {q}"
    assert entry.follows == ("Acrescenta que {q}", "{q}")


def test_bad_phrasing_data_is_refused():
    with pytest.raises(ValueError, match="pair up"):
        parse_phrasing({"languages": {"en": {"openers": ["{q}"], "follows": []}}})
    with pytest.raises(ValueError, match="out of range"):
        parse_phrasing(
            {"languages": {"en": {"openers": ["{q}"], "follows": ["{q}"], "settings": {"phrasing": 3}}}}
        )


# ---------------------------------------------------------------- the component


def test_explanation_quotes_the_sentence_closest_to_the_narrative(tmp_path: Path):
    path = phrasing_file(tmp_path, sentences=1, position_weight=0.0, max_words=40)
    result = analyze(ARTICLE, FEARS, NUCLEAR, phrasing=str(path))
    exp = result.explanation
    assert exp is not None and exp.method == "extractive" and exp.language == "en"
    assert exp.narrative == FEARS and exp.subnarrative == NUCLEAR
    assert len(exp.evidence) == 1 and "nuclear weapons" in exp.evidence[0].text
    for ev in exp.evidence:
        assert ARTICLE[ev.start : ev.end] == ev.text
    assert len(exp.text.split()) <= MAX_WORDS
    assert invented_quotes(exp.text, ARTICLE) == [] and quoted_spans(exp.text)


def test_no_explanation_for_other_and_json_round_trip():
    assert analyze(ARTICLE, "").explanation is None
    result = analyze(ARTICLE, FEARS)
    assert result.explanation is not None
    again = Analysis.model_validate_json(result.model_dump_json())
    assert again.explanation == result.explanation and again.schema_version == SCHEMA_VERSION


def test_without_vectors_the_narrative_evidence_is_quoted():
    result = analyze(ARTICLE, FEARS, embed=False)
    assert result.explanation is not None
    for ev in result.explanation.evidence:
        assert ARTICLE[ev.start : ev.end] == ev.text


def test_explanation_is_in_the_articles_language():
    text = (
        "Ярмарка в селе\n\n"
        "В субботу открылась ежегодная ярмарка с музыкой и едой. "
        "Отставной генерал предупредил, что Москва может применить ядерное оружие против европейских столиц. "
        "Конкурс тыкв снова выиграл фермер из долины."
    )
    exp = analyze(text, FEARS, NUCLEAR).explanation
    assert exp is not None and exp.language == "ru" and exp.text.startswith("В статье")
    assert invented_quotes(exp.text, text) == []


def test_the_offline_explanation_adds_little_time():
    profile = Profile(
        name="t",
        components=("segment", "language", "embed", "test-given-narrative", "explain"),
        settings={"test-given-narrative": {"label": FEARS, "sub": NUCLEAR}},
    )
    analyzer = Analyzer(profile, embedder=EMBEDDER)
    analyzer.analyze(article())  # loads models, embeds the label description once
    docs = [Doc(article())]
    for name, component in analyzer.components:
        if name == "explain":
            start = time.perf_counter()
            component(docs)
            assert time.perf_counter() - start < 0.05
            assert docs[0].explanation is not None
        else:
            docs = component(docs)


# ---------------------------------------------------------------- the LLM backend


GOOD = 'The text warns that "Moscow could use nuclear weapons against European capitals" and kills millions.'
ANSWERS = {
    "ok": GOOD,
    "long": "The text " + "really " * 90 + "warns.",
    "russian": "В статье говорится, что Москва может применить ядерное оружие против европейских столиц.",
    "invented": 'The text says that "NATO will attack Moscow tomorrow" according to the general.',
}


class StubHandler(BaseHTTPRequestHandler):
    seen: ClassVar[list[dict]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubHandler.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        model = body["model"]
        if model == "slow":
            time.sleep(1.5)
        if model == "error":
            self.send_response(500)
            self.end_headers()
            return
        reply = {"choices": [{"message": {"role": "assistant", "content": ANSWERS.get(model, GOOD)}}]}
        if model == "malformed":
            reply = {"nothing": True}
        data = json.dumps(reply).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except BrokenPipeError:  # the client gave up (timeout test)
            pass

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture(scope="module")
def stub() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def ask(url: str, model: str, timeout: float = 5.0) -> str:
    config = LLMConfig(url=url, model=model, api_key="k", timeout=timeout)
    return llm_explanation(config, ARTICLE, "en", FEARS, "fears", ["A sentence."])


def test_llm_success_sends_the_key_and_the_prompt(stub: str):
    assert ask(stub, "ok") == GOOD
    last = StubHandler.seen[-1]
    assert last["path"] == "/v1/chat/completions" and last["auth"] == "Bearer k"
    assert "pumpkin contest" in last["body"]["messages"][1]["content"]


@pytest.mark.parametrize(
    ("model", "reason"),
    [
        ("slow", "no answer within"),
        ("error", "HTTP 500"),
        ("malformed", "malformed reply"),
        ("long", "more than 80"),
        ("russian", "not in the article's language"),
        ("invented", "does not contain"),
    ],
)
def test_llm_failures_are_named(stub: str, model: str, reason: str):
    with pytest.raises(LLMError, match=reason):
        ask(stub, model, timeout=0.5)


def test_llm_unreachable_endpoint_is_an_error():
    with pytest.raises(LLMError, match="cannot reach"):
        ask("http://127.0.0.1:9/v1", "ok", timeout=2)


def test_component_uses_a_checked_llm_answer_and_falls_back_with_a_note(stub: str):
    good = analyze(ARTICLE, FEARS, NUCLEAR, llm_url=stub, llm_model="ok").explanation
    assert good is not None and good.method == "llm:ok" and good.text == GOOD and good.evidence
    bad = analyze(ARTICLE, FEARS, NUCLEAR, llm_url=stub, llm_model="invented").explanation
    assert bad is not None and bad.method == "extractive" and "does not contain" in bad.note
    assert invented_quotes(bad.text, ARTICLE) == []


# ---------------------------------------------------------------- the CLI and the schema


def run_cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "narrascope", *args], capture_output=True, timeout=600)


def test_semeval_and_evaluate_explanations(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fair.txt").write_text(ARTICLE, encoding="utf-8")
    (docs / "other.txt").write_text(
        "Quiet Week\n\nNothing happened in the village this week at all.", encoding="utf-8"
    )
    dominant = tmp_path / "dominant.txt"
    dominant.write_text(
        f"fair.txt\t{FEARS}\t{NUCLEAR}\nother.txt\t{FEARS}\tnone\nmissing.txt\t{FEARS}\tnone\n"
    )
    pred = tmp_path / "pred.txt"
    proc = run_cli("semeval", "explanations", str(docs), str(dominant), "-o", str(pred))
    assert proc.returncode == 1, proc.stderr.decode()  # missing.txt is listed, the rest written
    assert "missing.txt" in proc.stderr.decode()
    lines = [line.split("\t") for line in pred.read_text(encoding="utf-8").splitlines()]
    assert [line[0] for line in lines] == ["fair.txt", "other.txt"]
    assert all(len(line) == 2 and 0 < len(line[1].split()) <= MAX_WORDS for line in lines)
    assert invented_quotes(lines[0][1], ARTICLE) == []

    gold = tmp_path / "gold.txt"
    gold.write_text(
        f"fair.txt\t{FEARS}\t{NUCLEAR}\t{lines[0][1]}\nother.txt\t{FEARS}\tnone\tThe text is calm.\n"
    )
    proc = run_cli("evaluate", "explanations", str(gold), str(pred), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    scores = json.loads(proc.stdout)
    assert scores["all"]["n"] == 2 and scores["en"]["n"] == 2 and scores["all"]["missing"] == 0
    assert 50 < scores["all"]["chrf"] < 100  # one identical pair (100), one different
    assert 0.5 < scores["all"]["cosine"] < 1.0


def test_semeval_explanations_refuses_unknown_labels_and_bad_lines(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "fair.txt").write_text(ARTICLE, encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("fair.txt\tURW: No such narrative\tnone\n")
    proc = run_cli("semeval", "explanations", str(docs), str(bad), "-o", str(tmp_path / "p.txt"))
    assert proc.returncode == 2 and "unknown label" in proc.stderr.decode()
    bad.write_text("fair.txt only one column\n")
    proc = run_cli("semeval", "explanations", str(docs), str(bad), "-o", str(tmp_path / "p.txt"))
    assert proc.returncode == 2 and "expected id<TAB>narrative<TAB>subnarrative" in proc.stderr.decode()


def test_schema_documents_the_explanation():
    proc = run_cli("schema")
    schema = json.loads(proc.stdout)
    assert schema["properties"]["schema_version"]["default"] == SCHEMA_VERSION
    fields = schema["$defs"]["Explanation"]["properties"]
    assert {"text", "language", "evidence", "method", "narrative"} <= set(fields)


def test_terminal_and_html_reports_show_the_explanation():
    from io import StringIO

    from rich.console import Console

    from narrascope.cli.html_report import render_html
    from narrascope.cli.report import render_analysis

    result = analyze(ARTICLE, FEARS, NUCLEAR)
    assert result.explanation is not None
    console = Console(file=StringIO(), width=300)
    render_analysis(result, console, content=ARTICLE)
    terminal = console.file.getvalue()  # type: ignore[attr-defined]
    assert f"Why: {NUCLEAR}" in terminal and "quoted from the article" in terminal
    html = render_html(result, ARTICLE)
    assert f"Why {NUCLEAR}" in html and 'lang="en"' in html
