"""Pieces every command module shares: consoles, exit codes, option types, how errors and
prediction files are finished, and the up-front check of output paths.

Exit codes (README, *Exit codes*): 0 ok; 1 a multi-input command finished but some
inputs failed; 2 bad input or usage; 3 an internal error (a bug), see ``cli.entry``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from narrascope.io import InputError
from narrascope.util import atomic_write_text

EXIT_OK, EXIT_PARTIAL, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 1, 2, 3

out = Console()
# soft_wrap: an error line must stay one line whatever the terminal width.
err = Console(stderr=True, soft_wrap=True, highlight=False)

ProfileOpt = Annotated[
    bool, typer.Option("--fast", help="Lexical features only: ~50x faster, less accurate.")
]


class Sensitivity(StrEnum):
    """The narrative operating points (``models.narratives.SENSITIVITIES``)."""

    low = "low"
    balanced = "balanced"
    high = "high"


SensitivityOpt = Annotated[
    Sensitivity,
    typer.Option(
        "--sensitivity",
        help="Narrative operating point: low (fewer, surer findings), balanced, high (more leads). "
        "See docs/BENCHMARKS.md for each level's precision and recall per language.",
        case_sensitive=False,
    ),
]


class TechniquesMode(StrEnum):
    """Technique output where no technique model is trained (``pipeline.components.techniques.MODES``)."""

    default = "default"
    transfer = "transfer"


TechniquesOpt = Annotated[
    TechniquesMode,
    typer.Option(
        "--techniques",
        help="'default': technique findings only where a model is trained and evaluated (en; bg/pl/ru "
        "with the segment model); 'transfer': also the untested transfer model's spans in other languages, "
        "each marked untested.",
        case_sensitive=False,
    ),
]
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Narrative model directory (default: the shipped one).")
]
DocsOpt = Annotated[
    Path | None, typer.Option("--docs", help="Folder of the articles: adds a per-language breakdown.")
]
ScoresJsonOpt = Annotated[bool, typer.Option("--json", help="Print scores as JSON.")]
CacheOpt = Annotated[Path | None, typer.Option(help="Embedding cache (content-keyed SQLite).")]
FoldsOpt = Annotated[int, typer.Option(min=0, help="Cross-validation folds (0 = skip CV).")]
FeedbackOpt = Annotated[
    Path | None,
    typer.Option(
        help="Corpus store with analyst feedback: corrected articles are added to the training data "
        "(replacing a training article with the same id or text)."
    ),
]


def print_error(message: object) -> None:
    """``error: <message>`` on stderr, on one line (rich markup in the message is not interpreted)."""
    err.print(f"[bold red]error:[/] {escape(one_line(str(message)))}")


def fail(message: object, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print ``message`` as an error and return the ``typer.Exit`` to raise."""
    print_error(message)
    return typer.Exit(code)


def one_line(text: str, limit: int = 500) -> str:
    """Collapse whitespace (line breaks included) so a message is one line, at most ``limit`` chars."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def exit_for_inputs(succeeded: int, failures: Sequence[object]) -> None:
    """List unreadable inputs, one ``error:`` line each; exit 2 if nothing succeeded, 1 if some did."""
    for failure in failures:
        print_error(failure)
    if failures:
        raise typer.Exit(EXIT_PARTIAL if succeeded else EXIT_BAD_INPUT)


def finish_predictions(
    output: Path, lines: Sequence[str], summary: str, failures: Sequence[InputError], succeeded: int
) -> None:
    """Write ``lines`` atomically, say what was written, list unreadable inputs.

    When some inputs could not be read, exits with ``EXIT_PARTIAL`` (the file holds every
    readable article, the listed ones are missing from it), or ``EXIT_BAD_INPUT`` when
    none of the ``succeeded + len(failures)`` inputs could be.
    """
    atomic_write_text(output, "".join(line + "\n" for line in lines))
    err.print(f"wrote {escape(summary)} to {escape(str(output))}")
    if failures:
        err.print(f"[bold red]{len(failures)} file(s) could not be read:[/]")
        for failure in failures:
            err.print(f"  {escape(str(failure))}")
        raise typer.Exit(EXIT_PARTIAL if succeeded else EXIT_BAD_INPUT)


def check_output_file(path: Path, suffixes: Iterable[str] | None = None) -> None:
    """Refuse an output file that cannot be written, before any work is done.

    ``suffixes`` lists the accepted extensions (lower case, with the dot). Raises
    :class:`InputError` naming the path: a long run must not end in "cannot write".
    """
    allowed = tuple(suffixes or ())
    if allowed and path.suffix.lower() not in allowed:
        raise InputError(str(path), f"unsupported output type; use {', '.join(allowed)}")
    if path.is_dir():
        raise InputError(str(path), "is a directory, expected a file")
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(str(path), "permission denied")
    _check_creatable(path.parent, str(path))


def require_dir(path: Path) -> None:
    """Refuse a missing input folder up front with a one-line :class:`InputError`."""
    if not path.is_dir():
        raise InputError(str(path), "no such directory" if not path.exists() else "not a directory")


def check_output_dir(path: Path) -> None:
    """Refuse an output folder that is a file or cannot be created, before any work is done."""
    if path.exists() and not path.is_dir():
        raise InputError(str(path), "not a directory")
    _check_creatable(path, str(path))


def _check_creatable(folder: Path, label: str) -> None:
    # The outputs are written with parents created (util.atomic_write_*), so what matters
    # is the nearest folder that exists: it must be a writable directory.
    existing = folder.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(label, f"cannot create a folder under {existing}: it is a file")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise InputError(label, f"permission denied (cannot write in {existing})")
