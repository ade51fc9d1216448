"""``narrascope batch`` end to end: the real CLI in subprocesses, on texts written for these tests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from corpus_fixtures import PARAGRAPHS, RUSSIAN, write_jsonl_corpus
from narrascope.schema import Analysis
from test_corpus_sources import HTML

CLI = [sys.executable, "-m", "narrascope", "batch"]


def batch(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, timeout=1800, cwd=cwd)


def rows(path: Path) -> list[str]:
    """Result rows (Analysis JSON) sorted by (id, content hash)."""
    from narrascope.corpus.journal import read_rows

    return sorted(
        read_rows(path), key=lambda line: (json.loads(line)["id"], json.loads(line)["content_sha256"])
    )


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of every input kind, with malformed records among good ones."""
    root = tmp_path_factory.mktemp("mixed")
    docs = root / "docs"
    for sub, text in (("EN", PARAGRAPHS[0]), ("RU", RUSSIAN)):
        (docs / sub).mkdir(parents=True)
        (docs / sub / "article.txt").write_text(f"Title\n\n{text}", encoding="utf-8")
    (docs / "EN" / "subtask-2-annotations.txt").write_text("article.txt\tOther\tOther\n", encoding="utf-8")
    (docs / "EN" / "page.html").write_bytes(HTML)
    (docs / "EN" / "latin1.txt").write_bytes("Caf\xe9\n\nTexte en latin-1.".encode("latin-1"))
    records = [
        {"id": "r1", "title": "Bills", "text": PARAGRAPHS[1], "outlet": "Herald", "published": "2024-03-04"},
        {"id": "r2", "title": "No text", "text": ""},
        {"id": "r3", "title": "Bad date", "text": PARAGRAPHS[3], "published": "next Tuesday"},
        {"id": "twin-a", "text": PARAGRAPHS[4]},
        {"id": "twin-b", "text": PARAGRAPHS[4]},  # another id with the same text: its own row
        {"id": "twin-a", "text": PARAGRAPHS[4]},  # the very same article again: skipped
    ]
    (root / "records.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    (root / "records.csv").write_text(
        f'id,title,text,outlet,published\nc1,Glacier,"{PARAGRAPHS[2]}",Courier,2024-03-12T10:00:00+01:00\n',
        encoding="utf-8",
    )
    return root


def test_batch_mixed_inputs_to_parquet_with_store_and_errors(mixed: Path, tmp_path: Path):
    import pyarrow.parquet as pq

    out, store = tmp_path / "results.parquet", tmp_path / "corpus.db"
    inputs = [mixed / "docs", mixed / "records.jsonl", mixed / "records.csv"]
    proc = batch(*inputs, "--out", out, "--store", store, "--fast")
    assert proc.returncode == 1, proc.stderr  # some records failed
    table = pq.read_table(out)
    ids = sorted(table.column("id").to_pylist())
    assert ids == ["EN/article.txt", "EN/page.html", "RU/article.txt", "c1", "r1", "twin-a", "twin-b"]
    for line in table.column("analysis").to_pylist():
        Analysis.model_validate_json(line)  # every row is the --json result model
    by_id = {r["id"]: r for r in table.select(["id", "outlet", "published", "language"]).to_pylist()}
    assert by_id["r1"]["outlet"] == "Herald" and by_id["c1"]["published"].hour == 9  # stored in UTC
    assert by_id["RU/article.txt"]["language"] == "ru"
    errors = [
        json.loads(line) for line in out.with_name("results.parquet.errors.jsonl").read_text().splitlines()
    ]
    assert {(Path(e["source"]).name, e["reason"].split(" (")[0]) for e in errors} == {
        ("latin1.txt", "not valid UTF-8 text"),
        ("records.jsonl:line 2", "record has no 'text'"),
        ("records.jsonl:line 3", "invalid 'published' date: 'next Tuesday'"),
    }
    assert set(errors[0]) == {"source", "id", "reason"}
    assert "7 article(s)" in proc.stderr and "3 failure(s)" in proc.stderr and "en" in proc.stderr
    assert not list(tmp_path.glob("*.journal.jsonl")) and not list(tmp_path.glob(".*tmp"))

    again = batch(*inputs, "--out", out, "--store", store, "--fast")
    assert again.returncode == 1 and "0 analysed, 7 already done" in again.stderr

    # A new output file for the same inputs is served by the store, not analysed again.
    other = tmp_path / "again.jsonl"
    third = batch(*inputs, "--out", other, "--store", store, "--fast")
    assert "0 analysed, 7 already done" in third.stderr
    assert rows(other) == rows(out)

    # The store keeps the analysed text for search; a result stored without it (as before
    # store v4) gets it from the next run that meets the same article.
    from narrascope.corpus.queries import ArticleFilter, list_articles
    from narrascope.corpus.store import CorpusStore

    def found(q: str) -> list[str]:
        with CorpusStore(store, readonly=True) as db:
            return [r["id"] for r in list_articles(db, ArticleFilter(q=q))[1]]

    assert found("glacier observatory") == ["c1"] and found("columnist") == ["r1"]
    with CorpusStore(store) as db, db.transaction():
        db.db.execute("UPDATE texts SET text = NULL WHERE id = 'r1'")
    assert found("columnist") == []
    fourth = batch(*inputs, "--out", tmp_path / "fourth.jsonl", "--store", store, "--fast")
    assert "0 analysed, 7 already done" in fourth.stderr and found("columnist") == ["r1"]


