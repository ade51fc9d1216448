"""Readers that turn ``.txt``/``.json``/``.jsonl`` files and stdin into ``Article`` objects.

Design rules:

* Text is decoded from bytes by hand as strict UTF-8, so nothing is translated:
  CRLF stays CRLF and a leading BOM stays in ``Article.content`` (offsets count it).
  Non-UTF-8 input is an error, never silently decoded as something else.
* Every problem is an :class:`InputError` whose ``str()`` is a single line
  ``"{source}: {reason}"``.
* Multi-record readers are generators of ``Article | InputError`` so a malformed
  record is reported (with its line or record number) while the rest still load.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pydantic import ValidationError

from narrascope.schema import Article

MAX_BYTES = 5_000_000
"""Default cap on the size of one input file (or one JSONL line)."""

FORMATS = ("txt", "json", "jsonl")
"""Input formats understood by :func:`read_input`."""

STDIN_SPEC = "-"
STDIN_ID = "stdin"

_EXTENSIONS = {".txt": "txt", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_BOM = "\ufeff"
_BOM_BYTES = codecs.BOM_UTF8
# Checked in this order: the UTF-32-LE BOM starts with the UTF-16-LE one.
_FOREIGN_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
# C0 controls that do not occur in text (tab, LF, VT, FF, CR and ESC are allowed) + DEL.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.10
_SNIFF_BYTES = 65_536
_HIGH_BYTES = bytes(range(0x80, 0x100))
_CP1251_UPPER = bytes(range(0xC0, 0xE0))  # А-Я in cp1251 (а-я in KOI8-R)
_CP1251_LOWER = bytes(range(0xE0, 0x100))  # а-я in cp1251 (А-Я in KOI8-R)
_ASCII_LETTERS = bytes([*range(0x41, 0x5B), *range(0x61, 0x7B)])
# Characters str.splitlines() breaks on: never allowed inside an error message.
_LINE_BREAKS = re.compile("[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_TEXT_LINE = re.compile(r"[^\r\n]+")
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_MAX_SHOWN = 60


class InputError(Exception):
    """An input that cannot become an ``Article``; ``str(e)`` is ``"{source}: {reason}"``.

    ``source`` is a path, ``"-"`` for stdin, or a location such as ``"a.jsonl:line 7"``
    or ``"a.json:record 3"``. Both parts are forced onto one line.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = _one_line(str(source))
        self.reason = _one_line(str(reason))
        super().__init__(self.source, self.reason)

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    def __repr__(self) -> str:
        return f"InputError(source={self.source!r}, reason={self.reason!r})"

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        # Keeps errors picklable (e.g. across multiprocessing workers).
        return (type(self), (self.source, self.reason))


# --------------------------------------------------------------------------- decoding


def decode_bytes(data: bytes, source: str, *, max_bytes: int = MAX_BYTES) -> str:
    """Decode a whole input as strict UTF-8, keeping every code point (BOM and CRLF included).

    Raises :class:`InputError` for oversized, empty, whitespace-only, binary or
    non-UTF-8 input.
    """
    if len(data) > max_bytes:
        raise InputError(source, _too_large(len(data), max_bytes))
    if not data:
        raise InputError(source, "empty file")
    _check_text_bytes(data, source)
    try:
        text = data.decode("utf-8")  # not "utf-8-sig": the BOM stays in the text
    except UnicodeDecodeError as exc:
        raise InputError(source, _not_utf8_reason(data, exc.start)) from None
    if not text.lstrip(_BOM).strip():
        raise InputError(source, "empty file (whitespace only)")
    return text


def _check_text_bytes(data: bytes, source: str) -> None:
    """Reject UTF-16/32 and binary bytes (UTF-8 validity is checked by the caller)."""
    for bom, name in _FOREIGN_BOMS:
        if data.startswith(bom):
            raise InputError(source, f"not valid UTF-8 text (looks like {name})")
    sample = data[:_SNIFF_BYTES]
    utf16 = _looks_like_utf16(sample)
    if utf16:
        raise InputError(source, f"not valid UTF-8 text (looks like {utf16}?)")
    if b"\x00" in data:
        raise InputError(source, "binary file (not text)")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise InputError(source, "binary file (not text)")


