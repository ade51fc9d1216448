"""Tests for narrascope.io: every fixture is invented here, in tmp_path or in memory."""

from __future__ import annotations

import io
import json
import pickle
from datetime import UTC, datetime
from pathlib import Path

import pytest

from narrascope.io import (
    MAX_BYTES,
    InputError,
    decode_bytes,
    infer_format,
    iter_txt_dir,
    parse_record,
    read_input,
    read_json,
    read_jsonl,
    read_txt,
)
from narrascope.schema import Article

PNG_LIKE = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
RUSSIAN = "Городской совет обсудил новый бюджет. Жители ждут решения до конца месяца.\n"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def only(items: list[Article | InputError]) -> Article | InputError:
    assert len(items) == 1, items
    return items[0]


def assert_one_line_error(err: object, source: str) -> InputError:
    assert isinstance(err, InputError), err
    message = str(err)
    assert message == f"{err.source}: {err.reason}"
    assert err.source == source
    assert message.startswith(f"{source}: ")
    assert len(message.splitlines()) == 1
    return err


# --------------------------------------------------------------------------- InputError


def test_input_error_fields_message_and_pickle() -> None:
    err = InputError("a.txt", "empty file")
    assert (err.source, err.reason, str(err)) == ("a.txt", "empty file", "a.txt: empty file")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.source, copy.reason) == (err.source, err.reason)


def test_input_error_is_forced_onto_one_line() -> None:
    err = InputError("odd\nname.txt", "first\r\nsecond\u2028third")
    assert len(str(err).splitlines()) == 1


# --------------------------------------------------------------------------- decode_bytes


def test_decode_keeps_crlf_and_bom() -> None:
    data = "\ufeffTitle\r\nBody line.\r\n".encode()
    assert decode_bytes(data, "x") == "\ufeffTitle\r\nBody line.\r\n"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \r\n\t\n ", "empty file (whitespace only)"),
        (b"\xef\xbb\xbf \n", "empty file (whitespace only)"),
        (PNG_LIKE, "binary file (not text)"),
        (bytes(range(1, 9)) * 20, "binary file (not text)"),
    ],
)
def test_decode_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(data, "in.txt")
    assert_one_line_error(info.value, "in.txt")
    assert info.value.reason == reason


def test_decode_rejects_cp1251_with_a_guess() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(RUSSIAN.encode("cp1251"), "ru.txt")
    err = assert_one_line_error(info.value, "ru.txt")
    assert "UTF-8" in err.reason and "cp1251" in err.reason


def test_decode_rejects_latin1_and_utf16() -> None:
    with pytest.raises(InputError, match=r"UTF-8.*latin-1"):
        decode_bytes("Le café est fermé le lundi.".encode("latin-1"), "fr.txt")
    with pytest.raises(InputError, match="UTF-16"):
        decode_bytes("A short note.".encode("utf-16"), "u16.txt")
    with pytest.raises(InputError, match="UTF-16-LE"):
        decode_bytes("A short note without a BOM.".encode("utf-16-le"), "u16.txt")


def test_decode_reports_offset_of_damaged_utf8() -> None:
    data = "Straße ".encode() + b"\xff" + b" more"
    with pytest.raises(InputError, match=r"invalid byte 0xFF at offset 8"):
        decode_bytes(data, "bad.txt")


def test_decode_size_limit() -> None:
    with pytest.raises(InputError) as info:
        decode_bytes(b"x" * 11, "big.txt", max_bytes=10)
    assert info.value.reason == "file too large (11 bytes > limit 10)"


def test_default_size_limit_is_max_bytes(tmp_path: Path) -> None:
    # The cap the readers apply when none is given: exactly MAX_BYTES is read, one more is not.
    assert len(decode_bytes(b"x" * MAX_BYTES, "max.txt")) == MAX_BYTES
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (MAX_BYTES + 1))
    with pytest.raises(InputError) as info:
        read_txt(path)
    assert info.value.reason == f"file too large ({MAX_BYTES + 1} bytes > limit {MAX_BYTES})"


