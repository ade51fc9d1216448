"""Subtask-1 file formats, mention location and the official role metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.eval.roles import MentionLine, locate_mention, parse_mention_file, score_roles
from narrascope.taxonomy.roles import entity_roles


def test_parse_reports_bad_lines_with_numbers_and_keeps_the_rest(tmp_path: Path):
    path = tmp_path / "mentions.txt"
    path.write_text(
        "a.txt\tNATO\t10\t13\r\nbad line\na.txt\tKyiv\tx\t4\na.txt\tKyiv\t20\t23\n", encoding="utf-8"
    )
    parsed = parse_mention_file(path, with_roles=False)
    assert [(m.mention, m.lineno) for m in parsed.lines] == [("NATO", 1), ("Kyiv", 4)]
    assert any("line 2" in p for p in parsed.problems)
    assert any("line 3" in p and "integers" in p for p in parsed.problems)


def test_locate_handles_exact_crlf_counted_and_shifted_offsets():
    text = "Title\n\nFirst line.\nThe alliance NATO met.\nNATO again."
    pos = text.index("NATO")
    assert locate_mention(text, "NATO", pos, pos + 3) == (pos, pos + 4)
    # offsets computed as if every line ended in CRLF: one extra char per newline before
    crlf_pos = pos + text[:pos].count("\n")
    assert locate_mention(text, "NATO", crlf_pos, crlf_pos + 3) == (pos, pos + 4)
    # a few characters off: snap to the nearest occurrence
    assert locate_mention(text, "NATO", pos + 2, pos + 5) == (pos, pos + 4)
    assert locate_mention(text, "Brussels", 3, 10) is None


def test_scores_exact_match_micro_f1_and_main_accuracy():
    gold = [
        MentionLine("a", "X", 0, 1, "Antagonist", ("Conspirator",)),
        MentionLine("a", "Y", 5, 6, "Protagonist", ("Guardian", "Virtuous")),
        MentionLine("b", "Z", 0, 1, "Innocent", ("Victim",)),
    ]
    pred = [
        MentionLine("a", "X", 0, 1, "Antagonist", ("Conspirator",)),
        MentionLine("a", "Y", 5, 6, "Protagonist", ("Guardian",)),
    ]
    s = score_roles(gold, pred)
    assert s.exact_match == pytest.approx(1 / 3)
    assert s.main_accuracy == pytest.approx(2 / 3)
    assert s.micro_precision == pytest.approx(1.0)
    assert s.micro_recall == pytest.approx(2 / 4)


def test_role_inventory_is_complete_and_consistent():
    roles = entity_roles()
    assert len(roles.fine_roles) == 22
    assert set(roles.main_roles) == {"Protagonist", "Antagonist", "Innocent"}
    assert roles.main_of("Scapegoat") == "Innocent"
    assert len(roles.fine_of("Antagonist")) == 12
    assert all(0 < len(r.description.split()) <= 30 for r in roles.fine_roles)
