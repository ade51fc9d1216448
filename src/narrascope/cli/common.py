"""Pieces every command module shares: exit codes and how prediction files are finished."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import typer
from rich.console import Console

from narrascope.io import InputError
from narrascope.util import atomic_write_text

EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT = 0, 1, 2


def finish_predictions(
    output: Path, lines: Sequence[str], summary: str, failures: Sequence[InputError], err: Console
) -> None:
    """Write ``lines`` atomically, say what was written, list unreadable inputs.

    Exits with ``EXIT_PARTIAL`` when some inputs could not be read: the file holds
    every readable article, and the listed ones are missing from it.
    """
    atomic_write_text(output, "".join(line + "\n" for line in lines))
    err.print(f"wrote {summary} to {output}")
    if failures:
        err.print(f"[bold red]{len(failures)} file(s) could not be read:[/]")
        for failure in failures:
            err.print(f"  {failure}", highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_PARTIAL)
