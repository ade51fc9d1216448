"""The real-article sourcing test set: its offsets fit the shared articles, and the loader
refuses rows that do not (the labels must never silently drift onto other text)."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


data = _load("sourcing_real_data")
HEADER = "\t".join(data.COLUMNS) + "\n"


def test_annotation_file_loads_and_every_offset_matches(semeval_data: Path) -> None:
    items = data.load(data.ANNOTATIONS, semeval_data.parent)
    assert len(items) >= 200
    per_language = Counter(item.language for item in items)
    assert set(per_language) == set(data.LANGUAGES)
    assert min(per_language.values()) >= 40
    for item in items:
        assert item.text and item.text == item.text.strip()
        if item.source:
            assert item.source_text and item.source_text.strip() == item.source_text
    # every kind is represented in the set
    assert {item.kind for item in items} >= set(data.KINDS) - {"none"}


def _article(tmp_path: Path) -> Path:
    folder = tmp_path / "semeval2025-task10" / "train" / "EN" / "raw-documents"
    folder.mkdir(parents=True)
    text = "Title\r\n\r\nThe mayor said rents rose. Prices fell.\r\n"
    (folder / "x.txt").write_text(text, encoding="utf-8", newline="")
    return tmp_path


def _write(tmp_path: Path, row: str) -> Path:
    path = tmp_path / "annotations.tsv"
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    return path


ARTICLE = "semeval2025-task10/train/EN/raw-documents/x.txt"


def test_crlf_offsets_are_read_as_written(tmp_path: Path) -> None:
    root = _article(tmp_path)
    # "The mayor said rents rose." starts after "Title\r\n\r\n" (9 characters with CRLF)
    items = data.load(_write(tmp_path, f"en-001\ten\t{ARTICLE}\t9\t35\t0\tnamed_source\t9\t18"), root)
    assert items[0].text == "The mayor said rents rose."
    assert items[0].source_text == "The mayor"
    assert items[0].context == "Title\r\n\r\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"en-001\ten\t{ARTICLE}\t10\t35\t0\tnamed_source\t10\t18", "sentence edge"),  # shifted by one
        (f"en-001\ten\t{ARTICLE}\t9\t999\t0\tunattributed\t\t", "outside the article"),
        (f"en-001\ten\t{ARTICLE}\t9\t35\t0\tnamed_source\t\t", "needs a source"),
        (f"en-001\ten\t{ARTICLE}\t9\t35\t0\tunattributed\t9\t18", "takes no source"),
        (f"en-001\ten\t{ARTICLE}\t9\t35\t0\tnamed_source\t36\t42", "outside the sentence"),
        (f"en-001\ten\t{ARTICLE}\t9\t35\t0\tquoted\t\t", "unknown language"),
        ("en-001\ten\tmissing.txt\t9\t35\t0\tunattributed\t\t", "not found"),
    ],
)
def test_a_row_that_does_not_fit_fails_loudly(tmp_path: Path, row: str, message: str) -> None:
    root = _article(tmp_path)
    with pytest.raises(data.AnnotationError, match=message):
        data.load(_write(tmp_path, row), root)


def test_the_evaluation_counts_every_item_once_and_maps_spans_to_file_offsets(tmp_path: Path) -> None:
    evaluation = _load("sourcing_real_eval")
    root = _article(tmp_path)
    rows = [
        f"en-001\ten\t{ARTICLE}\t9\t35\t0\tnamed_source\t9\t18",
        f"en-002\ten\t{ARTICLE}\t36\t48\t9\tunattributed\t\t",
    ]
    items = data.load(_write(tmp_path, "\n".join(rows)), root)
    for whole in (False, True):
        scores = evaluation.evaluate(items, whole_article=whole, show_errors=False)
        assert sum(scores.confusion.values()) == scores.total["en"] == 2
        assert sum(scores.tp.values()) + sum(scores.fn.values()) == 2
        for item in items:
            pred = evaluation.predict(item, whole)
            assert pred.kind in evaluation.LABELS
            if pred.span:  # spans come back in file offsets, inside the article
                assert 0 <= pred.span[0] < pred.span[1] <= len(item.file_text)
    assert evaluation.prf(1, 1, 0) == (0.5, 1.0, 2 / 3)
    assert evaluation.prf(0, 0, 3) == (0.0, 0.0, 0.0)


def test_split_is_by_article_deterministic_and_covers_both_halves(semeval_data: Path) -> None:
    # A path always falls in the same half, whatever else is in the file.
    assert data.split_of("a/b.txt") == data.split_of("a/b.txt")
    assert {data.split_of(f"x/{n}.txt") for n in range(20)} == set(data.SPLITS)
    items = data.load(data.ANNOTATIONS, semeval_data.parent)
    halves = {(item.language, data.split_of(item.path)) for item in items}
    assert halves == {(lang, split) for lang in data.LANGUAGES for split in data.SPLITS}
