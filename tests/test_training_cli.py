"""``train`` commands end to end on tiny corpora we wrote, then the trained model in use.

Slow (they train the real configurations and load the embedding model): run with
``--runslow``. They check the loop a user runs — train, predict with ``--model``,
evaluate — not accuracy.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from narrascope.eval.techniques import TECHNIQUES, read_label_file

pytestmark = pytest.mark.slow

LOADED = ["corrupt traitors", "disgusting thugs", "shameful cowards", "vile crooks"]
SENTENCES = [
    "The {} in the council sold our harbour.",
    "Everyone knows these {} want to ruin every family.",
    "Only the {} would vote for such a plan.",
]
NEUTRAL = [
    "The mayor opened a new ferry line on Monday.",
    "Rain is expected in the north later this week.",
    "The vote takes place in May after a public hearing.",
]
URW = "URW: Discrediting Ukraine"
URW_SUB = "URW: Discrediting Ukraine: Ukraine is a puppet of the West"


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrascope", *args], capture_output=True, text=True, timeout=1800, cwd=cwd
    )


def ptc_corpus(root: Path, n: int = 8) -> Path:
    """PTC layout: train-articles/article<ID>.txt and train-task2-TC.labels (end exclusive)."""
    articles = root / "train-articles"
    articles.mkdir(parents=True)
    labels = []
    for i in range(n):
        phrase = LOADED[i % len(LOADED)]
        loaded = SENTENCES[i % len(SENTENCES)].format(phrase)
        text = f"Harbour News {i}\n\n{NEUTRAL[i % 3]} {loaded} {NEUTRAL[(i + 1) % 3]}\n"
        (articles / f"article{100 + i}.txt").write_text(text, encoding="utf-8")
        at = text.index(phrase)
        labels.append(f"{100 + i}\tLoaded_Language\t{at}\t{at + len(phrase)}\n")
    (root / "train-task2-TC.labels").write_text("".join(labels), encoding="utf-8")
    return root


def test_train_techniques_then_tag_and_evaluate_with_the_new_model(tmp_path: Path):
    data = ptc_corpus(tmp_path / "ptc")
    model = tmp_path / "model"
    trained = run_cli(
        "train", "techniques", "--data", str(data), "--out", str(model), "--folds", "2", cwd=tmp_path
    )
    assert trained.returncode == 0, trained.stderr
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trained_on"]["articles"] == 8 and 0.0 <= manifest["cross_validation"]["span_f1"] <= 1.0
    assert manifest["command"].startswith("narrascope train techniques")
    assert (model / "transfer" / "manifest.json").is_file()

    pred = tmp_path / "pred.labels"
    tagged = run_cli(
        "ptc",
        "techniques",
        str(data / "train-articles"),
        "-o",
        str(pred),
        "--model",
        str(model),
        cwd=tmp_path,
    )
    assert tagged.returncode == 0, tagged.stderr
    spans = read_label_file(pred)
    assert spans, "a model trained on these articles finds spans in them"
    assert {s.article_id for s in spans} <= {str(100 + i) for i in range(8)}
    assert {s.technique for s in spans} <= set(TECHNIQUES)

    scored = run_cli(
        "evaluate", "techniques", str(data / "train-task2-TC.labels"), str(pred), "--json", cwd=tmp_path
    )
    assert scored.returncode == 0, scored.stderr
    scores = json.loads(scored.stdout)["scores"]["span identification"]
    assert scores["gold"] == 8 and scores["f1"] > 0.0


def semeval_corpus(root: Path, n: int = 8) -> Path:
    """SemEval layout, English only: EN/raw-documents/<id>.txt and EN/subtask-2-annotations.txt."""
    docs = root / "EN" / "raw-documents"
    docs.mkdir(parents=True)
    lines = []
    for i in range(n):
        pushy = i % 2 == 0
        body = (
            "Kyiv takes orders from Washington and its leaders are puppets of the West. "
            if pushy
            else "The council approved a new tram line after months of debate. "
        ) * 3
        (docs / f"EN_{i}.txt").write_text(f"Report {i}\n\n{body}\n", encoding="utf-8")
        lines.append(f"EN_{i}.txt\t{URW if pushy else 'Other'}\t{URW_SUB if pushy else 'Other'}\n")
    (root / "EN" / "subtask-2-annotations.txt").write_text("".join(lines), encoding="utf-8")
    return root


def test_train_narratives_then_predict_with_the_new_model(tmp_path: Path):
    data = semeval_corpus(tmp_path / "semeval")
    model = tmp_path / "model"
    trained = run_cli(
        "train", "narratives", "--data", str(data), "--out", str(model), "--folds", "0",
        "--cache", str(tmp_path / "cache.sqlite"), cwd=tmp_path,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    manifest = json.loads((model / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["trained_on"]["labelled_articles"] == 8 and manifest["cross_validation"] == {}

    pred = tmp_path / "pred.txt"
    docs = data / "EN" / "raw-documents"
    done = run_cli(
        "semeval", "narratives", str(docs), "-o", str(pred), "--model", str(model), "--fast", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in pred.read_text(encoding="utf-8").splitlines()]
    assert sorted(r[0] for r in rows) == [f"EN_{i}.txt" for i in range(8)]
    assert all(r[1] in ("Other", URW) for r in rows)
    scored = run_cli(
        "evaluate",
        "narratives",
        str(data / "EN" / "subtask-2-annotations.txt"),
        str(pred),
        "--json",
        cwd=tmp_path,
    )
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["scores"]["all"]["articles"] == 8
