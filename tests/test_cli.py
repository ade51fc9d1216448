"""End-to-end: the real ``narrascope`` CLI in a subprocess, on texts written for these tests."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from narrascope.schema import Analysis

ARTICLE_EN = (
    "Officials Argue Over Winter Energy Plan\n\n"
    "The ministry said on Monday that gas reserves would last through the winter. "
    "Opposition deputies called the plan reckless and demanded a vote. "
    "Analysts expect prices to rise again in the spring."
)
# Written to push a narrative strongly enough that even the cautious --fast model decides one,
# so the tests below that check predicted narratives have something to check.
ARTICLE_URW = (
    "Kiev Regime Steals Western Aid While Ukrainians Starve\n\n"
    "The corrupt Kiev regime of Zelensky has stolen billions in Western aid while ordinary Ukrainians "
    "freeze without heating. Ukrainian officials buy villas and yachts with American taxpayer money. "
    "Western weapons sent to Ukraine end up on the black market and in the hands of criminals. "
    "The Ukrainian army is collapsing, soldiers are deserting en masse and the front is crumbling. "
    "Nazis and nationalists control the government in Kiev and persecute Russian speakers. "
    "The situation in Ukraine is hopeless and defeat is inevitable."
)


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "narrascope", *args], input=stdin, capture_output=True, timeout=600
    )


def one_line_error(proc: subprocess.CompletedProcess[bytes]) -> str:
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


@pytest.fixture(scope="module")
def demo_json() -> dict:
    proc = run_cli("analyze", "--demo", "--json", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def pushy(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Analysis]:
    """The analysis of ARTICLE_URW, an article that comes out with at least one narrative."""
    path = tmp_path_factory.mktemp("pushy") / "pushy.txt"
    path.write_text(ARTICLE_URW, encoding="utf-8")
    proc = run_cli("analyze", str(path), "--json", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    analysis = Analysis.model_validate_json(proc.stdout)
    assert analysis.narratives, "ARTICLE_URW must push a narrative, or these tests check nothing"
    return ARTICLE_URW, analysis


def all_evidence(analysis: Analysis) -> list:
    labels = [*analysis.narratives, *analysis.weak_signals]
    labels += [sub for narrative in analysis.narratives for sub in narrative.subnarratives]
    return [ev for label in labels for ev in label.evidence]


def test_demo_json_validates_and_offsets_quote_the_text(demo_json: dict):
    from narrascope.cli.analyze import demo_article

    analysis = Analysis.model_validate(demo_json)
    content = demo_article().content
    assert analysis.content_length == len(content)
    assert analysis.language.code == "en"
    # The demo comes out "Other" with --fast: its weak signals carry the evidence then.
    evidence = all_evidence(analysis)
    assert evidence, "the demo has narratives or weak signals with quoted evidence"
    for ev in evidence:
        assert content[ev.start : ev.end] == ev.text


def test_predicted_narratives_quote_the_text(pushy: tuple[str, Analysis]):
    content, analysis = pushy
    assert analysis.content_length == len(content)
    assert all(narrative.evidence for narrative in analysis.narratives)
    for ev in all_evidence(analysis):
        assert content[ev.start : ev.end] == ev.text


@pytest.mark.parametrize("which", ["demo", "pushy"])
def test_predictions_obey_the_hierarchy(which: str, demo_json: dict, pushy: tuple[str, Analysis]):
    analysis = Analysis.model_validate(demo_json) if which == "demo" else pushy[1]
    coarse, fine = analysis.semeval_labels()
    assert analysis.other == (not analysis.narratives)
    if analysis.other:
        assert coarse == ["Other"] and fine == ["Other"]
    else:
        assert coarse == [n.label for n in analysis.narratives] and "Other" not in coarse
    for narrative in analysis.narratives:
        assert narrative.subnarratives, "every narrative has at least one sub-narrative"
        for sub in narrative.subnarratives:
            assert sub.label.startswith(narrative.label + ": ")
            assert sub.label in fine
        assert 0.0 <= narrative.confidence <= 1.0
    decided = {n.label for n in analysis.narratives}
    assert analysis.weak_signals, "the likeliest undecided narratives are always reported"
    assert all(signal.label not in decided for signal in analysis.weak_signals)


def test_demo_terminal_report():
    proc = run_cli("analyze", "--demo", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode()
    assert "narrascope" in text and "language en" in text


def test_txt_file_and_stdin_give_the_same_labels(tmp_path: Path):
    path = tmp_path / "energy.txt"
    path.write_text(ARTICLE_EN, encoding="utf-8")
    from_file = run_cli("analyze", str(path), "--json", "--fast")
    from_stdin = run_cli("analyze", "-", "--json", "--fast", stdin=ARTICLE_EN.encode())
    assert from_file.returncode == 0 and from_stdin.returncode == 0
    a = Analysis.model_validate_json(from_file.stdout)
    b = Analysis.model_validate_json(from_stdin.stdout)
    assert a.id == "energy.txt" and b.id == "stdin"
    assert a.semeval_labels() == b.semeval_labels()
    assert a.title == "Officials Argue Over Winter Energy Plan"


def test_jsonl_gives_json_lines_and_reports_the_bad_line(tmp_path: Path):
    path = tmp_path / "batch.jsonl"
    good = {
        "id": "r1",
        "title": "Plan",
        "text": ARTICLE_EN,
        "outlet": "Daily Test",
        "published": "2024-03-01",
    }
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps({**good, "id": "r2"}) + "\n")
    proc = run_cli("analyze", str(path), "--json", "--fast")
    assert proc.returncode == 1  # some records analysed, one not
    rows = [json.loads(line) for line in proc.stdout.decode().splitlines() if line.strip()]
    assert [r["id"] for r in rows] == ["r1", "r2"]
    assert rows[0]["outlet"] == "Daily Test"
    assert "batch.jsonl:line 2" in one_line_error(proc)


@pytest.mark.parametrize(
    ("name", "payload", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
        ("cp1251.txt", "Заголовок\n\nЭто статья о погоде в городе.".encode("cp1251"), "UTF-8"),
    ],
)
def test_bad_single_file_exits_2_with_one_line(tmp_path: Path, name: str, payload: bytes, reason: str):
    path = tmp_path / name
    path.write_bytes(payload)
    proc = run_cli("analyze", str(path), "--fast")
    assert proc.returncode == 2
    line = one_line_error(proc)
    assert name in line and reason in line


def test_oversized_file_is_refused(tmp_path: Path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"word " * 1_200_000)
    proc = run_cli("analyze", str(path), "--fast")
    assert proc.returncode == 2
    assert "too large" in one_line_error(proc)


def test_semeval_narratives_processes_good_files_and_lists_bad_ones(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (docs / "b.txt").write_text("Título\n\nO governo anunciou um novo plano para o clima.", encoding="utf-8")
    (docs / "c.txt").write_bytes(b"")
    out = tmp_path / "pred.txt"
    proc = run_cli("semeval", "narratives", str(docs), "-o", str(out), "--fast")
    assert proc.returncode == 1
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[0] for line in lines] == ["a.txt", "b.txt"]
    assert all(len(line.split("\t")) == 3 for line in lines)
    assert "c.txt" in proc.stderr.decode()


def test_semeval_narratives_with_no_readable_file_exits_2(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "c.txt").write_bytes(b"")
    proc = run_cli("semeval", "narratives", str(docs), "-o", str(tmp_path / "pred.txt"), "--fast")
    assert proc.returncode == 2 and "c.txt: empty file" in proc.stderr.decode()


def test_evaluate_narratives_prints_scores(tmp_path: Path):
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text(
        "a.txt\tURW: Discrediting Ukraine\tURW: Discrediting Ukraine: Other\nb.txt\tOther\tOther\n",
        encoding="utf-8",
    )
    pred.write_text(
        "a.txt\tURW: Discrediting Ukraine\tURW: Discrediting Ukraine: Other\nb.txt\tOther\tOther\n"
    )
    proc = run_cli("evaluate", "narratives", str(gold), str(pred), "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    scores = json.loads(proc.stdout)["scores"]["all"]
    assert scores == {"articles": 2, "coarse_f1": 1.0, "fine_f1": 1.0}


def test_schema_and_taxonomy_commands():
    schema = json.loads(run_cli("schema").stdout)
    assert schema["title"] == "Analysis" and "narratives" in schema["properties"]
    tax = run_cli("taxonomy", "--domain", "CC", "--json")
    assert tax.returncode == 0
    assert json.loads(tax.stdout)[0]["code"] == "CC"
    assert run_cli("taxonomy", "--domain", "NOPE").returncode == 2


def test_analyze_needs_file_or_demo():
    assert run_cli("analyze").returncode == 2


@pytest.fixture(scope="module")
def demo_default_json() -> dict:
    """The demo with the default profile (embeddings, entities, techniques, sourcing): run once."""
    proc = run_cli("analyze", "--demo", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    return json.loads(proc.stdout)


def test_default_profile_runs_the_embedding_model(demo_default_json: dict):
    analysis = Analysis.model_validate(demo_default_json)
    assert analysis.provenance.profile == "default"
    assert analysis.domain in {"URW", "CC", "none"}
    assert analysis.weak_signals
    for signal in analysis.weak_signals:
        assert 0.0 <= signal.confidence <= 1.0
        assert signal.label not in {n.label for n in analysis.narratives}


def test_analyze_reports_entities_with_consistent_offsets_and_roles(demo_default_json: dict):
    from narrascope.cli.analyze import demo_article
    from narrascope.taxonomy.roles import entity_roles

    result = demo_default_json
    content = demo_article().content
    roles = entity_roles()
    assert result["entities"], "the demo article names several entities"
    for entity in result["entities"]:
        assert all(content[m["start"] : m["end"]] == m["text"] for m in entity["mentions"])
        assert all(roles.main_of(f) == entity["main_role"] for f in entity["fine_roles"])
        ev = entity["evidence"]
        assert content[ev["start"] : ev["end"]] == ev["text"]
    # the other span layers of the default profile quote the text exactly too
    assert result["techniques"]["trust"] == "trained"
    assert result["techniques"]["spans"], "the demo is written with loaded language"
    for span in result["techniques"]["spans"]:
        assert content[span["start"] : span["end"]] == span["text"]
        assert span["ptc_technique"] and span["family"]  # product label + family, PTC label kept
    assert result["techniques"]["model"] == "span-crf-en" and result["techniques"]["evaluation"]
    segments = result["techniques"]["segments"]
    assert segments and all(content[s["start"] : s["end"]] == s["text"] for s in segments)
    assert sum(result["techniques"]["family_counts"].values()) == sum(len(s["techniques"]) for s in segments)
    claims = result["sourcing"]["claims"]
    assert claims and sum(result["sourcing"]["counts"].values()) == len(claims)
    assert any(claim["source"] for claim in claims), "the demo quotes named and vague sources"
    for claim in claims:
        assert content[claim["start"] : claim["end"]] == claim["text"]
        if claim["source"]:
            assert content[claim["source"]["start"] : claim["source"]["end"]] == claim["source"]["text"]


def test_analyze_classifies_given_mentions(tmp_path: Path):
    article = tmp_path / "harbour.txt"
    text = "Harbour deal\n\nThe Guild of Pilots blocked the harbour. The mayor thanked the Guild of Pilots."
    article.write_text(text, encoding="utf-8")
    first = text.index("Guild of Pilots")
    second = text.rindex("Guild of Pilots")
    mentions = tmp_path / "mentions.txt"
    mentions.write_text(
        f"other-name.txt\tGuild of Pilots\t{first}\t{first + 14}\n"
        f"other-name.txt\tGuild of Pilots\t{second}\t{second + 14}\n"
        "other-name.txt\tbroken line\n",
        encoding="utf-8",
    )
    proc = run_cli("analyze", str(article), "--fast", "--json", "--mentions", str(mentions))
    assert proc.returncode == 0, proc.stderr
    entities = json.loads(proc.stdout)["entities"]
    assert [(e["name"], len(e["mentions"]), e["origin"]) for e in entities] == [
        ("Guild of Pilots", 2, "given")
    ]
    assert "line 3" in proc.stderr.decode()


def test_analyze_writes_a_self_contained_html_report(tmp_path: Path):
    report = tmp_path / "out" / "report.html"
    proc = run_cli("analyze", "--demo", "--fast", "--html", str(report))
    assert proc.returncode == 0, proc.stderr
    html = report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "</html>" in html
    assert "<script" not in html and "https://" not in html


def test_html_needs_exactly_one_article(tmp_path: Path):
    records = tmp_path / "two.jsonl"
    records.write_text(
        json.dumps({"id": "a", "text": ARTICLE_EN})
        + "\n"
        + json.dumps({"id": "b", "text": ARTICLE_EN})
        + "\n"
    )
    proc = run_cli("analyze", str(records), "--fast", "--html", str(tmp_path / "r.html"))
    assert proc.returncode == 2
    assert "one article" in one_line_error(proc)


def test_version_prints_the_package_version():
    from narrascope import __version__

    proc = run_cli("--version")
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode() == f"narrascope {__version__}\n"


# ---------------------------------------------------------------- analyze reads what batch reads

PAGE = """<!doctype html><html><head><title>Harbour Deal Signed | Coast Gazette</title>
<meta property="og:title" content="Harbour Deal Signed"><meta property="og:site_name" content="Coast Gazette">
</head><body><nav><a href="/">Home</a> | <a href="/sport">Sport</a> | Subscribe now</nav>
<article><h1>Harbour Deal Signed</h1><p>{0}</p><p>{1}</p></article>
<footer>Copyright Coast Gazette. Cookie settings.</footer></body></html>"""


def json_rows(proc: subprocess.CompletedProcess[bytes]) -> list[Analysis]:
    return [Analysis.model_validate_json(line) for line in proc.stdout.decode().splitlines() if line.strip()]


def test_analyze_extracts_a_saved_web_page(tmp_path: Path):
    from narrascope.io.corpus_sources import article_from_html

    body = ARTICLE_EN.split("\n\n", 1)[1]
    page = tmp_path / "page.html"
    page.write_text(PAGE.format(body, "Dock workers went back to work on Tuesday."), encoding="utf-8")
    proc = run_cli("analyze", str(page), "--json", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    analysis = Analysis.model_validate_json(proc.stdout)
    assert analysis.title == "Harbour Deal Signed" and analysis.outlet == "Coast Gazette"
    extracted = article_from_html(page.read_bytes(), id="page.html", source=str(page)).content
    assert "<" not in extracted and "Subscribe" not in extracted and body in extracted
    # the analysed content is the extracted text, not the markup
    assert analysis.content_length == len(extracted)
    for ev in all_evidence(analysis):
        assert extracted[ev.start : ev.end] == ev.text and "<" not in ev.text


def test_analyze_reads_every_csv_record(tmp_path: Path):
    records = tmp_path / "recs.csv"
    body = ARTICLE_EN.split("\n\n", 1)[1]
    rows = [f'r{i},Title {i},"{body} Item {i}.",Daily Test\n' for i in range(3)]
    records.write_text("id,title,text,outlet\n" + "".join(rows), encoding="utf-8")
    proc = run_cli("analyze", str(records), "--json", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    results = json_rows(proc)
    assert [(a.id, a.title, a.outlet) for a in results] == [
        (f"r{i}", f"Title {i}", "Daily Test") for i in range(3)
    ]


def test_analyze_several_files_and_folders(tmp_path: Path):
    first, second = tmp_path / "one.txt", tmp_path / "two.txt"
    first.write_text(ARTICLE_EN, encoding="utf-8")
    second.write_text(ARTICLE_URW, encoding="utf-8")
    # a folder is read like batch reads it: recursively, ids relative to the folder
    (tmp_path / "corpus" / "EN").mkdir(parents=True)
    (tmp_path / "corpus" / "EN" / "three.txt").write_text(ARTICLE_EN, encoding="utf-8")
    (tmp_path / "corpus" / "notes.md").write_text("not a corpus file", encoding="utf-8")
    proc = run_cli("analyze", str(first), str(second), str(tmp_path / "corpus"), "--json", "--fast")
    assert proc.returncode == 0, proc.stderr.decode()
    assert [a.id for a in json_rows(proc)] == ["one.txt", "two.txt", "EN/three.txt"]
    assert proc.stderr == b"", "no progress bar (or anything else) when stderr is not a terminal"


def test_analyze_reads_csv_from_stdin_with_format():
    body = ARTICLE_EN.split("\n\n", 1)[1]
    data = f'id,text\ns1,"{body}"\ns2,"{body}"\n'.encode()
    proc = run_cli("analyze", "-", "--format", "csv", "--json", "--fast", stdin=data)
    assert proc.returncode == 0, proc.stderr.decode()
    assert [a.id for a in json_rows(proc)] == ["s1", "s2"]


def test_analyze_lists_unreadable_inputs_and_exits_1_or_2(tmp_path: Path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE_EN, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    missing = tmp_path / "missing.txt"
    some = run_cli("analyze", str(good), str(missing), str(tmp_path / "empty.txt"), "--json", "--fast")
    assert some.returncode == 1
    assert [a.id for a in json_rows(some)] == ["good.txt"]
    errors = some.stderr.decode().splitlines()
    assert len(errors) == 2 and all(line.startswith("error: ") for line in errors)
    assert "missing.txt: no such file" in errors[0] and "empty.txt: empty file" in errors[1]
    none = run_cli("analyze", str(missing), str(tmp_path / "empty.txt"), "--fast")
    assert none.returncode == 2 and not none.stdout
    assert len(none.stderr.decode().splitlines()) == 2


def test_analyze_shows_progress_on_a_terminal(tmp_path: Path):
    """With stderr on a terminal (a pty here), several articles get a progress bar (not when
    piped: see test_analyze_several_files_and_folders) and --json output stays on stdout."""
    import os
    import pty

    paths = []
    for name in ("one.txt", "two.txt"):
        paths.append(tmp_path / name)
        paths[-1].write_text(ARTICLE_EN, encoding="utf-8")
    args = [sys.executable, "-m", "narrascope", "analyze", *map(str, paths), "--json", "--fast"]
    master, slave = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env)
    os.close(slave)
    terminal = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        terminal += chunk
    stdout, _ = proc.communicate(timeout=600)
    os.close(master)
    assert proc.returncode == 0, terminal.decode(errors="replace")
    assert len(stdout.decode().splitlines()) == 2  # JSON Lines untouched by the bar
    assert b"analyze" in terminal and b"2/2" in terminal


def test_demo_article_names_a_ukraine_war_narrative_at_the_default_operating_point(demo_default_json: dict):
    # The demo is our own article written to push URW narratives; the issue asks that a
    # new user trying it sees one named, not only "weaker signals".
    analysis = Analysis.model_validate(demo_default_json)
    assert analysis.narrative_decision is not None
    assert analysis.narrative_decision.sensitivity == "balanced"
    assert any(n.label.startswith("URW:") for n in analysis.narratives), analysis.weak_signals


@pytest.fixture(scope="module")
def by_sensitivity(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Analysis]:
    path = tmp_path_factory.mktemp("sens") / "pushy.txt"
    path.write_text(ARTICLE_URW, encoding="utf-8")
    out = {}
    for level in ("low", "balanced", "high"):
        proc = run_cli("analyze", str(path), "--json", "--fast", "--sensitivity", level)
        assert proc.returncode == 0, proc.stderr.decode()
        out[level] = Analysis.model_validate_json(proc.stdout)
    return out


def test_sensitivity_moves_the_operating_point_monotonically(by_sensitivity: dict[str, Analysis]):
    decisions = {level: a.narrative_decision for level, a in by_sensitivity.items()}
    assert all(d is not None and d.sensitivity == level for level, d in decisions.items())
    pushes = [decisions[level].pushes_narrative for level in ("low", "balanced", "high")]  # type: ignore[union-attr]
    priors = [decisions[level].prior_other for level in ("low", "balanced", "high")]  # type: ignore[union-attr]
    assert priors[0] > priors[1] > priors[2]
    assert pushes[0] < pushes[1] < pushes[2]
    found = {level: {n.label for n in a.narratives} for level, a in by_sensitivity.items()}
    assert found["low"] <= found["balanced"] <= found["high"]


def test_the_confidence_shown_orders_findings_the_way_the_decision_does(by_sensitivity: dict[str, Analysis]):
    for analysis in by_sensitivity.values():
        decision = analysis.narrative_decision
        assert decision is not None
        for narrative in analysis.narratives:
            assert narrative.threshold == decision.coarse_threshold
            assert narrative.confidence >= narrative.threshold
            for sub in narrative.subnarratives:
                if not sub.label.endswith(": Other"):
                    assert sub.confidence >= decision.fine_threshold
        for signal in analysis.weak_signals:
            assert signal.confidence < decision.coarse_threshold
        shown = [n.confidence for n in analysis.narratives]
        assert shown == sorted(shown, reverse=True)


def test_unknown_sensitivity_is_a_usage_error():
    proc = run_cli("analyze", "--demo", "--fast", "--sensitivity", "paranoid")
    assert proc.returncode == 2
    assert "paranoid" in proc.stderr.decode()


def test_library_refuses_an_unknown_sensitivity():
    from narrascope.pipeline import Analyzer
    from narrascope.pipeline.components.base import PipelineError

    with pytest.raises(PipelineError, match="sensitivity"):
        Analyzer(profile="fast", sensitivity="paranoid")
