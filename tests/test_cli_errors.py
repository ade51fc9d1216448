"""Every command, given bad arguments, ends in one ``error:`` line and exit 2, never a traceback.

The commands are found by walking the CLI's command tree, so a new command is covered
the day it is registered. For each one the bad arguments are derived from its
parameters: an unknown option; missing input files; an output path that cannot be
written; a value an integer or a choice option cannot take. The other arguments get
valid values (``VALID``), so the failure is the one under test, and everything fails
before a model loads. All subprocesses run concurrently in one fixture (2 cores: this
keeps the module at a few seconds); each case is still its own test.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import types
import typing
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import typer

from corpus_fixtures import make_analysis
from narrascope.cli import app

ROOT = typer.main.get_command(app)
OUTPUTS = {"output", "out", "out_dir", "html", "errors", "cache", "assignments", "plot"}
"""Parameter names that are files or folders a command writes (or creates when missing)."""
WRITES = {("batch", "store"), ("serve", "store")}
"""(command, parameter) pairs written by that command although other commands read them."""

VALID = {
    "files": "{article}",
    "inputs": "{article}",
    "docs_dir": "{docs}",
    "articles_dir": "{docs}",
    "data": "{docs}",
    "mentions": "{mentions}",
    "dominant": "{labels}",  # id<TAB>narrative<TAB>subnarrative, as semeval explanations reads
    "store": "{store}",
    "story": "S0123456789",
    "by": "narrative",
    "fmt": "semeval-roles",
    "techniques": "transfer",
    # required outputs that are fine (the case under test is another argument)
    "output": "{tmp}/written/result.png",  # any suffix works for label files; plot needs .png
    "out": "{tmp}/written/result.jsonl",
    "out_dir": "{tmp}/written/model",
    # gold and pred files: a subtask-2 line is valid for evaluate narratives, and a
    # skipped (reported) line for the others, which is not an error either
    "gold": "{labels}",
    "pred": "{labels}",
}
"""A valid value per parameter name, used for the arguments that are not under test."""


@dataclass(frozen=True)
class Param:
    name: str
    flag: str | None  # None for a positional argument
    kind: str  # "path", "int", "str", "bool"
    required: bool
    output: bool


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]


def leaves(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from leaves(command, (*path, name))
        else:
            yield (*path, name), command


def groups(group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from groups(command, (*path, name))


def kind_of(annotation: Any) -> str:
    """path / int / str / bool from a command function's type hint (Optional and list unwrapped)."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if typing.get_origin(annotation) is list:
        annotation = typing.get_args(annotation)[0]
    if annotation is bool:
        return "bool"
    if annotation is int:
        return "int"
    return "path" if annotation is Path else "str"


def params_of(path: tuple[str, ...], command: Any) -> list[Param]:
    hints = typing.get_type_hints(inspect.unwrap(command.callback))
    out = []
    for p in command.params:
        flag = None if p.param_type_name == "argument" else max(p.opts, key=len)
        output = p.name in OUTPUTS or (" ".join(path), p.name) in WRITES
        out.append(Param(p.name, flag, kind_of(hints[p.name]), bool(p.required), output))
    return out


def render(p: Param, value: str) -> list[str]:
    return [value] if p.flag is None else [p.flag, value]


def base_args(params: list[Param], skip: str) -> list[str]:
    """Valid values for the required parameters and the positional arguments, except ``skip``."""
    args: list[str] = []
    for p in params:
        if p.name == skip or not (p.required or p.flag is None):
            continue
        if p.name not in VALID:
            raise AssertionError(f"no valid value for parameter {p.name!r}: add one to VALID")
        args += render(p, VALID[p.name])
    return args


def is_input(p: Param) -> bool:
    """A file or folder the command reads: a path, or a positional argument (FILE..., INPUT...)."""
    return not p.output and (p.kind == "path" or (p.kind == "str" and p.flag is None))


def cases() -> Iterator[Case]:
    # Unknown options are rejected by the argument parser before any of our code runs:
    # checked once on the root and on commands without another case, to keep this fast.
    yield Case("narrascope: unknown option", ("--no-such-option",))
    for path in groups(ROOT):
        yield Case(f"{' '.join(path) or 'narrascope'}: unknown command", (*path, "no-such-command"))
    for path, command in leaves(ROOT):
        name = " ".join(path)
        params = params_of(path, command)
        if not any(p.kind != "bool" for p in params):
            yield Case(f"{name}: unknown option", (*path, "--no-such-option"))
        given = [p for p in params if p.required or p.flag is None]
        if any(is_input(p) for p in given):
            args = [
                arg
                for p in given
                for arg in render(p, f"{{tmp}}/missing/{p.name}" if is_input(p) else VALID[p.name])
            ]
            yield Case(f"{name}: missing inputs", (*path, *args))
        for p in params:
            if p.output:
                bad = unwritable(p)
            elif is_input(p) and p.flag is not None and not p.required:
                bad = f"{{tmp}}/missing/{p.name}"
            elif p.kind == "int":
                bad = "many"
            elif p.kind == "str" and p.flag is not None:
                bad = "bogus-value"
            else:
                continue
            yield Case(
                f"{name}: bad {p.flag or p.name}", (*path, *base_args(params, p.name), *render(p, bad))
            )


