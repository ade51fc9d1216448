"""Corpus inputs: recursive folders, CSV records, saved HTML pages, malformed records."""

from __future__ import annotations

from pathlib import Path

from corpus_fixtures import PARAGRAPHS
from narrascope.io.corpus_sources import estimate_records, iter_corpus, read_csv
from narrascope.io.readers import InputError
from narrascope.schema import Article

HTML = b"""<!doctype html><html><head><title>Tram Line Approved | City Herald</title>
<meta property="og:title" content="Tram Line Approved">
<meta property="og:site_name" content="City Herald">
<link rel="canonical" href="https://herald.example/tram">
<meta property="article:published_time" content="2024-05-06T08:00:00Z">
</head><body><nav><a href="/">Home</a> | <a href="/sport">Sport</a> | Subscribe now</nav>
<article><h1>Tram Line Approved</h1><p>%s</p><p>%s</p></article>
<footer>Copyright 2024 City Herald. All rights reserved. Cookie settings.</footer></body></html>""" % (
    PARAGRAPHS[6].encode(),
    PARAGRAPHS[0].encode(),
)


def collect(inputs: list[str]) -> tuple[list[Article], list[InputError]]:
    items = list(iter_corpus(inputs))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, InputError)]


def test_folders_are_walked_recursively_with_relative_ids(tmp_path: Path):
    for sub in ("EN", "BG"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same-name.txt").write_text(f"Title {sub}\n\n{PARAGRAPHS[0]}", encoding="utf-8")
    (tmp_path / "EN" / "subtask-2-annotations.txt").write_text("same-name.txt\tOther\tOther\n")
    (tmp_path / ".hidden.txt").write_text("not an article")
    (tmp_path / "notes.md").write_text("ignored")
    articles, errors = collect([str(tmp_path)])
    assert [a.id for a in articles] == ["BG/same-name.txt", "EN/same-name.txt"]
    assert not errors
    assert estimate_records([str(tmp_path)]) == 2


def test_csv_records_and_malformed_rows(tmp_path: Path):
    path = tmp_path / "records.csv"
    rows = [
        b"id,title,text,outlet,published,language\r\n",
        b'1,Tram,"' + PARAGRAPHS[6].encode() + b'\n\nSecond, paragraph.",Herald,2024-05-06,en\r\n',
        b"2,No text,,Herald,2024-05-06,en\r\n",
        b"3,Bad date," + PARAGRAPHS[0].encode() + b",Herald,last week,en\r\n",
        b"4,Latin-1,caf\xe9 au lait,Herald,,\r\n",
        b"5,Fine," + PARAGRAPHS[2].encode() + b",,,\r\n",
    ]
    path.write_bytes(b"".join(rows))
    items = list(read_csv(path))
    assert [type(i).__name__ for i in items] == [
        "Article",
        "InputError",
        "InputError",
        "InputError",
        "Article",
    ]
    first = items[0]
    assert isinstance(first, Article)
    assert first.content == "Tram\n\n" + PARAGRAPHS[6] + "\n\nSecond, paragraph."
    assert first.outlet == "Herald" and first.published is not None and first.language == "en"
    reasons = [str(i) for i in items if isinstance(i, InputError)]
    assert "record 2" in reasons[0] and "no 'text'" in reasons[0]
    assert "record 3" in reasons[1] and "published" in reasons[1]
    assert "record 4" in reasons[2] and "UTF-8" in reasons[2]


def test_csv_without_required_columns(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("name,body\nx,y\n", encoding="utf-8")
    (error,) = list(read_csv(path))
    assert isinstance(error, InputError) and "'id' and 'text'" in error.reason


def test_oversized_article_and_field_are_reported_not_loaded(tmp_path: Path):
    big = b"word " * 10_000_000  # 50 MB
    (tmp_path / "huge.txt").write_bytes(b"Huge\n\n" + big)
    (tmp_path / "big.csv").write_bytes(b"id,text\nbig," + big + b"\nsmall,A short article.\n")
    (tmp_path / "ok.txt").write_text("Fine\n\n" + PARAGRAPHS[1], encoding="utf-8")
    articles, errors = collect([str(tmp_path)])
    assert sorted(a.id for a in articles) == ["ok.txt", "small"]
    assert len(errors) == 2
    assert any("huge.txt" in e.source and "too large" in e.reason for e in errors)
    assert any("big.csv:record 1" in e.source for e in errors)


def test_html_page_title_and_main_text(tmp_path: Path):
    (tmp_path / "page.html").write_bytes(HTML)
    (tmp_path / "empty.html").write_bytes(
        b"<html><head><title>x</title></head><body><img src=a.png></body></html>"
    )
    articles, errors = collect([str(tmp_path)])
    (page,) = articles
    assert page.id == "page.html" and page.title == "Tram Line Approved"
    assert page.content.startswith("Tram Line Approved\n\n" + PARAGRAPHS[6])
    assert "Subscribe" not in page.content and "Cookie" not in page.content
    assert page.outlet == "City Herald" and page.url == "https://herald.example/tram"
    assert page.published is not None and page.published.year == 2024
    assert len(errors) == 1 and "no article text" in errors[0].reason


def test_missing_input_is_an_error(tmp_path: Path):
    articles, errors = collect([str(tmp_path / "nope")])
    assert not articles and "no such file" in errors[0].reason


# --------------------------------------------------------------------------- iter_inputs (analyze)


def test_iter_inputs_reads_stdin_in_every_format():
    import io as stdlib_io

    from narrascope.io import INPUT_FORMATS, iter_inputs

    body = PARAGRAPHS[0]
    payloads = {
        "txt": f"Title\n\n{body}".encode(),
        "json": f'{{"id": "j", "text": "{body}"}}'.encode(),
        "jsonl": f'{{"id": "l1", "text": "{body}"}}\n{{"id": "l2", "text": "{body}"}}\n'.encode(),
        "csv": f'id,text\nc1,"{body}"\nc2,"{body}\u2028still c2"\n'.encode(),
        "html": HTML,
    }
    assert set(payloads) == set(INPUT_FORMATS)
    ids = {}
    for fmt, data in payloads.items():
        items = list(iter_inputs(["-"], fmt, stdin=stdlib_io.BytesIO(data)))
        assert all(isinstance(i, Article) for i in items), items
        ids[fmt] = [i.id for i in items if isinstance(i, Article)]
        assert all(i.source == "-" for i in items if isinstance(i, Article))
    assert ids == {
        "txt": ["stdin"],
        "json": ["j"],
        "jsonl": ["l1", "l2"],
        "csv": ["c1", "c2"],
        "html": ["stdin"],
    }


def test_iter_inputs_forces_a_format_on_files_not_folders(tmp_path: Path):
    from narrascope.io import iter_inputs

    records = tmp_path / "export.dat"
    records.write_text(f'id,text\nr1,"{PARAGRAPHS[1]}"\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"Title\n\n{PARAGRAPHS[2]}", encoding="utf-8")
    assert [i.id for i in iter_inputs([str(records)], "csv") if isinstance(i, Article)] == ["r1"]
    # without --format an unknown extension is a text article, as in a batch run
    (as_text,) = list(iter_inputs([str(records)]))
    assert isinstance(as_text, Article) and as_text.id == "export.dat"
    # inside a folder the extension decides (the .dat file is not a corpus file)
    assert [i.id for i in iter_inputs([str(tmp_path)], "csv") if isinstance(i, Article)] == ["a.txt"]


def test_iter_inputs_refuses_an_unknown_format_and_reports_missing_files(tmp_path: Path):
    import pytest

    from narrascope.io import iter_inputs

    with pytest.raises(ValueError, match="unknown input format 'xml'"):
        iter_inputs(["-"], "xml")
    (error,) = list(iter_inputs([str(tmp_path / "gone.txt")]))
    assert isinstance(error, InputError) and error.reason == "no such file or directory"
