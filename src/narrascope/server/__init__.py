"""Server stage: the analyst's workspace, one FastAPI app serving a web UI and a REST API.

This package owns everything HTTP: the versioned REST API under ``/api/v1`` (``api``)
and its request/response models (``models``: wrappers only, the payload is always the
``schema`` models the CLI prints), the server-rendered pages of the web UI (``pages``,
``render``, ``templates/``, ``static/``), the security layer (``security``: loopback by
default, bearer token or session cookie, CSRF, size limits, Content-Security-Policy,
allowed hosts) and the worker that runs analyses off the event loop with one lazily
built ``Analyzer`` per profile and sensitivity (``workers``). It never analyses text
itself (``pipeline``), never writes SQL (``corpus.queries`` and ``corpus.store`` do),
never parses input files (``io``), and never treats a request parameter as a file path:
the only file it opens is the store given on the command line.
"""

from __future__ import annotations

from narrascope.server.app import create_app
from narrascope.server.config import ServerConfig

__all__ = ["ServerConfig", "create_app"]
