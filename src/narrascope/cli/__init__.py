"""CLI stage: the ``narrascope`` command (typer), its terminal reports and exit codes.

Owns argument parsing, progress display, the readable terminal report and the
mapping of errors to exit codes (0 ok, 1 some inputs failed in a multi-input command,
2 bad input or usage, 3 internal error). ``app`` builds the command tree from one
module per task; ``entry.main`` runs it so that every failure ends in one line. It
serialises only ``schema`` models and delegates all work to ``io``, ``pipeline``,
``models``, ``eval`` and ``corpus``.
"""

from narrascope.cli.app import app
from narrascope.cli.entry import main

__all__ = ["app", "main"]
