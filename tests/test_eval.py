"""The official subtask-2 metric and file formats."""

from pathlib import Path

import pytest

from narrascope.eval.semeval import (
    format_label_line,
    parse_label_line,
    read_label_file,
    samples_f1,
    score_narratives,
)

LABELS = {"A", "B", "C", "Other"}


def test_samples_f1_is_mean_of_per_article_f1():
    gold = [{"A", "B"}, {"Other"}, {"C"}]
    pred = [{"A"}, {"Other"}, {"A"}]
    # article 1: P=1, R=1/2 -> F1 2/3; article 2: 1; article 3: 0
    assert samples_f1(gold, pred, LABELS) == pytest.approx((2 / 3 + 1 + 0) / 3)


def test_labels_outside_the_label_set_are_ignored():
    assert samples_f1([{"A", "zzz"}], [{"A"}], LABELS) == pytest.approx(1.0)
    assert samples_f1([{"A"}], [{"A", "bogus"}], LABELS) == pytest.approx(1.0)


def test_both_empty_scores_zero_like_sklearn():
    assert samples_f1([set()], [set()], LABELS) == 0.0


def test_matches_sklearn_samples_average():
    sklearn = pytest.importorskip("sklearn.metrics")
    from sklearn.preprocessing import MultiLabelBinarizer

    gold = [{"A", "B"}, {"Other"}, {"C", "A"}, {"B"}]
    pred = [{"A"}, {"B"}, {"C", "A"}, {"A", "B", "C"}]
    mlb = MultiLabelBinarizer(classes=sorted(LABELS))
    expected = sklearn.f1_score(
        mlb.fit_transform(gold), mlb.transform(pred), average="samples", zero_division=0
    )
    assert samples_f1(gold, pred, LABELS) == pytest.approx(expected)


def test_label_line_round_trip_and_duplicates():
    line = format_label_line("x.txt", ["A", "B"], ["A: s1", "B: Other"])
    parsed = parse_label_line(line + "\r\n")
    assert parsed is not None
    assert (
        parsed.id == "x.txt"
        and parsed.narratives == ["A", "B"]
        and parsed.subnarratives == ["A: s1", "B: Other"]
    )
    assert parse_label_line("   \n") is None
    with pytest.raises(ValueError):
        parse_label_line("only-an-id")


def test_missing_prediction_counts_as_empty(tmp_path: Path):
    gold = tmp_path / "gold.txt"
    pred = tmp_path / "pred.txt"
    gold.write_text("a\tA\tA: x\r\nb\tOther\tOther\r\n", encoding="utf-8")
    pred.write_text("a\tA\tA: x\n", encoding="utf-8")
    scores = score_narratives(read_label_file(gold), read_label_file(pred), ["A"], ["A: x"])
    assert scores.n == 2
    assert scores.coarse == pytest.approx(0.5)
    assert scores.fine == pytest.approx(0.5)
