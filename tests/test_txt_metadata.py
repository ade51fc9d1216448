"""Dates and other metadata on ``.txt`` articles: front matter in the file, or a sidecar beside it."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from narrascope.io import InputError, article_from_txt, iter_inputs, read_txt
from narrascope.io.readers import split_front_matter

BODY = "Dam repairs delayed again\n\nThe regional water board said the repairs would wait until spring.\n"
FRONT = "---\npublished: 2024-05-02T08:30:00Z\noutlet: 'Valley Post'\nlang: en\nauthor: someone\n---\n"


def articles(paths: list[Path]) -> list[object]:
    return list(iter_inputs([str(p) for p in paths]))


def test_front_matter_fills_fields_and_is_cut_from_the_text(tmp_path: Path) -> None:
    path = tmp_path / "dam.txt"
    path.write_text(FRONT + BODY, encoding="utf-8")
    article = read_txt(path)
    assert article.published == datetime.fromisoformat("2024-05-02T08:30:00+00:00")
    assert article.outlet == "Valley Post" and article.language == "en"
    assert article.content == BODY  # offsets index the article, not the metadata block
    assert article.title == "Dam repairs delayed again"


def test_a_text_starting_with_dashes_is_not_front_matter() -> None:
    text = "---\nBreaking: the dam holds\nMore to follow.\n---\nBody.\n"
    assert split_front_matter(text) == ({}, text)
    assert article_from_txt(text, id="x", source="x.txt").content == text


def test_bad_front_matter_values_are_clear_errors() -> None:
    with pytest.raises(InputError, match=r"x.txt: invalid 'published' date: 'last Tuesday'"):
        article_from_txt("---\ndate: last Tuesday\n---\n" + BODY, id="x", source="x.txt")
    with pytest.raises(InputError, match="no article text after the front matter"):
        article_from_txt("---\ndate: 2024-01-01\n---\n\n", id="x", source="x.txt")


def test_sidecar_beside_the_file(tmp_path: Path) -> None:
    (tmp_path / "dam.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "dam.meta.json").write_text('{"published": "2024-06-01", "outlet": "Ridge FM"}', "utf-8")
    (tmp_path / "other.txt").write_text("Second story\n\nNo metadata here.\n", encoding="utf-8")
    read = articles([tmp_path])  # the sidecar is metadata, never read as an article of its own
    assert [a.id for a in read] == ["dam.txt", "other.txt"]  # type: ignore[attr-defined]
    dam, other = read
    assert dam.published == datetime(2024, 6, 1) and dam.outlet == "Ridge FM"  # type: ignore[attr-defined]
    assert dam.content == BODY  # type: ignore[attr-defined]
    assert other.published is None  # type: ignore[attr-defined]


def test_front_matter_wins_over_the_sidecar(tmp_path: Path) -> None:
    path = tmp_path / "dam.txt"
    path.write_text("---\ndate: 2024-05-02\n---\n" + BODY, encoding="utf-8")
    (tmp_path / "dam.meta.json").write_text('{"date": "2023-01-01", "outlet": "Ridge FM"}', "utf-8")
    article = read_txt(path)
    assert article.published == datetime(2024, 5, 2) and article.outlet == "Ridge FM"


def test_broken_sidecar_is_reported_and_nothing_else_lost(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(BODY, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "b.txt").write_text(BODY, encoding="utf-8")
    read = articles([tmp_path])
    assert isinstance(read[0], InputError) and "a.meta.json: invalid JSON" in str(read[0])
    assert getattr(read[1], "id", None) == "b.txt"