def _looks_like_utf16(sample: bytes) -> str | None:
    """Guess BOM-less UTF-16 from NUL bytes concentrated on odd or even positions."""
    half = len(sample) // 2
    if half < 8 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "UTF-16-LE"
    if even > 0.4 * half and odd < 0.05 * half:
        return "UTF-16-BE"
    return None


def _not_utf8_reason(data: bytes, bad_offset: int) -> str:
    # Non-ASCII that decoded fine before the bad byte means damaged UTF-8, not another encoding.
    prefix_has_utf8 = len(data[:bad_offset].translate(None, _HIGH_BYTES)) < bad_offset
    guess = None if prefix_has_utf8 else _guess_encoding(data)
    if guess:
        return f"not valid UTF-8 text (looks like {guess}?)"
    return f"not valid UTF-8 text (invalid byte 0x{data[bad_offset]:02X} at offset {bad_offset})"


def _guess_encoding(data: bytes) -> str | None:
    """Cheap, deterministic guess between Cyrillic single-byte encodings and latin-1.

    Cyrillic text in cp1251/KOI8-R is almost all bytes 0xC0-0xFF; Western text in
    latin-1/cp1252 has few high bytes among ASCII letters. Lower case dominates
    prose, which separates cp1251 (lower = 0xE0-0xFF) from KOI8-R (lower = 0xC0-0xDF).
    """
    sample = data[:_SNIFF_BYTES]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if not high:
        return None
    upper = len(sample) - len(sample.translate(None, _CP1251_UPPER))
    lower = len(sample) - len(sample.translate(None, _CP1251_LOWER))
    latin = len(sample) - len(sample.translate(None, _ASCII_LETTERS))
    if upper + lower >= 0.8 * high and high >= 0.3 * (high + latin):
        return "cp1251" if lower >= upper else "KOI8-R"
    return "latin-1"


def _too_large(size: int | None, limit: int) -> str:
    if size is None:  # a pipe or device: the total size is unknown
        return f"file too large (over the limit of {limit} bytes)"
    return f"file too large ({size} bytes > limit {limit})"


# --------------------------------------------------------------------------- byte sources


def _open_rb(path: Path, source: str) -> BinaryIO:
    """Open ``path`` for binary reading, turning OS errors into :class:`InputError`."""
    try:
        if path.is_dir():
            raise InputError(source, "is a directory")
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(source, "no such file") from None
    except IsADirectoryError:
        raise InputError(source, "is a directory") from None
    except PermissionError:
        raise InputError(source, "permission denied") from None
    except OSError as exc:
        raise InputError(source, (exc.strerror or str(exc)).lower()) from None