# --------------------------------------------------------------------------- read_txt


def test_read_txt_title_crlf_offsets(tmp_path: Path) -> None:
    raw = "\r\n  The Bridge Reopens  \r\nTraffic returned on Monday.\r\nOfficials were pleased.\r\n"
    path = write(tmp_path / "EN_UA_1.txt", raw.encode())
    art = read_txt(path)
    assert art.id == "EN_UA_1.txt"
    assert art.title == "The Bridge Reopens"
    assert art.content == raw
    assert art.source == str(path)
    start = art.content.index("Traffic")
    assert art.content[start : start + len("Traffic returned")] == "Traffic returned"
    assert raw.encode().index(b"Traffic") == start  # ASCII: code points == bytes


def test_read_txt_keeps_bom_in_content_only(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", "\ufeffHeadline\nBody.\n".encode())
    art = read_txt(path)
    assert art.title == "Headline"
    assert art.content.startswith("\ufeff")
    assert art.content.index("Body") == 10


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty file"),
        (b"   \n\n  ", "empty file"),
        (PNG_LIKE, "binary file"),
        (RUSSIAN.encode("cp1251"), "UTF-8"),
    ],
)
def test_read_txt_errors_name_the_file(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = write(tmp_path / "doc.txt", data)
    with pytest.raises(InputError) as info:
        read_txt(path)
    assert fragment in assert_one_line_error(info.value, str(path)).reason


def test_read_txt_oversized_reports_sizes(tmp_path: Path) -> None:
    path = write(tmp_path / "big.txt", b"Headline\n" + b"word " * 40)
    with pytest.raises(InputError) as info:
        read_txt(path, max_bytes=50)
    assert info.value.reason == "file too large (209 bytes > limit 50)"


def test_read_txt_unicode_offsets_are_code_points(tmp_path: Path) -> None:
    path = write(tmp_path / "ru.txt", ("Заголовок\r\n" + RUSSIAN).encode())
    art = read_txt(path)
    assert art.title == "Заголовок"
    assert art.content.index("Городской") == len("Заголовок\r\n")


# --------------------------------------------------------------------------- records


def test_parse_record_full() -> None:
    art = parse_record(
        {
            "id": 42,
            "title": "  Port Strike Ends ",
            "text": "Dock workers went back to work.",
            "url": "https://example.org/a",
            "outlet": "Example Daily",
            "published": "2024-03-01T12:30:00Z",
            "language": "EN-us",
            "extra": [1, 2],
        },
        "recs.json",
    )
    assert art.id == "42"
    assert art.title == "Port Strike Ends"
    assert art.content == "Port Strike Ends\n\nDock workers went back to work."
    assert art.published == datetime(2024, 3, 1, 12, 30, tzinfo=UTC)
    assert (art.url, art.outlet, art.language, art.source) == (
        "https://example.org/a",
        "Example Daily",
        "en",
        "recs.json",
    )


def test_parse_record_without_title_keeps_text_exact() -> None:
    art = parse_record({"id": "a", "text": "  Indented text.\r\n", "title": ""}, "-")
    assert art.content == "  Indented text.\r\n"
    assert art.title == ""
    assert art.published is None


@pytest.mark.parametrize(
    ("obj", "fragment"),
    [
        ({"id": "a", "title": "Only a title"}, "record has no 'text'"),
        ({"id": "a", "text": "   "}, "record has no 'text'"),
        ({"id": "a", "text": 5}, "'text' must be a string"),
        ({"text": "Body."}, "record has no 'id'"),
        ({"id": True, "text": "Body."}, "'id' must be a string or an integer"),
        (
            {"id": "a", "text": "Body.", "published": "last Tuesday"},
            "invalid 'published' date: 'last Tuesday'",
        ),
        ({"id": "a", "text": "Body.", "published": 1700000000}, "invalid 'published' date"),
        ({"id": "a", "text": "Body.", "language": "english"}, "invalid 'language'"),
        ({"id": "a", "text": "Body.", "url": 3}, "'url' must be a string"),
        (["not", "a", "record"], "record must be a JSON object, got array"),
    ],
)
def test_parse_record_errors(obj: object, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_record(obj, "recs.json", location="recs.json:record 2")
    err = assert_one_line_error(info.value, "recs.json:record 2")
    assert fragment in err.reason


# --------------------------------------------------------------------------- .json / .jsonl


def test_read_json_object(tmp_path: Path) -> None:
    path = write(tmp_path / "one.json", json.dumps({"id": 7, "title": "T", "text": "Body."}).encode())
    art = only(list(read_json(path)))
    assert isinstance(art, Article)
    assert (art.id, art.content, art.source) == ("7", "T\n\nBody.", str(path))


def test_read_json_array_with_a_bad_element(tmp_path: Path) -> None:
    records = [{"id": 1, "text": "First."}, {"id": 2}, {"id": 3, "text": "Third."}]
    path = write(tmp_path / "many.json", ("\ufeff" + json.dumps(records, ensure_ascii=False)).encode())
    items = list(read_json(path))
    assert [type(i) for i in items] == [Article, InputError, Article]
    assert_one_line_error(items[1], f"{path}:record 2")
    assert [i.id for i in items if isinstance(i, Article)] == ["1", "3"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b'{"id": 1, "text": "x",}', "invalid JSON"),
        (b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n', "jsonl"),
        (b"[]", "no records"),
        (b"42", "expected a JSON object or an array"),
        (b"[" * 100_000, "invalid JSON"),
        (b"", "empty file"),
    ],
)
def test_read_json_whole_file_errors(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = write(tmp_path / "bad.json", data)
    err = assert_one_line_error(only(list(read_json(path))), str(path))
    assert fragment in err.reason


def test_read_jsonl_reports_bad_line_and_keeps_going(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": "Alpha."}),
        "",
        json.dumps({"id": "b", "title": "Beta", "text": "Бета."}, ensure_ascii=False),
        '{"id": "c", "text": "unterminated',
        "   ",
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": "Echo \u2028 inside."}),
    ]
    path = write(tmp_path / "batch.jsonl", "\r\n".join(lines).encode())
    items = list(read_jsonl(path))
    assert [type(i).__name__ for i in items] == ["Article", "Article", "InputError", "InputError", "Article"]
    bad = assert_one_line_error(items[2], f"{path}:line 4")
    assert "invalid JSON" in bad.reason
    assert "has no 'text'" in assert_one_line_error(items[3], f"{path}:line 6").reason
    arts = [i for i in items if isinstance(i, Article)]
    assert [a.id for a in arts] == ["a", "b", "e"]
    assert arts[1].content == "Beta\n\nБета."
    assert arts[2].content == "Echo \u2028 inside."
    assert all(a.source == str(path) for a in arts)


def test_read_jsonl_line_limit_applies_per_line(tmp_path: Path) -> None:
    small = json.dumps({"id": 1, "text": "ok"})
    big = json.dumps({"id": 2, "text": "x" * 200})
    path = write(tmp_path / "b.jsonl", f"{small}\n{big}\n{small}\n".encode())
    items = list(read_jsonl(path, max_bytes=100))
    assert [type(i) for i in items] == [Article, InputError, Article]
    err = assert_one_line_error(items[1], f"{path}:line 2")
    assert err.reason == f"line too large ({len(big) + 1} bytes > limit 100)"


def test_read_jsonl_non_utf8_file_is_one_error(tmp_path: Path) -> None:
    text = "\n".join(json.dumps({"id": i, "text": RUSSIAN}, ensure_ascii=False) for i in range(5))
    path = write(tmp_path / "ru.jsonl", text.encode("cp1251"))
    err = assert_one_line_error(only(list(read_jsonl(path))), str(path))
    assert "UTF-8" in err.reason and "cp1251" in err.reason


@pytest.mark.parametrize(
    ("data", "fragment"), [(b"", "empty file"), (b"\n \n", "empty file"), (PNG_LIKE, "binary")]
)
def test_read_jsonl_whole_file_errors(tmp_path: Path, data: bytes, fragment: str) -> None:
    path = write(tmp_path / "x.jsonl", data)
    assert fragment in assert_one_line_error(only(list(read_jsonl(path))), str(path)).reason


def test_readers_accept_bytes() -> None:
    assert isinstance(only(list(read_json(b'{"id": 1, "text": "a"}'))), Article)
    items = list(read_jsonl(b'{"id": 1, "text": "a"}\nnope\n', name="mem"))
    assert isinstance(items[0], Article)
    assert_one_line_error(items[1], "mem:line 2")


# --------------------------------------------------------------------------- read_input


def test_read_input_infers_format(tmp_path: Path) -> None:
    assert (infer_format("a.TXT"), infer_format("a.json"), infer_format("a.jsonl")) == (
        "txt",
        "json",
        "jsonl",
    )
    assert (infer_format("a.ndjson"), infer_format("a.md"), infer_format("noext")) == ("jsonl", "txt", "txt")
    write(tmp_path / "a.jsonl", b'{"id": 1, "text": "a"}\n{"id": 2, "text": "b"}\n')
    write(tmp_path / "notes.md", b"Heading\nBody.\n")
    assert [i.id for i in read_input(str(tmp_path / "a.jsonl")) if isinstance(i, Article)] == ["1", "2"]
    art = only(list(read_input(str(tmp_path / "notes.md"))))
    assert isinstance(art, Article) and art.id == "notes.md" and art.title == "Heading"


def test_read_input_explicit_format_overrides_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "records.txt", b'[{"id": "r", "text": "Body."}]')
    art = only(list(read_input(str(path), fmt="json")))
    assert isinstance(art, Article) and art.id == "r"


def test_read_input_stdin_txt() -> None:
    raw = "Stdin Title\r\nA line from a pipe.\r\n"
    art = only(list(read_input("-", stdin=io.BytesIO(raw.encode()))))
    assert isinstance(art, Article)
    assert (art.id, art.title, art.content, art.source) == ("stdin", "Stdin Title", raw, "-")


def test_read_input_stdin_jsonl_and_errors() -> None:
    stream = io.BytesIO(b'{"id": 1, "text": "a"}\n{oops}\n')
    items = list(read_input("-", fmt="jsonl", stdin=stream))
    assert isinstance(items[0], Article) and items[0].source == "-"
    assert_one_line_error(items[1], "-:line 2")
    assert_one_line_error(only(list(read_input("-", stdin=io.BytesIO(b"")))), "-")
    big = only(list(read_input("-", stdin=io.BytesIO(b"y" * 30), max_bytes=20)))
    assert "file too large" in assert_one_line_error(big, "-").reason


def test_read_input_missing_path_and_directory(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    assert assert_one_line_error(only(list(read_input(missing))), missing).reason == "no such file"
    for fmt in ("json", "jsonl"):
        err = only(list(read_input(missing, fmt=fmt)))
        assert assert_one_line_error(err, missing).reason == "no such file"
    folder = str(tmp_path)
    assert assert_one_line_error(only(list(read_input(folder))), folder).reason == "is a directory"


def test_read_input_rejects_unknown_format_eagerly() -> None:
    with pytest.raises(ValueError, match="unknown input format"):
        read_input("a.txt", fmt="xml")


# --------------------------------------------------------------------------- iter_txt_dir


def test_iter_txt_dir(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "c.json", ".hidden.txt", "A_10.txt", "A_2.txt"):
        write(tmp_path / name, b"Title\nBody.\n")
    (tmp_path / "sub.txt").mkdir()
    (tmp_path / "nested").mkdir()
    write(tmp_path / "nested" / "z.txt", b"Z\n")
    assert [p.name for p in iter_txt_dir(tmp_path)] == ["A_10.txt", "A_2.txt", "a.txt", "b.txt"]


def test_iter_txt_dir_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such directory"):
        iter_txt_dir(tmp_path / "missing")
    path = write(tmp_path / "f.txt", b"x")
    with pytest.raises(InputError, match="not a directory"):
        iter_txt_dir(path)
