"""``narrascope batch``: analyse a corpus into a result file and the corpus store.

Only parses options, shows progress and the summary, and maps the outcome to an exit
code; the run itself is :func:`narrascope.corpus.batch.run_batch`.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from narrascope.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_PARTIAL,
    Sensitivity,
    SensitivityOpt,
    TechniquesMode,
    TechniquesOpt,
    check_output_file,
    err,
    fail,
    require_dir,
)
from narrascope.corpus.store import DEFAULT_STORE
from narrascope.io import InputError

if TYPE_CHECKING:
    from narrascope.corpus.batch import Summary


def batch(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Folders (searched recursively for .txt/.html/.jsonl/.csv; subtask-* files skipped), "
            "or .txt/.html/.json/.jsonl/.csv files.",
            show_default=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Result file: .parquet or .jsonl.")],
    errors: Annotated[
        Path | None,
        typer.Option(help="Errors file (JSON Lines: source, id, reason). Default: OUT.errors.jsonl"),
    ] = None,
    store: Annotated[
        Path, typer.Option(help="Corpus store (SQLite) to keep the results in.")
    ] = DEFAULT_STORE,
    no_store: Annotated[bool, typer.Option("--no-store", help="Do not keep results in a store.")] = False,
    stories: Annotated[
        bool,
        typer.Option("--stories/--no-stories", help="Group the stored articles into stories after the run."),
    ] = True,
    fast: Annotated[
        bool, typer.Option("--fast", help="Lexical features only: much faster, less accurate.")
    ] = False,
    model: Annotated[
        Path | None, typer.Option(help="Narrative model directory (default: the shipped one).")
    ] = None,
    sensitivity: SensitivityOpt = Sensitivity.balanced,
    techniques: TechniquesOpt = TechniquesMode.default,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (or Dask workers of a local cluster).")
    ] = 1,
    engine: Annotated[str, typer.Option(help="'local' (processes on this machine) or 'dask'.")] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://HOST:PORT); default: a local cluster.")
    ] = None,
) -> None:
    """Analyse every article of the inputs; resumable (rerun the same command after a kill).

    Exit codes: 0 all analysed; 1 some inputs failed (see the errors file); 2 bad usage or nothing read.
    """
    from narrascope.corpus.batch import BatchOptions, count_inputs, run_batch
    from narrascope.corpus.journal import out_format
    from narrascope.corpus.runner import ENGINES
    from narrascope.util import progress

    if engine not in ENGINES:
        raise fail(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise fail("--scheduler needs --engine dask")
    if engine == "dask" and importlib.util.find_spec("distributed") is None:
        raise fail("--engine dask needs the dask extra: pip install 'narrascope[dask]'")
    # Refuse unusable paths before any work: a long run must not end in "cannot write".
    out_format(out)
    check_output_file(out)
    check_output_file(errors or out.with_name(out.name + ".errors.jsonl"))
    if not no_store:
        check_output_file(store)
    if model is not None:
        require_dir(model)  # else every article would fail, each with the same reason
    _require_some_input(inputs)
    if fast and techniques is TechniquesMode.transfer:
        raise fail("--techniques transfer needs the technique stage, which the --fast profile does not run")
    options = BatchOptions(
        inputs=inputs,
        out=out,
        errors=errors,
        store=None if no_store else store,
        profile="fast" if fast else "default",
        sensitivity=sensitivity.value,
        techniques=techniques.value,
        model_dir=model,
        workers=workers,
        engine=engine,
        scheduler=scheduler,
        stories=stories,
    )
    with progress(err, count_inputs(inputs), "batch") as advance:
        summary = run_batch(options, advance)
    _print_summary(summary, options.errors_path, out)
    if summary.rows == 0 and summary.failures:
        raise typer.Exit(EXIT_BAD_INPUT)
    if summary.failures:
        raise typer.Exit(EXIT_PARTIAL)


def _require_some_input(inputs: list[str]) -> None:
    """All INPUTs missing is a usage error (a typo), not a run with every article failed."""
    if inputs and not any(Path(spec).exists() for spec in inputs):
        raise InputError(inputs[0], "no such file or directory")


def _print_summary(summary: Summary, errors_path: Path, out: Path) -> None:
    rate = summary.analysed / summary.seconds if summary.seconds else 0.0
    err.print(
        f"{summary.rows} article(s) in {out} ({summary.analysed} analysed, {summary.reused} already done, "
        f"{summary.duplicates} duplicate(s) skipped), {len(summary.failures)} failure(s), "
        f"{summary.seconds:.1f} s ({rate:.2f} articles/s)",
        markup=False,
    )
    if summary.story_articles:
        err.print(
            f"stories: {summary.story_articles} article(s) assigned to {summary.stories_touched} "
            f"story(ies) in {summary.story_seconds:.1f} s; see 'narrascope corpus stories'"
        )
    if summary.languages:
        table = Table(title="articles per language", title_justify="left")
        table.add_column("language")
        table.add_column("articles", justify="right")
        for code, n in sorted(summary.languages.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(code, str(n))
        err.print(table)
    if summary.failures:
        err.print(f"[bold red]{len(summary.failures)} failure(s)[/], listed in {escape(str(errors_path))}:")
        for failure in summary.failures[:10]:
            err.print(f"  {failure.source}: {failure.reason}", markup=False)
        if len(summary.failures) > 10:
            err.print(f"  … and {len(summary.failures) - 10} more")
