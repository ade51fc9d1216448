"""Builds the FastAPI application of one server: routes, guard, static files, lifecycle."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from narrascope import __version__
from narrascope.corpus.store import CorpusStore
from narrascope.server import api, pages
from narrascope.server.config import ServerConfig
from narrascope.server.models import Health
from narrascope.server.security import Guard, Secrets
from narrascope.server.workers import AnalysisWorker


def _swagger_dir() -> Path | None:
    """Swagger UI's files as shipped by the ``fastapi-offline`` wheel (no CDN at run time)."""
    try:
        import fastapi_offline
    except ImportError:  # pragma: no cover - it is a dependency; /docs then says so
        return None
    return Path(fastapi_offline.__file__).parent / "static"


def create_app(config: ServerConfig) -> FastAPI:
    """The workspace app for ``config``; the store is created (and migrated) at startup."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        CorpusStore(config.store).close()  # creates the file, sets WAL, migrates
        app.state.readers = api.ReadConnections(config.store)
        app.state.worker = AnalysisWorker(config.store)
        try:
            yield
        finally:
            app.state.worker.close()

    app = FastAPI(
        title="narrascope workspace",
        version=__version__,
        summary="Narratives, entity framing, persuasion techniques and sourcing of news articles.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.secrets = Secrets(secrets.token_bytes(32), config.token)
    static = resources.files("narrascope.server").joinpath("static")
    app.mount("/static/app", StaticFiles(directory=str(static)), name="static")
    swagger = _swagger_dir()
    if swagger is not None:
        app.mount("/static/swagger", StaticFiles(directory=str(swagger)), name="swagger")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.get("/healthz", response_model=Health, tags=["health"])
    async def healthz(request: Request) -> Health:
        """Liveness: answers at once, even while an analysis runs (it runs on another thread)."""
        return Health(status="ok", version=__version__, loaded=request.app.state.worker.loaded())

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(pages.render_template("docs.html.j2", swagger=swagger is not None))

    app.add_middleware(Guard, config=config, secrets=app.state.secrets)
    return app