def test_nothing_readable_is_exit_2_and_bad_out_is_refused(tmp_path: Path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    assert batch(bad, "--out", tmp_path / "r.jsonl", "--no-store", "--fast").returncode == 2
    proc = batch(bad, "--out", tmp_path / "r.csv", "--no-store", "--fast")
    assert proc.returncode == 2 and ".parquet or .jsonl" in proc.stderr


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """400 articles and the result of an uninterrupted one-process run over them."""
    root = tmp_path_factory.mktemp("corpus")
    path = root / "corpus.jsonl"
    write_jsonl_corpus(path, 400)
    reference = root / "reference.jsonl"
    proc = batch(path, "--out", reference, "--no-store", "--fast")
    assert proc.returncode == 0, proc.stderr
    return path, reference


def test_two_workers_give_the_same_rows(corpus: tuple[Path, Path], tmp_path: Path):
    path, reference = corpus
    out = tmp_path / "two.jsonl"
    proc = batch(path, "--out", out, "--no-store", "--fast", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == reference.read_text()  # same rows, same order


def test_killed_run_resumes_to_the_same_rows(corpus: tuple[Path, Path], tmp_path: Path):
    path, reference = corpus
    out, store = tmp_path / "killed.jsonl", tmp_path / "corpus.db"
    journal = out.with_name(out.name + ".journal.jsonl")
    proc = subprocess.Popen(
        [*CLI, str(path), "--out", str(out), "--store", str(store), "--fast"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 900  # generous: CI machines can be busy
    while proc.poll() is None and time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\n") >= 100:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done = journal.read_bytes().count(b"\n")
    assert 100 <= done < 400 and not out.exists()

    resumed = batch(path, "--out", out, "--store", store, "--fast")
    assert resumed.returncode == 0, resumed.stderr
    analysed, reused = map(int, re.search(r"\((\d+) analysed, (\d+) already done", resumed.stderr).groups())
    # The store may hold one batch more than the journal (killed between the two writes).
    assert analysed + reused == 400 and reused >= done
    assert rows(out) == rows(reference)  # nothing lost, nothing duplicated, same results
    from narrascope.corpus.store import CorpusStore

    with CorpusStore(store) as db:
        assert db.count() == 400


def test_torn_journal_line_is_cut_off(tmp_path: Path):
    from narrascope.corpus.journal import Journal

    out = tmp_path / "r.jsonl"
    journal = tmp_path / "r.jsonl.journal.jsonl"
    row = {"id": "a", "content_sha256": "x", "language": {"code": "en"}, "provenance": {"fingerprint": "f"}}
    good = json.dumps(row)
    journal.write_text(good + "\n" + good[:20], encoding="utf-8")
    j = Journal(journal, out, "f")
    j.close()
    assert j.done == {("a", "x"): "en"}
    assert journal.read_text() == good + "\n"


def test_journal_rows_of_another_fingerprint_are_not_done(tmp_path: Path):
    """A result made by other models (e.g. before retraining) is redone, and dropped at compaction."""
    from narrascope.corpus.journal import Journal

    out = tmp_path / "r.jsonl"
    journal = tmp_path / "r.jsonl.journal.jsonl"
    rows = [
        {"id": i, "content_sha256": "x", "language": {"code": "en"}, "provenance": {"fingerprint": f}}
        for i, f in (("old", "before"), ("new", "after"))
    ]
    journal.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    j = Journal(journal, out, "after")
    assert j.done == {("new", "x"): "en"}
    assert [json.loads(line)["id"] for line in j.rows({("old", "x"), ("new", "x")})] == ["new"]
    j.close()


def test_dask_engine_on_a_real_local_cluster(corpus: tuple[Path, Path], tmp_path: Path):
    distributed = pytest.importorskip(
        "distributed", reason="dask is not installed: pip install 'narrascope[dask]' to run this test"
    )
    path, reference = corpus
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        out = tmp_path / "dask.parquet"
        proc = batch(
            path,
            "--out",
            out,
            "--no-store",
            "--fast",
            "--engine",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        )
        assert proc.returncode == 0, proc.stderr
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
    assert rows(out) == rows(reference)


def test_dask_engine_starts_its_own_local_cluster(corpus: tuple[Path, Path], tmp_path: Path):
    pytest.importorskip("distributed", reason="dask is not installed")
    path, reference = corpus
    out = tmp_path / "dask.jsonl"
    proc = batch(path, "--out", out, "--no-store", "--fast", "--engine", "dask", "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text() == reference.read_text()
