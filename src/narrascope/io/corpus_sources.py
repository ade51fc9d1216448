"""Corpus inputs for batch runs: folders walked recursively, ``.csv`` records, saved web pages.

This module owns turning the INPUT arguments of ``narrascope batch`` and ``narrascope
analyze`` into one stream of ``Article | InputError``, read lazily so a corpus of any
size is never held in memory. Both commands read through it, so a file means the same
thing to both. It adds two formats to the single-file readers of
:mod:`narrascope.io.readers` (which it reuses unchanged): CSV records (same fields as
JSON records) and saved HTML pages, whose title and main text are extracted with
trafilatura. It never analyses text.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from narrascope.io.readers import (
    MAX_BYTES,
    SIDECAR_SUFFIX,
    STDIN_ID,
    STDIN_SPEC,
    InputError,
    _check_text_bytes,
    _open_rb,
    _read_capped,
    article_from_txt,
    decode_bytes,
    parse_record,
    read_json,
    read_jsonl,
    read_sidecar,
)
from narrascope.schema import Article

CORPUS_SUFFIXES = {".txt": "txt", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
CORPUS_SUFFIXES.update({".html": "html", ".htm": "html"})
"""File types a batch run reads; inside folders, other files are ignored."""

ANNOTATION_PREFIX = "subtask-"
"""Shared-task annotation files (``subtask-1-annotations.txt``) are labels, not articles."""

INPUT_FORMATS = ("txt", "json", "jsonl", "csv", "html")
"""Formats ``--format`` can force for stdin or a file whose extension does not tell."""

CSV_FIELDS = ("id", "title", "text", "url", "outlet", "published", "language")
_SURROGATE = re.compile("[\udc80-\udcff]")
_CSV_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def iter_corpus(inputs: Iterable[str | Path], max_bytes: int = MAX_BYTES) -> Iterator[Article | InputError]:
    """Every article (or input error) of ``inputs``, in a deterministic order, streaming.

    A folder is walked recursively in sorted order; the id of a ``.txt`` or ``.html``
    file found there is its path relative to that folder (``EN/a.txt``), so files of the
    same name in sub-folders stay distinct. A file given directly keeps its name as id.
    """
    for spec in inputs:
        path = Path(spec)
        if path.is_dir():
            for file in _walk(path):
                yield from _read_file(file, file.relative_to(path).as_posix(), max_bytes)
        elif path.exists():
            yield from _read_file(path, path.name, max_bytes)
        else:
            yield InputError(str(path), "no such file or directory")


def iter_inputs(
    specs: Iterable[str],
    fmt: str | None = None,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Article | InputError]:
    """:func:`iter_corpus` plus ``-`` for stdin and a format forced with ``fmt``.

    ``fmt`` (one of :data:`INPUT_FORMATS`) applies to stdin (default ``txt``, id
    ``stdin``) and to files given directly; inside a folder the extension decides, as
    in a batch run. An unknown ``fmt`` raises ``ValueError`` before anything is read.
    """
    if fmt is not None and fmt not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(INPUT_FORMATS)}")
    return _iter_inputs(specs, fmt, stdin, max_bytes)


def _iter_inputs(
    specs: Iterable[str], fmt: str | None, stdin: BinaryIO | None, max_bytes: int
) -> Iterator[Article | InputError]:
    for spec in specs:
        if spec == STDIN_SPEC:
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer, fmt or "txt", max_bytes)
        elif fmt is not None and Path(spec).is_file():
            yield from _read_file(Path(spec), Path(spec).name, max_bytes, fmt)
        else:
            yield from iter_corpus([spec], max_bytes=max_bytes)


def _read_stream(stream: BinaryIO, kind: str, max_bytes: int) -> Iterator[Article | InputError]:
    if kind == "jsonl":  # streamed: the size cap applies per line, as for a file
        yield from read_jsonl(stream, name=STDIN_SPEC, max_bytes=max_bytes)
        return
    try:
        data = _read_capped(stream, STDIN_SPEC, max_bytes)
    except InputError as error:
        yield error
        return
    yield from _read_bytes(data, kind, STDIN_ID, STDIN_SPEC, max_bytes)


def _walk(root: Path) -> Iterator[Path]:
    """Corpus files under ``root``, sorted, skipping hidden entries and annotation files."""
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():
            yield from _walk(entry)
        elif (
            entry.is_file()
            and entry.suffix.lower() in CORPUS_SUFFIXES
            and not entry.name.startswith(ANNOTATION_PREFIX)
            and not entry.name.lower().endswith(SIDECAR_SUFFIX)
        ):
            yield entry


def _read_file(
    path: Path, article_id: str, max_bytes: int, kind: str | None = None
) -> Iterator[Article | InputError]:
    """Read one file; ``kind`` forces the format, else the extension decides (default txt)."""
    kind = kind or CORPUS_SUFFIXES.get(path.suffix.lower(), "txt")
    if kind == "jsonl":
        yield from read_jsonl(path, max_bytes=max_bytes)
    elif kind == "csv":
        yield from read_csv(path, max_bytes=max_bytes)
    else:
        try:
            data = _read_path(path, max_bytes)
            sidecar = read_sidecar(path) if kind == "txt" else None
        except InputError as error:
            yield error
            return
        yield from _read_bytes(data, kind, article_id, str(path), max_bytes, sidecar)


def read_bytes(
    data: bytes, kind: str, article_id: str, source: str, max_bytes: int = MAX_BYTES
) -> Iterator[Article | InputError]:
    """The articles of one input already in memory (an upload): ``kind`` is one of
    :data:`INPUT_FORMATS` but ``jsonl``; ``article_id`` names a .txt/.html article."""
    return _read_bytes(data, kind, article_id, source, max_bytes)


def _read_bytes(
    data: bytes,
    kind: str,
    article_id: str,
    source: str,
    max_bytes: int,
    sidecar: dict[str, object] | None = None,
) -> Iterator[Article | InputError]:
    """The articles of one whole input already in memory (a file, or stdin)."""
    if kind == "json":
        yield from read_json(data, name=source, max_bytes=max_bytes)
        return
    if kind == "csv":
        yield from _csv_bytes(data, source, max_bytes)
        return
    try:
        if kind == "html":
            yield article_from_html(data, id=article_id, source=source)
        else:
            text = decode_bytes(data, source, max_bytes=max_bytes)
            yield article_from_txt(text, id=article_id, source=source, sidecar=sidecar)
    except InputError as error:
        yield error


def _read_path(path: Path, max_bytes: int) -> bytes:
    with _open_rb(path, str(path)) as handle:
        return _read_capped(handle, str(path), max_bytes)


# --------------------------------------------------------------------------- .csv


def read_csv(path: Path, *, max_bytes: int = MAX_BYTES) -> Iterator[Article | InputError]:
    """Yield one item per CSV record with a header row naming ``id``, ``text`` and optional fields.

    Records follow the JSON record rules (:func:`parse_record`); empty cells count as
    missing. A record with bytes that are not UTF-8, or a field over ``max_bytes``, is
    reported at ``"{path}:record N"`` and the following records are still read.
    """
    label = str(path)
    try:
        with _open_rb(path, label) as probe:
            _check_text_bytes(probe.read(65_536), label)
        # surrogateescape keeps going past a bad byte; the record holding it is then refused.
        handle = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")  # noqa: SIM115
    except InputError as error:
        yield error
        return
    except OSError as error:
        yield InputError(label, (error.strerror or str(error)).lower())
        return
    with handle:
        yield from _csv_records(handle, label, max_bytes)


def _csv_bytes(data: bytes, label: str, max_bytes: int) -> Iterator[Article | InputError]:
    """CSV records of an input held in memory (stdin), with the rules of :func:`read_csv`."""
    try:
        _check_text_bytes(data[:65_536], label)
    except InputError as error:
        yield error
        return
    text = data.decode("utf-8-sig", errors="surrogateescape")
    # Split on "\n" only: str.splitlines() would also break inside fields at U+2028 etc.
    yield from _csv_records(_CSV_LINE.findall(text), label, max_bytes)


def _csv_records(lines: Iterable[str], label: str, max_bytes: int) -> Iterator[Article | InputError]:
    csv.field_size_limit(max_bytes)
    reader = csv.DictReader(lines)
    try:
        header = reader.fieldnames
    except csv.Error as error:
        yield InputError(label, f"invalid CSV header: {error}")
        return
    if not header or "id" not in header or "text" not in header:
        yield InputError(label, "CSV header must name at least the columns 'id' and 'text'")
        return
    number = 0
    while True:
        number += 1
        where = f"{label}:record {number}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            yield InputError(where, f"unreadable CSV record: {error}")
            continue
        yield _csv_row(row, label, where)
    if number == 1:
        yield InputError(label, "no records (header only)")


def _csv_row(row: dict[str | None, str | list[str] | None], label: str, where: str) -> Article | InputError:
    record: dict[str, str] = {}
    for key, value in row.items():
        if key in CSV_FIELDS and isinstance(value, str) and value.strip():
            if _SURROGATE.search(value):
                return InputError(where, f"not valid UTF-8 text in column {key!r}")
            record[key] = value
    try:
        return parse_record(record, label, location=where)
    except InputError as error:
        return error


# --------------------------------------------------------------------------- .html


def article_from_html(data: bytes, *, id: str, source: str) -> Article:
    """Extract the title and main text of a saved web page with trafilatura.

    ``content`` is ``title + "\\n\\n" + text`` (the record convention), so offsets index
    the extracted text, not the HTML. The page's canonical URL and site name become
    ``url`` and ``outlet`` when the page declares them; the date is taken only from
    the page's own metadata (no guessing from copyright lines).
    """
    import trafilatura

    _check_text_bytes(data[:65_536], source)
    doc = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    if not body:
        raise InputError(source, "no article text found in the HTML page")
    title = (getattr(doc, "title", None) or "").strip()
    if title and body.startswith(title):
        # trafilatura keeps the page's <h1> as the first line: do not repeat the title.
        body = body[len(title) :].lstrip("\n")
    record = {"id": id, "title": title, "text": body or title}
    for key, attr in (("url", "url"), ("outlet", "sitename"), ("published", "date")):
        value = getattr(doc, attr, None)
        if isinstance(value, str) and value.strip():
            record[key] = value.strip()
    try:
        return parse_record(record, source)
    except InputError:
        record.pop("published", None)  # an odd page date must not lose the article
        return parse_record(record, source)


def estimate_records(inputs: Iterable[str | Path]) -> int:
    """Roughly how many records ``inputs`` hold (files + lines of record files), without parsing.

    Used only to size the progress bar; a CSV record spanning lines counts more than once.
    """
    total = 0
    for spec in inputs:
        path = Path(spec)
        files = _walk(path) if path.is_dir() else iter([path] if path.exists() else [])
        for file in files:
            kind = CORPUS_SUFFIXES.get(file.suffix.lower(), "txt")
            if kind in ("jsonl", "csv"):
                total += max(1, _count_lines(file) - (kind == "csv"))
            else:
                total += 1
    return total


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines
