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


def test_demo_json_validates_and_offsets_quote_the_text(demo_json: dict):
    from narrascope.cli.app import demo_article

    analysis = Analysis.model_validate(demo_json)
    content = demo_article().content
    assert analysis.content_length == len(content)
    assert analysis.language.code == "en"
    for narrative in analysis.narratives:
        for ev in narrative.evidence + [e for s in narrative.subnarratives for e in s.evidence]:
            assert content[ev.start : ev.end] == ev.text


def test_predictions_obey_the_hierarchy(demo_json: dict):
    analysis = Analysis.model_validate(demo_json)
    coarse, fine = analysis.semeval_labels()
    if analysis.other:
        assert coarse == ["Other"] and fine == ["Other"]
    for narrative in analysis.narratives:
        assert narrative.subnarratives, "every narrative has at least one sub-narrative"
        for sub in narrative.subnarratives:
            assert sub.label.startswith(narrative.label + ": ")
        assert 0.0 <= narrative.confidence <= 1.0


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
    assert proc.returncode == 2
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


def test_default_profile_runs_the_embedding_model():
    proc = run_cli("analyze", "--demo", "--json")
    assert proc.returncode == 0, proc.stderr.decode()
    analysis = Analysis.model_validate_json(proc.stdout)
    assert analysis.provenance.profile == "default"
    assert analysis.domain in {"URW", "CC", "none"}
    for signal in analysis.weak_signals:
        assert 0.0 <= signal.confidence <= 1.0
        assert signal.label not in {n.label for n in analysis.narratives}


def test_analyze_reports_entities_with_consistent_offsets_and_roles(tmp_path: Path):
    from narrascope.taxonomy.roles import entity_roles

    proc = run_cli("analyze", "--demo", "--json")
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    from narrascope.cli.app import demo_article

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
    for span in result["techniques"]["spans"]:
        assert content[span["start"] : span["end"]] == span["text"]
    claims = result["sourcing"]["claims"]
    assert claims and sum(result["sourcing"]["counts"].values()) == len(claims)
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
