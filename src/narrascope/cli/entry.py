"""The ``narrascope`` entry point: runs the command tree so that every failure ends in one line.

Usage errors (click), bad input (``InputError``, ``ValueError``, ``OSError``, a store or a
model that cannot be used, …) print ``error: <message>`` on stderr and exit 2. Anything
else is a bug: one line ``error: internal error: <Type>: <message> (set NARRASCOPE_DEBUG=1
for the traceback)`` and exit 3, so scripts can tell "fix your input" from "report this".
With ``NARRASCOPE_DEBUG=1`` the exception propagates with its traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import Any

import typer

from narrascope.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, EXIT_OK, err, print_error

try:  # recent typer vendors click as typer._click; older versions use click itself
    from typer._click import exceptions as _click_errors  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as _click_errors  # type: ignore[no-redef,unused-ignore]

DEBUG_ENV = "NARRASCOPE_DEBUG"
# Names that differ between versions: "aborted" (e.g. Ctrl-D at a prompt) lives in typer or
# in click; "no arguments, show the help" is an exception only since click 8.2.
_ABORTS: tuple[type[BaseException], ...] = tuple(
    kind for kind in (getattr(typer, "Abort", None), getattr(_click_errors, "Abort", None)) if kind
)
_NO_ARGS_IS_HELP: tuple[type[BaseException], ...] = tuple(
    kind for kind in (getattr(_click_errors, "NoArgsIsHelpError", None),) if kind
)


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``narrascope`` with ``argv`` (default ``sys.argv[1:]``) and exit with its code."""
    sys.exit(run(argv))


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command tree and return the exit code instead of raising."""
    from narrascope.cli.app import app

    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="narrascope", standalone_mode=False)
    except _NO_ARGS_IS_HELP as error:
        # A group called without a sub-command: its help is the answer (as in standalone mode).
        ctx = getattr(error, "ctx", None)
        err.print(ctx.get_help() if ctx is not None else str(error), markup=False, highlight=False)
        return EXIT_BAD_INPUT
    except _click_errors.ClickException as error:
        print_error(_usage_message(error))
        return EXIT_BAD_INPUT
    except _ABORTS:
        print_error("aborted")
        return EXIT_BAD_INPUT
    except Exception as error:
        if os.environ.get(DEBUG_ENV, "") not in ("", "0"):
            raise
        return _report(error)
    # standalone_mode=False returns the code of a typer.Exit, or the command's return value.
    return result if isinstance(result, int) else EXIT_OK


def _usage_message(error: Any) -> str:
    message = str(error.format_message())
    ctx = getattr(error, "ctx", None)
    if isinstance(error, _click_errors.UsageError) and ctx is not None:
        return f"{message} (see '{ctx.command_path} --help')"
    return message


def _report(error: Exception) -> int:
    if is_bad_input(error):
        print_error(describe(error))
        return EXIT_BAD_INPUT
    print_error(f"internal error: {type(error).__name__}: {error} (set {DEBUG_ENV}=1 for the traceback)")
    return EXIT_INTERNAL


def is_bad_input(error: BaseException) -> bool:
    """Whether ``error`` means the input or the usage is wrong (exit 2) rather than a bug."""
    from narrascope.corpus.store import StoreError
    from narrascope.io import InputError
    from narrascope.models.base import NotFittedError

    # ValueError covers the library's own (TaxonomyError, LabelFileError, pydantic's
    # ValidationError, JSON and Unicode decoding errors); OSError covers missing,
    # unreadable and unwritable files and unreachable servers.
    return isinstance(error, InputError | ValueError | OSError | StoreError | NotFittedError)


def describe(error: BaseException) -> str:
    """A one-line message; OS errors name the file as ``path: reason`` like ``InputError``."""
    if isinstance(error, OSError) and error.strerror:
        reason = error.strerror[0].lower() + error.strerror[1:]
        return f"{error.filename}: {reason}" if error.filename is not None else reason
    return str(error) or type(error).__name__
