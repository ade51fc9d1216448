"""Subtask-1 file formats, mention location and the official role metrics."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.eval.roles import (
    MentionLine,
    fallback_span,
    given_mention_spans,
    mention_span,
    parse_mention_file,
    resolve_mention_file,
    resolve_mention_span,
    score_roles,
)
from narrascope.io import InputError, article_from_text
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


def test_resolve_handles_exact_crlf_counted_and_shifted_offsets():
    text = "Title\n\nFirst line.\nThe alliance NATO met.\nNATO again."
    pos = text.index("NATO")
    assert resolve_mention_span(text, "NATO", pos, pos + 3) == (pos, pos + 4)
    # offsets computed as if every line ended in CRLF: one extra char per newline before
    crlf_pos = pos + text[:pos].count("\n")
    assert resolve_mention_span(text, "NATO", crlf_pos, crlf_pos + 3) == (pos, pos + 4)
    # a few characters off: snap to the nearest occurrence (the second one here)
    second = text.rindex("NATO")
    assert resolve_mention_span(text, "NATO", pos + 2, pos + 5) == (pos, pos + 4)
    assert resolve_mention_span(text, "NATO", second + 3, second + 6) == (second, second + 4)
    assert resolve_mention_span(text, "Brussels", 3, 10) is None


def test_resolve_keeps_a_bom_and_crlf_counted_file_exact():
    # The annotation offsets count the BOM and both characters of every CRLF.
    text = "\ufeffЗаголовок\r\n\r\nНАТО провело учения.\r\nНАТО снова."
    pos = text.index("НАТО")
    assert resolve_mention_span(text, "НАТО", pos, pos + 3) == (pos, pos + 4)


def test_fallback_span_stays_inside_the_text_and_is_never_empty():
    text = "Short text."
    assert fallback_span(text, 2, 4) == (2, 5)
    # offsets past the end (e.g. counted in another copy of the file): the last character
    assert fallback_span(text, 40, 45) == (len(text) - 1, len(text))
    assert fallback_span(text, len(text), len(text)) == (len(text) - 1, len(text))
    # an end before the start (a hand-built line): still one character, not an empty span
    assert fallback_span(text, 3, 1) == (3, 4)
    assert fallback_span(text, -5, 2) == (0, 3)
    assert fallback_span("", 3, 4) == (0, 0)


def test_mention_span_says_whether_the_mention_was_located():
    text = "The mayor spoke."
    assert mention_span(text, MentionLine("a", "mayor", 4, 8)) == ((4, 9), True)
    assert mention_span(text, MentionLine("a", "governor", 4, 11)) == ((4, 12), False)


def test_given_mentions_alias_one_article_and_report_bad_lines(tmp_path: Path):
    text = "Harbour deal\n\nThe Guild of Pilots blocked the harbour."
    article = article_from_text(text, id="harbour.txt")
    start = text.index("Guild")
    path = tmp_path / "m.txt"
    path.write_text(
        f"original.txt\tGuild of Pilots\t{start}\t{start + 14}\n"
        "original.txt\tNobody\t2\t7\n"
        "original.txt\tbroken\n",
        encoding="utf-8",
    )
    given = given_mention_spans(path, [article])
    # a file naming one id applies to the one article whatever its name
    assert given.spans == {"harbour.txt": [(start, start + 15), (2, 8)]}
    assert any("line 3" in n and "columns" in n for n in given.notes)
    assert any("line 2" in n and "not found" in n for n in given.notes)
    # with two articles the ids must match
    other = article_from_text("Other\n\nText.", id="other.txt")
    both = given_mention_spans(path, [article, other])
    assert both.spans == {} and sum("unknown article" in n for n in both.notes) == 2


def test_resolve_mention_file_reads_the_named_articles(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = "Port\n\nThe mayor praised the crews."
    (docs / "port.txt").write_text(text, encoding="utf-8")
    mayor = text.index("mayor")
    path = tmp_path / "mentions.txt"
    path.write_text(
        f"port.txt\tmayor\t{mayor}\t{mayor + 4}\nmissing.txt\tmayor\t0\t4\nport.txt\tbad\n", encoding="utf-8"
    )
    resolved = resolve_mention_file(docs, path)
    assert [(m.mention, span) for m, span in resolved.usable] == [("mayor", (mayor, mayor + 5))]
    assert resolved.total == 3 and resolved.unusable == 2
    assert any("line 2" in p and "unknown or unreadable" in p for p in resolved.problems)
    with pytest.raises(InputError, match="no such directory"):
        resolve_mention_file(tmp_path / "nope", path)
    with pytest.raises(InputError, match="no such file"):
        resolve_mention_file(docs, tmp_path / "nope.txt")


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