def _read_capped(stream: BinaryIO, source: str, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` from ``stream``; more than that is an :class:`InputError`."""
    try:
        data = stream.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(source, f"read error: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        size: int | None = None
        # A pipe or in-memory stream has no useful size: it is then reported as unknown.
        with contextlib.suppress(OSError, AttributeError, ValueError):
            size = os.fstat(stream.fileno()).st_size or None
        raise InputError(source, _too_large(size if size and size > max_bytes else None, max_bytes))
    return data


def _read_source(src: Path | bytes | BinaryIO, source: str, max_bytes: int) -> bytes:
    if isinstance(src, bytes):
        return src
    if isinstance(src, Path):
        with _open_rb(src, source) as fh:
            return _read_capped(fh, source, max_bytes)
    return _read_capped(src, source, max_bytes)


def _label(src: Path | bytes | BinaryIO, name: str | None) -> str:
    if name is not None:
        return name
    return str(src) if isinstance(src, Path) else STDIN_SPEC


# --------------------------------------------------------------------------- .txt


def article_from_text(text: str, *, id: str, source: str | None = None) -> Article:
    """Build an ``Article`` from decoded .txt content: title = first non-empty line.

    ``content`` is ``text`` unchanged; the BOM is stripped from the title only.
    """
    title = ""
    for match in _TEXT_LINE.finditer(text):
        line = match.group().lstrip(_BOM).strip()
        if line:
            title = line
            break
    return Article(id=id, title=title, content=text, source=source)


SIDECAR_SUFFIX = ".meta.json"
"""``a.txt`` may have its metadata in ``a.meta.json`` beside it (a JSON object)."""

TXT_METADATA = {
    "published": "published",
    "date": "published",
    "outlet": "outlet",
    "site": "outlet",
    "url": "url",
    "language": "language",
    "lang": "language",
    "title": "title",
}
"""Front-matter / sidecar keys a ``.txt`` article may carry, and the field each fills."""

_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_META_LINE = re.compile(r"[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:[ \t]*(.*?)[ \t]*")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``({key: value}, body)`` of a text opening with a ``---`` block of ``key: value`` lines.

    A block with any other kind of line is not front matter: the text is returned whole, so
    an article that happens to start with a rule of dashes loses nothing.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if not line.strip():
            continue
        pair = _META_LINE.fullmatch(line)
        if not pair:
            return {}, text
        meta[pair.group(1).lower()] = pair.group(2).strip().strip("\"'")
    return meta, text[match.end() :]


def read_sidecar(path: Path) -> dict[str, object] | None:
    """The metadata object in ``path``'s ``.meta.json`` sidecar, or None when there is none."""
    sidecar = path.with_name(path.name[: -len(path.suffix)] + SIDECAR_SUFFIX) if path.suffix else None
    if sidecar is None or not sidecar.is_file():
        return None
    label = str(sidecar)
    with _open_rb(sidecar, label) as fh:
        text = decode_bytes(_read_capped(fh, label, 1_000_000), label)
    try:
        doc = json.loads(text.lstrip(_BOM))
    except json.JSONDecodeError as exc:
        raise InputError(label, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(doc, dict):
        raise InputError(label, f"expected a JSON object of metadata, got {_json_type(doc)}")
    return doc


def article_from_txt(text: str, *, id: str, source: str, sidecar: dict[str, object] | None = None) -> Article:
    """A ``.txt`` article with optional metadata: front matter in the file, or a sidecar.

    Front matter is cut from ``content`` (offsets index the article text after it) and
    wins over the sidecar. Known keys (:data:`TXT_METADATA`) fill the article's fields; other
    keys are ignored; an invalid date or language is an :class:`InputError` naming the source.
    """
    front, body = split_front_matter(text)
    if not front and not sidecar:
        return article_from_text(text, id=id, source=source)
    if not body.strip():
        raise InputError(source, "no article text after the front matter")
    fields: dict[str, object] = {}
    for raw in ((sidecar or {}), front):
        for key, value in raw.items():
            name = TXT_METADATA.get(str(key).lower())
            if name and value not in (None, ""):
                fields[name] = value
    for name in ("outlet", "url", "title"):
        if name in fields and not isinstance(fields[name], str):
            raise InputError(source, f"metadata '{name}' must be a string, got {_json_type(fields[name])}")
    article = article_from_text(body, id=id, source=source)
    title = str(fields.get("title") or "").strip() or article.title
    return article.model_copy(
        update={
            "title": title,
            "outlet": str(fields["outlet"]).strip() if fields.get("outlet") else None,
            "url": str(fields["url"]).strip() if fields.get("url") else None,
            "published": _parse_published(fields.get("published"), source),
            "language": _parse_language(fields.get("language"), source),
        }
    )


def read_txt(path: Path, max_bytes: int = MAX_BYTES) -> Article:
    """Read one ``.txt`` article; ``id`` is the file name, ``content`` the file text
    (after its front matter, if any; see :func:`article_from_txt`)."""
    path = Path(path)
    source = str(path)
    with _open_rb(path, source) as fh:
        data = _read_capped(fh, source, max_bytes)
    text = decode_bytes(data, source, max_bytes=max_bytes)
    return article_from_txt(text, id=path.name, source=source, sidecar=read_sidecar(path))


# --------------------------------------------------------------------------- records


def parse_record(obj: object, source: str, *, location: str | None = None) -> Article:
    """Validate one JSON record into an ``Article``.

    Fields: ``id`` (str or int) and non-empty ``text`` are required; ``title``,
    ``url``, ``outlet``, ``published`` (ISO 8601) and ``language`` are optional;
    other keys are ignored. ``content`` is ``title + "\\n\\n" + text`` when the
    (stripped) title is non-empty, else ``text`` unchanged. ``source`` becomes
    ``Article.source``; errors are reported at ``location`` (default ``source``).
    """
    where = location or source
    if not isinstance(obj, dict):
        raise InputError(where, f"record must be a JSON object, got {_json_type(obj)}")
    record: dict[str, Any] = obj

    raw_id = record.get("id")
    if raw_id is None:
        raise InputError(where, "record has no 'id'")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise InputError(where, f"'id' must be a string or an integer, got {_json_type(raw_id)}")
    article_id = str(raw_id)
    if not article_id.strip():
        raise InputError(where, "record has an empty 'id'")

    text = record.get("text")
    if text is not None and not isinstance(text, str):
        raise InputError(where, f"'text' must be a string, got {_json_type(text)}")
    if not text or not text.strip():
        raise InputError(where, f"record has no 'text' (id {article_id!r})")

    title = (_optional_str(record, "title", where) or "").strip()
    content = f"{title}\n\n{text}" if title else text

    try:
        return Article(
            id=article_id,
            title=title,
            content=content,
            url=_optional_str(record, "url", where),
            outlet=_optional_str(record, "outlet", where),
            published=_parse_published(record.get("published"), where),
            language=_parse_language(record.get("language"), where),
            source=source,
        )
    except ValidationError as exc:  # defensive: the checks above should make this unreachable
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first.get("loc", ()))
        raise InputError(where, f"invalid record: {field} {first.get('msg', '')}".strip()) from None


def _optional_str(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(where, f"'{key}' must be a string, got {_json_type(value)}")
    return value.strip() or None


def _parse_published(value: object, where: str) -> datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError(
        where, f"invalid 'published' date: {_show(value)} (expected ISO 8601, e.g. '2024-03-01T12:00:00Z')"
    )


def _parse_language(value: object, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(where, f"'language' must be a string, got {_json_type(value)}")
    code = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]  # "en-US" -> "en"
    if not code:
        return None
    if not _LANGUAGE.fullmatch(code):
        raise InputError(where, f"invalid 'language': {_show(value)} (expected an ISO 639-1 code like 'en')")
    return code


# --------------------------------------------------------------------------- .json / .jsonl


def read_json(
    src: Path | bytes | BinaryIO, *, name: str | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Article | InputError]:
    """Yield the records of a JSON document holding one record object or an array of them.

    ``src`` is a path, the raw bytes, or a binary stream; ``name`` labels errors and
    ``Article.source`` (default: the path, or ``"-"``). Unreadable or malformed JSON
    yields one :class:`InputError` for the whole input; a bad element of an array
    yields an error at ``"{name}:record N"`` (1-based) and the others still load.
    """
    label = _label(src, name)
    try:
        text = decode_bytes(_read_source(src, label, max_bytes), label, max_bytes=max_bytes)
    except InputError as exc:
        yield exc
        return
    try:
        doc = json.loads(text.lstrip(_BOM))
    except json.JSONDecodeError as exc:
        hint = " (one record per line? use the jsonl format)" if exc.msg == "Extra data" else ""
        yield InputError(label, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}{hint}")
        return
    except RecursionError:
        yield InputError(label, "invalid JSON: nested too deeply")
        return

    if isinstance(doc, dict):
        yield _record_or_error(doc, label, label)
    elif isinstance(doc, list):
        if not doc:
            yield InputError(label, "no records (empty JSON array)")
        for number, item in enumerate(doc, start=1):
            yield _record_or_error(item, label, f"{label}:record {number}")
    else:
        yield InputError(label, f"expected a JSON object or an array of objects, got {_json_type(doc)}")


def read_jsonl(
    src: Path | bytes | BinaryIO, *, name: str | None = None, max_bytes: int = MAX_BYTES
) -> Iterator[Article | InputError]:
    """Yield one item per non-blank line of a JSON Lines input, streaming.

    ``max_bytes`` caps each line (not the whole file), so large batches stream in
    constant memory. A malformed line yields an :class:`InputError` at
    ``"{name}:line N"`` and the following lines are still read. Binary or UTF-16 input
    (sniffed on the first 64 KiB) and a file whose first record is not UTF-8 are
    reported once for the whole file.
    """
    label = _label(src, name)
    if isinstance(src, Path):
        try:
            stream = _open_rb(src, label)
        except InputError as exc:
            yield exc
            return
        with stream:
            yield from _jsonl_lines(stream, label, max_bytes)
    elif isinstance(src, bytes):
        yield from _jsonl_lines(_BytesLines(src), label, max_bytes)
    else:
        yield from _jsonl_lines(src, label, max_bytes)


class _LineStream(Protocol):
    def readline(self, limit: int = ..., /) -> bytes: ...


class _BytesLines:
    """``readline``/``peek`` over in-memory bytes.

    Used instead of ``io.BytesIO`` because a module inside the ``narrascope.io``
    package cannot rely on ``import io`` resolving to the standard library for
    every tool (mypy run on this directory sees this package as ``io``).
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    def peek(self, size: int) -> bytes:
        return self._data[self._pos : self._pos + size]

    def readline(self, limit: int = -1, /) -> bytes:
        end = self._data.find(b"\n", self._pos)
        end = len(self._data) if end < 0 else end + 1
        if limit >= 0:
            end = min(end, self._pos + limit)
        line = self._data[self._pos : end]
        self._pos = end
        return line


def _peek_head(stream: BinaryIO | _BytesLines) -> bytes | None:
    """Return the first bytes of ``stream`` without consuming them, if the stream allows it."""
    if isinstance(stream, _BytesLines):
        return stream.peek(_SNIFF_BYTES)
    try:
        if stream.seekable():
            pos = stream.tell()
            head = stream.read(_SNIFF_BYTES)
            stream.seek(pos)
            return head
        peek = getattr(stream, "peek", None)
        if callable(peek):
            head = peek(_SNIFF_BYTES)
            return head[:_SNIFF_BYTES] if isinstance(head, bytes) else None
    except (OSError, ValueError):
        return None
    return None


def _jsonl_lines(
    stream: BinaryIO | _BytesLines, label: str, max_bytes: int
) -> Iterator[Article | InputError]:
    head = _peek_head(stream)
    if head is not None:
        try:
            _check_text_bytes(head, label)
        except InputError as exc:
            yield exc
            return

    line_no = 0
    seen_content = False
    seen_utf8 = False
    while True:
        try:
            raw = stream.readline(max_bytes + 1)
        except OSError as exc:
            yield InputError(label, f"read error: {exc.strerror or exc}")
            return
        if not raw:
            break
        line_no += 1
        where = f"{label}:line {line_no}"
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            size = len(raw) + _skip_rest_of_line(stream)
            seen_content = True
            yield InputError(where, f"line too large ({size} bytes > limit {max_bytes})")
            continue
        if line_no == 1 and raw.startswith(_BOM_BYTES):
            raw = raw[len(_BOM_BYTES) :]
        if not raw.strip():
            continue
        seen_content = True
        if b"\x00" in raw:
            yield InputError(where, "binary data (NUL bytes) in line")
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            reason = _not_utf8_reason(raw, exc.start)
            if not seen_utf8:
                # The first content line is already in another encoding: report the file once
                # instead of once per line.
                yield InputError(label, reason)
                return
            yield InputError(where, reason)
            continue
        seen_utf8 = True
        yield _jsonl_item(line, label, where)

    if not seen_content:
        yield InputError(label, "empty file" if line_no == 0 else "empty file (whitespace only)")


def _skip_rest_of_line(stream: _LineStream) -> int:
    skipped = 0
    while True:
        chunk = stream.readline(_SNIFF_BYTES)
        skipped += len(chunk)
        if not chunk or chunk.endswith(b"\n"):
            return skipped


def _jsonl_item(line: str, label: str, where: str) -> Article | InputError:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        return InputError(where, f"invalid JSON: {exc.msg} at column {exc.colno}")
    except RecursionError:
        return InputError(where, "invalid JSON: nested too deeply")
    return _record_or_error(obj, label, where)


def _record_or_error(obj: object, source: str, where: str) -> Article | InputError:
    try:
        return parse_record(obj, source, location=where)
    except InputError as exc:
        return exc


# --------------------------------------------------------------------------- entry points


def infer_format(path: str | Path) -> str:
    """``.json`` -> json, ``.jsonl``/``.ndjson`` -> jsonl, anything else (``.txt`` included) -> txt."""
    return _EXTENSIONS.get(Path(path).suffix.lower(), "txt")


def read_input(
    spec: str,
    fmt: str | None = None,
    stdin: BinaryIO | None = None,
    max_bytes: int = MAX_BYTES,
) -> Iterator[Article | InputError]:
    """Read a path, or ``"-"`` for stdin, yielding articles and input errors.

    ``fmt`` is one of :data:`FORMATS`, or ``None`` to infer it from the extension
    (:func:`infer_format`; stdin defaults to txt, with id ``"stdin"``). ``stdin``
    overrides ``sys.stdin.buffer``. Problems with the input are yielded, not raised;
    an unknown ``fmt`` raises ``ValueError`` immediately.
    """
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return _read_input(spec, fmt, stdin, max_bytes)


def _read_input(
    spec: str, fmt: str | None, stdin: BinaryIO | None, max_bytes: int
) -> Iterator[Article | InputError]:
    if spec == STDIN_SPEC:
        stream = stdin if stdin is not None else sys.stdin.buffer
        fmt = fmt or "txt"
        if fmt == "json":
            yield from read_json(stream, name=STDIN_SPEC, max_bytes=max_bytes)
        elif fmt == "jsonl":
            yield from read_jsonl(stream, name=STDIN_SPEC, max_bytes=max_bytes)
        else:
            try:
                data = _read_capped(stream, STDIN_SPEC, max_bytes)
                text = decode_bytes(data, STDIN_SPEC, max_bytes=max_bytes)
                yield article_from_txt(text, id=STDIN_ID, source=STDIN_SPEC)
            except InputError as exc:
                yield exc
        return

    if not spec:
        yield InputError("''", "empty path")
        return
    path = Path(spec)
    fmt = fmt or infer_format(path)
    if fmt == "json":
        yield from read_json(path, name=spec, max_bytes=max_bytes)
    elif fmt == "jsonl":
        yield from read_jsonl(path, name=spec, max_bytes=max_bytes)
    else:
        try:
            yield read_txt(path, max_bytes=max_bytes)
        except InputError as exc:
            yield exc


def iter_txt_dir(directory: Path) -> Iterator[Path]:
    """The ``.txt`` files directly inside ``directory``, sorted by file name.

    Hidden files (e.g. macOS ``._name.txt`` metadata) are skipped. A missing path
    or a non-directory raises :class:`InputError` immediately.
    """
    directory = Path(directory)
    if not directory.exists():
        raise InputError(str(directory), "no such directory")
    if not directory.is_dir():
        raise InputError(str(directory), "not a directory")
    files = [
        p
        for p in directory.iterdir()
        if p.suffix.lower() == ".txt" and not p.name.startswith(".") and p.is_file()
    ]
    return iter(sorted(files, key=lambda p: p.name))


# --------------------------------------------------------------------------- helpers


def _one_line(text: str) -> str:
    return _LINE_BREAKS.sub(" ", text)


def _show(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= _MAX_SHOWN else shown[: _MAX_SHOWN - 3] + "..."


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
