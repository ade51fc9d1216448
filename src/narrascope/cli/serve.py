"""``narrascope serve``: start the analyst's workspace (web UI and REST API) on uvicorn.

Only checks the options and starts the server; the application is
:func:`narrascope.server.create_app`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from narrascope.cli.common import check_output_file, err, fail
from narrascope.corpus.store import DEFAULT_STORE
from narrascope.server.config import DEFAULT_MAX_UPLOAD, TOKEN_ENV, ConfigError, ServerConfig, token_from_env


def serve(
    store: Annotated[
        Path, typer.Option(help="Corpus store: analyses are saved here, the dashboard reads it.")
    ] = (DEFAULT_STORE),
    host: Annotated[
        str, typer.Option(help="Address to listen on. Anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port.")] = 8000,
    token: Annotated[
        str | None,
        typer.Option(
            help=f"Bearer token required by the API and the UI (default: ${TOKEN_ENV}).", show_default=False
        ),
    ] = None,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", min=0.001, help="Largest upload or request body, in MB.")
    ] = DEFAULT_MAX_UPLOAD / 1024 / 1024,
    allow_private_urls: Annotated[
        bool,
        typer.Option(
            "--allow-private-urls",
            help="Let 'analyse a URL' fetch loopback and private-network pages (refused by default).",
        ),
    ] = False,
) -> None:
    """Start the workspace: a web UI to analyse articles and explore the corpus, and a REST API."""
    import uvicorn

    from narrascope.server import create_app

    try:
        config = ServerConfig(
            store=store,
            host=host,
            port=port,
            token=token_from_env(token),
            max_upload=int(max_upload_mb * 1024 * 1024),
            allow_private_urls=allow_private_urls,
        )
    except ConfigError as error:
        raise fail(error) from None
    _check_store(store)
    app = create_app(config)
    # The analysis thread is CPU-bound Python; with the default 5 ms GIL switch interval every
    # page or query waits up to 5 ms at each of its many GIL hand-overs (event loop, thread
    # pool, SQLite calls). 0.5 ms keeps queries responsive while analyses run (BENCHMARKS).
    sys.setswitchinterval(0.0005)
    auth = " (token required)" if config.token else ""
    err.print(f"narrascope workspace on {escape(config.url)}{auth} · API docs {escape(config.url)}docs")
    err.print(f"store: {escape(str(store))} · Ctrl-C stops")
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


def _check_store(store: Path) -> None:
    """Fail now, in one line, if the store cannot be created or is not a narrascope store:
    a server that starts and then fails on the first request helps nobody."""
    from narrascope.corpus.store import CorpusStore

    check_output_file(store)
    CorpusStore(store).close()  # creates or migrates it; StoreError is a one-line exit 2
