"""``semeval roles`` / ``evaluate roles`` end to end, with a tiny role model trained on our own texts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from narrascope.models.roles import RoleClassifier
from narrascope.taxonomy.roles import entity_roles

ARTICLE = (
    "Harbour Strike Ends\n\n"
    "The mayor praised the rescue crews who saved the fishermen. "
    "Critics accused the cartel of bribing the port officials. "
    "The fishermen lost their boats in the storm."
)
MENTIONS = [
    ("mayor", "Protagonist", ["Guardian"]),
    ("cartel", "Antagonist", ["Corrupt"]),
    ("fishermen", "Innocent", ["Victim"]),
]


@pytest.fixture(scope="module")
def role_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model fitted on random features: exercises --role-model loading, not accuracy."""
    rng = np.random.default_rng(0)
    fine = [fines for _, _, fines in MENTIONS * 4]
    X = rng.normal(size=(len(fine), 773)).astype(np.float32)
    directory = tmp_path_factory.mktemp("roles")
    RoleClassifier(entity_roles()).fit(X, fine).save(directory)
    return directory


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "narrascope", *args], capture_output=True, text=True, timeout=300
    )


def test_semeval_roles_echoes_every_valid_line_and_reports_bad_ones(tmp_path: Path, role_model: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "port.txt").write_text(ARTICLE, encoding="utf-8")
    start = ARTICLE.index("cartel")
    crlf_start = start + ARTICLE[:start].count("\n")  # offsets counted with CRLF line ends
    lines = [
        f"port.txt\tmayor\t{ARTICLE.index('mayor')}\t{ARTICLE.index('mayor') + 4}",
        f"port.txt\tcartel\t{crlf_start}\t{crlf_start + 5}",
        "port.txt\tonly three",
        "port.txt\tmayor\tabc\t7",
        "missing.txt\tmayor\t0\t4",
        "port.txt\tHarbour Authority\t5\t21",
    ]
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "pred.txt"
    proc = run_cli(
        "semeval", "roles", str(docs), str(mentions), "-o", str(out), "--role-model", str(role_model)
    )
    assert proc.returncode == 1, proc.stderr
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    # the input's id, mention and offsets are echoed unchanged, for every usable line
    assert [r[:4] for r in rows] == [lines[0].split("\t"), lines[1].split("\t"), lines[5].split("\t")]
    roles = entity_roles()
    for row in rows:
        assert row[4] in roles.main_roles
        assert all(roles.main_of(fine) == row[4] for fine in row[5:]) and len(row) >= 6
    for lineno in (3, 4, 5, 6):
        assert f"line {lineno}" in proc.stderr


def test_semeval_roles_with_no_usable_line_exits_2(tmp_path: Path, role_model: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    mentions = tmp_path / "mentions.txt"
    mentions.write_text("missing.txt\tmayor\t0\t4\nport.txt\tonly three\n", encoding="utf-8")
    out = tmp_path / "pred.txt"
    proc = run_cli(
        "semeval", "roles", str(docs), str(mentions), "-o", str(out), "--role-model", str(role_model)
    )
    assert proc.returncode == 2, proc.stderr
    assert "line 1" in proc.stderr and "line 2" in proc.stderr


def test_evaluate_roles_scores_a_perfect_prediction(tmp_path: Path):
    gold = tmp_path / "gold.txt"
    gold.write_text("a.txt\tX\t0\t0\tAntagonist\tSpy\r\na.txt\tY\t2\t2\tInnocent\tVictim\tExploited\r\n")
    proc = run_cli("evaluate", "roles", str(gold), str(gold), "--json")
    assert proc.returncode == 0, proc.stderr

    scores = json.loads(proc.stdout)["all"]
    assert scores["exact_match"] == 1.0 and scores["main_accuracy"] == 1.0 and scores["n"] == 2
