"""Loader of the real-article sourcing test set (``benchmarks/data/sourcing_real/``).

The annotation file holds only offsets into the shared SemEval 2025 Task 10 articles (the
article text is never copied into the repo); this module reads each sentence, its context
and its source span back from ``../shared/data`` and fails loudly when an offset does not
fit the file (a changed data copy must not silently shift every label).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ANNOTATIONS = ROOT / "benchmarks" / "data" / "sourcing_real" / "annotations.tsv"
SHARED_DATA = ROOT.parent / "shared" / "data"
KINDS = ("named_source", "named_outlet", "vague_source", "hedge", "unattributed", "none")
LANGUAGES = ("bg", "en", "hi", "pt", "ru")
SPLITS = ("dev", "test")
COLUMNS = ["id", "language", "path", "start", "end", "context_start", "kind", "source_start", "source_end"]


class AnnotationError(ValueError):
    """An annotation row does not fit its article (bad offsets, kind or language)."""


@dataclass(frozen=True)
class Item:
    id: str
    language: str
    path: str
    start: int
    end: int
    context_start: int
    kind: str
    source: tuple[int, int] | None  # file offsets of the source / hedge cue span
    file_text: str

    @property
    def text(self) -> str:
        return self.file_text[self.start : self.end]

    @property
    def context(self) -> str:
        """The text before the sentence that the annotator read (usually the previous sentence)."""
        return self.file_text[self.context_start : self.start]

    @property
    def source_text(self) -> str | None:
        return self.file_text[self.source[0] : self.source[1]] if self.source else None


def split_of(path: str) -> str:
    """``dev`` or ``test``: the half an article belongs to (sha256 of its path, even → dev).

    Split by article, not sentence, so that fixing rules on dev never sees a test article;
    hashing the path keeps the split fixed however the annotation file is reordered or grows.
    """
    return "dev" if int(hashlib.sha256(path.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def read_article(path: Path) -> str:
    # newline="" keeps CRLF: the offsets count both characters, as in the data README.
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def load(annotations: Path = ANNOTATIONS, data: Path = SHARED_DATA) -> list[Item]:
    """Every annotated sentence with its text read back from ``data``; raises AnnotationError."""
    with annotations.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames != COLUMNS:
            raise AnnotationError(f"{annotations}: columns {reader.fieldnames}, expected {COLUMNS}")
        rows = list(reader)
    texts: dict[str, str] = {}
    items = [_item(row, texts, data) for row in rows]
    ids = [item.id for item in items]
    if len(set(ids)) != len(ids):
        raise AnnotationError("duplicate ids in the annotation file")
    return items


def _item(row: dict[str, str], texts: dict[str, str], data: Path) -> Item:
    rid = row["id"]
    if row["language"] not in LANGUAGES or row["kind"] not in KINDS:
        raise AnnotationError(f"{rid}: unknown language {row['language']!r} or kind {row['kind']!r}")
    if row["path"] not in texts:
        path = data / row["path"]
        if not path.is_file():
            raise AnnotationError(f"{rid}: article {path} not found")
        texts[row["path"]] = read_article(path)
    text = texts[row["path"]]
    start, end, context_start = int(row["start"]), int(row["end"]), int(row["context_start"])
    if not 0 <= context_start <= start < end <= len(text):
        raise AnnotationError(
            f"{rid}: offsets {context_start}/{start}:{end} outside the article ({len(text)})"
        )
    sentence = text[start:end]
    if sentence != sentence.strip() or (
        start > 0 and not text[start - 1].isspace() and text[start - 1] not in ".!?।"
    ):
        raise AnnotationError(
            f"{rid}: {start}:{end} does not start and end on a sentence edge: {sentence[:40]!r}"
        )
    source = _source(row, context_start, end, rid)
    if row["kind"] in ("none", "unattributed") and source:
        raise AnnotationError(f"{rid}: kind {row['kind']} takes no source span")
    if row["kind"] not in ("none", "unattributed") and not source:
        raise AnnotationError(f"{rid}: kind {row['kind']} needs a source span")
    return Item(rid, row["language"], row["path"], start, end, context_start, row["kind"], source, text)


def _source(row: dict[str, str], context_start: int, end: int, rid: str) -> tuple[int, int] | None:
    if not row["source_start"] and not row["source_end"]:
        return None
    s, e = int(row["source_start"]), int(row["source_end"])
    if not context_start <= s < e <= end:
        raise AnnotationError(f"{rid}: source span {s}:{e} outside the sentence and its context")
    return s, e
