"""CLI stage: the ``narrascope`` command (typer), its terminal reports and exit codes.

Owns argument parsing, progress display, the readable terminal report and the
mapping of errors to exit codes (0 ok, 1 some inputs failed in a batch command,
2 bad input or usage). It serialises only ``schema`` models and delegates all work
to ``io``, ``pipeline``, ``models`` and ``eval``.
"""

from narrascope.cli.app import app, main

__all__ = ["app", "main"]