def unwritable(p: Param) -> str:
    # Under a regular file, so neither the file nor its folder can be created.
    suffix = {"html": ".html", "out": ".jsonl", "output": ".png", "store": ".db", "errors": ".jsonl"}.get(
        p.name, ""
    )
    return f"{{a_file}}/{p.name}{suffix}"


CASES = list(cases())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Valid inputs for every command: an article, a folder, a mentions file, a dated store."""
    from narrascope.corpus.store import CorpusStore

    tmp = tmp_path_factory.mktemp("cli-errors")
    article = tmp / "article.txt"
    article.write_text("Harbour Deal\n\nThe mayor said the harbour deal was signed.\n", encoding="utf-8")
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "article.txt").write_text(article.read_text(encoding="utf-8"), encoding="utf-8")
    mentions = tmp / "mentions.txt"
    mentions.write_text("article.txt\tmayor\t18\t22\n", encoding="utf-8")
    labels = tmp / "labels.txt"
    labels.write_text("article.txt\tOther\tOther\n", encoding="utf-8")
    a_file = tmp / "a-file"
    a_file.write_text("not a folder\n", encoding="utf-8")
    store = tmp / "store.db"
    with CorpusStore(store) as db:
        db.save([make_analysis("a1", ["URW: Discrediting Ukraine"], published=datetime(2024, 3, 4))])
    paths = {
        "tmp": tmp,
        "article": article,
        "docs": docs,
        "mentions": mentions,
        "labels": labels,
        "a_file": a_file,
    }
    return {key: str(value) for key, value in {**paths, "store": store}.items()}


@pytest.fixture(scope="module")
def results(world: dict[str, str]) -> dict[str, subprocess.CompletedProcess[str]]:
    env = {k: v for k, v in os.environ.items() if k != "NARRASCOPE_DEBUG"}

    def run(case: Case) -> subprocess.CompletedProcess[str]:
        args = [arg.format(**world) for arg in case.args]
        return subprocess.run(
            [sys.executable, "-m", "narrascope", *args],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=world["tmp"],  # the corpus store's default path is relative
            env=env,
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip((c.id for c in CASES), pool.map(run, CASES), strict=True))


def test_every_command_is_covered():
    covered = {case.id.split(":")[0] for case in CASES}
    assert {" ".join(path) for path, _ in leaves(ROOT)} <= covered
    ids = {case.id for case in CASES}
    assert {"analyze: missing inputs", "corpus plot: bad --output", "batch: bad --workers"} <= ids
    assert len(list(leaves(ROOT))) >= 16


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_arguments_end_in_one_error_line(
    case: Case, results: dict[str, subprocess.CompletedProcess[str]]
):
    proc = results[case.id]
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr


def test_plot_to_an_unsupported_file_type_is_refused(world: dict[str, str]):
    proc = subprocess.run(
        [sys.executable, "-m", "narrascope", "corpus", "plot", "--store", world["store"], "-o", "chart.txt"],
        capture_output=True,
        text=True,
        cwd=world["tmp"],
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == "error: chart.txt: unsupported output type; use .png, .svg, .pdf"
    assert not (Path(world["tmp"]) / "chart.txt").exists()


def test_an_unexpected_exception_is_one_internal_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    import narrascope.taxonomy
    from narrascope.cli.entry import EXIT_INTERNAL, run

    def broken() -> None:
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr(narrascope.taxonomy, "default_taxonomy", broken)
    monkeypatch.delenv("NARRASCOPE_DEBUG", raising=False)
    assert run(["taxonomy"]) == EXIT_INTERNAL == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: internal error: KeyError: ")
    assert err.rstrip().endswith("(set NARRASCOPE_DEBUG=1 for the traceback)")
    monkeypatch.setenv("NARRASCOPE_DEBUG", "1")
    with pytest.raises(KeyError):
        run(["taxonomy"])


def test_bad_input_exceptions_exit_2_with_the_file_named(capsys: pytest.CaptureFixture[str], tmp_path: Path):
    from narrascope.cli.entry import run

    missing = tmp_path / "gold.txt"
    assert run(["evaluate", "narratives", str(missing), str(missing)]) == 2
    assert capsys.readouterr().err == f"error: {missing}: no such file or directory\n"
