"""The run journal and the result files of a batch run.

A batch run appends every finished batch of results to a JSON Lines journal next to
``--out`` (``results.parquet.journal.jsonl``), flushed and fsynced before the run moves
on, so a run killed at any moment keeps all finished batches. A run started again
reads the journal to skip what is done (a torn last line, from a kill in mid-write,
is cut off). At the end the journal is compacted into ``--out`` (JSON Lines or
Parquet) through a temporary file and ``os.replace``, keeping only the rows of the
current inputs, once each; then the journal is removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from narrascope.corpus.store import utc_iso
from narrascope.schema import Analysis

Key = tuple[str, str]
"""(article id, content_sha256): the identity of one result row."""

OUT_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
_ROW_GROUP = 1000


def journal_path(out: Path) -> Path:
    return out.with_name(out.name + ".journal.jsonl")


def out_format(out: Path) -> str:
    fmt = OUT_FORMATS.get(out.suffix.lower())
    if fmt is None:
        raise ValueError(f"{out}: output must end in .parquet or .jsonl")
    return fmt


def row_key(line: str) -> tuple[Key, str, str | None]:
    """The key, language code and provenance fingerprint of one journal line (an Analysis as JSON)."""
    row = json.loads(line)
    fingerprint = (row.get("provenance") or {}).get("fingerprint")
    return (row["id"], row["content_sha256"]), row["language"]["code"], fingerprint


class Journal:
    """Append-only JSON Lines file of finished results; ``done`` maps key -> language.

    Only rows made with ``fingerprint`` (the analyzer's provenance) count as done: after
    a model is retrained, a rerun analyses everything again and the result file keeps
    only the new rows.
    """

    def __init__(self, path: Path, out: Path, fingerprint: str) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.done: dict[Key, str] = {}
        if not path.exists() and out.exists():
            self._seed_from(out)
        if path.exists():
            self._load()
        self._handle = path.open("ab")

    def _seed_from(self, out: Path) -> None:
        """A finished run left ``--out`` and no journal: start from its rows."""
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for line in read_rows(out):
                handle.write(line + "\n")
        os.replace(tmp, self.path)

    def _load(self) -> None:
        good = 0
        with self.path.open("rb") as handle:
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break  # torn by a kill in mid-write: that batch is redone
                try:
                    key, lang, fingerprint = row_key(raw.decode("utf-8"))
                except (ValueError, KeyError, TypeError, AttributeError):
                    break
                if fingerprint == self.fingerprint:
                    self.done[key] = lang
                good += len(raw)
        if good < self.path.stat().st_size:
            with self.path.open("r+b") as handle:
                handle.truncate(good)

    def append(self, lines: list[str]) -> None:
        """Make ``lines`` (Analysis JSON) durable before the run goes on."""
        if not lines:
            return
        self._handle.write("".join(line + "\n" for line in lines).encode("utf-8"))
        self._handle.flush()
        os.fsync(self._handle.fileno())
        for line in lines:
            key, lang, fingerprint = row_key(line)
            if fingerprint == self.fingerprint:
                self.done[key] = lang

    def close(self) -> None:
        self._handle.close()

    def rows(self, keep: set[Key]) -> Iterator[str]:
        """Current-fingerprint journal lines whose key is in ``keep``, each key once, in journal order."""
        written: set[Key] = set()
        with self.path.open(encoding="utf-8") as handle:
            for line in handle:
                key, _, fingerprint = row_key(line)
                if fingerprint == self.fingerprint and key in keep and key not in written:
                    written.add(key)
                    yield line.rstrip("\n")

    def compact(self, out: Path, keep: set[Key]) -> int:
        """Write ``out`` atomically from the journal, then delete the journal; returns rows."""
        self._handle.flush()
        n = write_rows(self.rows(keep), out)
        self.close()
        self.path.unlink()
        return n


# --------------------------------------------------------------------------- result files


def write_rows(lines: Iterator[str], out: Path) -> int:
    """Stream Analysis JSON lines into ``out`` (.jsonl or .parquet) through a temp file."""
    fmt = out_format(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; results are ordinary files
    try:
        n = _write_jsonl(lines, Path(tmp)) if fmt == "jsonl" else _write_parquet(lines, Path(tmp))
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return n


def _write_jsonl(lines: Iterator[str], path: Path) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for line in lines:
            handle.write(line + "\n")
            n += 1
        handle.flush()
        os.fsync(handle.fileno())
    return n


def parquet_schema():  # type: ignore[no-untyped-def]
    """Flat columns for queries plus the full result as JSON (column ``analysis``)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("id", pa.string()),
            ("content_sha256", pa.string()),
            ("title", pa.string()),
            ("language", pa.string()),
            ("domain", pa.string()),
            ("other", pa.bool_()),
            ("narratives", pa.list_(pa.string())),
            ("subnarratives", pa.list_(pa.string())),
            ("outlet", pa.string()),
            ("url", pa.string()),
            ("published", pa.timestamp("s", tz="UTC")),
            ("source", pa.string()),
            ("profile", pa.string()),
            ("narrascope_version", pa.string()),
            ("fingerprint", pa.string()),
            ("analysis", pa.string()),
        ]
    )


def flat_row(line: str) -> dict[str, object]:
    a = Analysis.model_validate_json(line)
    published = utc_iso(a.published)
    return {
        "id": a.id,
        "content_sha256": a.content_sha256,
        "title": a.title,
        "language": a.language.code,
        "domain": a.domain,
        "other": a.other,
        "narratives": [n.label for n in a.narratives],
        "subnarratives": [s.label for n in a.narratives for s in n.subnarratives],
        "outlet": a.outlet,
        "url": a.url,
        "published": datetime.fromisoformat(published + "+00:00") if published else None,
        "source": a.source,
        "profile": a.provenance.profile,
        "narrascope_version": a.provenance.narrascope_version,
        "fingerprint": a.provenance.fingerprint,
        "analysis": line,
    }


def _write_parquet(lines: Iterator[str], path: Path) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    n = 0
    with pq.ParquetWriter(str(path), schema, compression="zstd") as writer:
        group: list[dict[str, object]] = []
        for line in lines:
            group.append(flat_row(line))
            if len(group) >= _ROW_GROUP:
                writer.write_table(pa.Table.from_pylist(group, schema=schema))
                n += len(group)
                group = []
        if group or n == 0:
            writer.write_table(pa.Table.from_pylist(group, schema=schema))
            n += len(group)
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())
    return n


def read_rows(out: Path) -> Iterator[str]:
    """The Analysis JSON of every row of a result file, streaming."""
    if out_format(out) == "jsonl":
        with out.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield line.rstrip("\n")
        return
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(str(out)).iter_batches(columns=["analysis"], batch_size=_ROW_GROUP):
        yield from batch.column(0).to_pylist()
