"""Span-identification and labeled span F1 on hand-made spans, and label-file parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.eval import techniques as eval_techniques
from narrascope.eval.techniques import (
    TECHNIQUE_NAMES,
    TECHNIQUES,
    LabelFileError,
    TechniqueLabel,
    article_id_from_name,
    labeled_span_f1,
    merge_intervals,
    parse_label_lines,
    per_technique,
    read_label_file,
    read_ptc,
    span_f1,
)
from narrascope.taxonomy import techniques as taxonomy

LL, NC = "Loaded_Language", "Name_Calling,Labeling"


def L(start: int, end: int, technique: str = LL, article: str = "1") -> TechniqueLabel:
    return TechniqueLabel(article, start, end, technique)


def test_exact_match_scores_one():
    s = span_f1([L(0, 10), L(20, 30)], [L(0, 10), L(20, 30)])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_partial_overlap_gets_proportional_credit():
    # pred [0,10) against gold [5,25): overlap 5 -> P = 5/10, R = 5/20.
    s = span_f1([L(5, 25)], [L(0, 10)])
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.25)
    assert s.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_no_predictions_and_no_gold_score_zero_without_error():
    assert span_f1([L(0, 5)], []).f1 == 0.0
    assert span_f1([], [L(0, 5)]).f1 == 0.0
    empty = span_f1([], [])
    assert (empty.f1, empty.n_pred, empty.n_gold) == (0.0, 0, 0)


def test_si_merges_overlapping_spans_of_the_same_side():
    # Two nested gold spans of different techniques count as one gold span for SI.
    gold = [L(0, 20, LL), L(5, 10, NC)]
    s = span_f1(gold, [L(0, 20)])
    assert s.n_gold == 1
    assert s.f1 == pytest.approx(1.0)


def test_touching_spans_are_not_merged():
    assert merge_intervals([(0, 5), (5, 9)]) == [(0, 5), (5, 9)]
    assert merge_intervals([(3, 9), (0, 5), (20, 21)]) == [(0, 9), (20, 21)]


def test_spans_in_different_articles_never_overlap():
    s = span_f1([L(0, 10, article="1")], [L(0, 10, article="2")])
    assert s.f1 == 0.0


def test_labeled_counts_only_same_technique_pairs_and_does_not_merge():
    gold = [L(0, 10, LL), L(0, 10, NC)]
    pred = [L(0, 10, LL)]
    labeled = labeled_span_f1(gold, pred)
    assert labeled.precision == pytest.approx(1.0)
    assert labeled.recall == pytest.approx(0.5)  # the NC gold span is not found
    wrong = labeled_span_f1([L(0, 10, NC)], [L(0, 10, LL)])
    assert wrong.f1 == 0.0
    assert span_f1([L(0, 10, NC)], [L(0, 10, LL)]).f1 == 1.0


def test_per_technique_breakdown_covers_all_14():
    scores = per_technique([L(0, 10, LL), L(20, 30, NC)], [L(0, 10, LL)])
    assert set(scores) == set(TECHNIQUES) and len(TECHNIQUES) == 14
    assert scores[LL].f1 == 1.0
    assert scores[NC].recall == 0.0 and scores[NC].n_gold == 1


def test_articles_argument_restricts_scoring():
    gold = [L(0, 10, article="1"), L(0, 10, article="2")]
    pred = [L(0, 10, article="1")]
    assert span_f1(gold, pred, articles=["1"]).f1 == 1.0
    assert span_f1(gold, pred).recall == 0.5


def test_parse_four_and_three_column_lines():
    labels = parse_label_lines(["111\tLoaded_Language\t3\t9", "", "112\t4\t8"])
    assert labels == [L(3, 9, LL, "111"), TechniqueLabel("112", 4, 8, "")]


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ("1\tLoaded_Language\t3", "line 2: expected 4"),
        ("1\tLoaded_Language\tx\t9", "line 2: start/end are not integers"),
        ("1\tLoaded_Language\t9\t3", "line 2: invalid span"),
        ("1\tLoaded language\t3\t9", "line 2: unknown technique"),
    ],
)
def test_malformed_lines_raise_with_line_number(line: str, fragment: str):
    with pytest.raises(LabelFileError, match=fragment):
        parse_label_lines(["1\tDoubt\t0\t4", line], "pred.labels")


def test_read_label_file_missing(tmp_path: Path):
    with pytest.raises(LabelFileError, match="no such file"):
        read_label_file(tmp_path / "nope.labels")


def test_article_id_from_name():
    assert article_id_from_name("article111111111.txt") == "111111111"
    assert article_id_from_name("my-doc.txt") == "my-doc"


def test_technique_labels_come_from_the_taxonomy():
    scheme = taxonomy.ptc_techniques()
    assert len(scheme.techniques) == 14 == len(set(scheme.labels()))
    assert eval_techniques.TECHNIQUES is taxonomy.TECHNIQUES == scheme.labels()
    assert scheme.names() == TECHNIQUE_NAMES
    assert all(t.name and t.description.endswith(".") for t in scheme.techniques)
    assert "emotion" in scheme.describe("Loaded_Language")
    with pytest.raises(KeyError):
        scheme.describe("Loaded Language")


def test_read_ptc_keeps_exact_offsets(tmp_path: Path):
    articles = tmp_path / "train-articles"
    articles.mkdir()
    # CRLF kept: the labels count the "\r" (the reader must not translate newlines).
    (articles / "article7.txt").write_bytes(b"Headline\r\n\r\nThe vile plan failed.")
    (articles / "article8.txt").write_text("Nothing to see.", encoding="utf-8")
    (tmp_path / "train-task2-TC.labels").write_text("7\tLoaded_Language\t16\t20\n", encoding="utf-8")
    corpus = read_ptc(tmp_path)
    assert corpus.ids == ["7", "8"]
    assert corpus.texts[0][16:20] == "vile"
    assert corpus.spans == [[(16, 20, "Loaded_Language")], []]
    assert corpus.gold == [L(16, 20, article="7")]


def test_read_ptc_names_the_expected_layout(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="train-articles"):
        read_ptc(tmp_path)
