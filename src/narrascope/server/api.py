"""The REST API under ``/api/v1``: analyse (JSON, file or URL), list and get stored articles,
feedback, stats, trends, taxonomy.

Handlers only translate HTTP to library calls: articles come from ``io`` readers,
analyses from the worker (``workers``), rows from ``corpus.queries``. Errors keep
FastAPI's shape ``{"detail": [{"loc": [...], "msg": ...}]}`` so a 422 names the field.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path, PurePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from narrascope.corpus import feedback, queries
from narrascope.corpus.store import CorpusStore
from narrascope.io import (
    FetchPolicy,
    InputError,
    article_from_text,
    fetch_article,
    is_url,
    parse_record,
    read_bytes,
)
from narrascope.pipeline.analyzer import ArticleTooLongError
from narrascope.schema import Analysis, Article, ArticleFeedback, FeedbackItem
from narrascope.server.models import (
    AnalyseRequest,
    AnalyseUrlRequest,
    ArticlePage,
    ArticleSummary,
    CooccurringNarrative,
    EntityProfile,
    EntityRole,
    EntityRow,
    FeedbackRequest,
    NarrativeProfile,
    RankedEntity,
    Series,
    StatsResponse,
    StoryArticle,
    StorySummary,
    TrendResponse,
)
from narrascope.server.workers import AnalysisWorker, ProfileName, SensitivityName, TechniquesName
from narrascope.taxonomy import Domain, default_taxonomy

router = APIRouter(prefix="/api/v1")

UPLOAD_KINDS = {".txt": "txt", ".html": "html", ".htm": "html", ".json": "json"}
"""Upload extensions and the ``io`` reader each goes to; anything else is 415."""
MAX_PAGE = 500


def field_error(loc: list[str | int], message: str, status: int = 422) -> HTTPException:
    """An error naming the request field it is about, in FastAPI's validation-error shape."""
    return HTTPException(status, detail=[{"loc": loc, "msg": message, "type": "value_error"}])


def worker(request: Request) -> AnalysisWorker:
    return request.app.state.worker  # type: ignore[no-any-return]


class ReadConnections:
    """One read-only store connection per server thread, opened once and kept (with
    SQLite's default 2 MB page cache: the thread pool has up to 40 threads).

    Why: opening a connection per request re-reads the schema and starts with a cold page
    cache, which cost more than the queries themselves under load. sqlite3 connections
    stay in the thread that opened them; in WAL mode a reader that is between statements
    holds no snapshot, so kept connections never block ``batch`` or the analyse worker.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def get(self) -> CorpusStore:
        store: CorpusStore | None = getattr(self._local, "store", None)
        if store is None:
            store = CorpusStore(self.path, readonly=True)
            store.db.execute("PRAGMA query_only = ON")
            self._local.store = store
        return store


@contextmanager
def open_store(request: Request) -> Iterator[CorpusStore]:
    """This thread's read-only connection to the server's store (kept open, see ReadConnections)."""
    pool: ReadConnections | None = getattr(request.app.state, "readers", None)
    if pool is None:
        pool = request.app.state.readers = ReadConnections(request.app.state.config.store)
    yield pool.get()


async def run_analysis(
    request: Request,
    article: Article,
    profile: ProfileName,
    sensitivity: SensitivityName,
    techniques: TechniquesName = "default",
) -> Analysis:
    try:
        return await worker(request).analyse(article, profile, sensitivity, techniques)
    except ArticleTooLongError as error:
        raise HTTPException(413, detail=str(error)) from None


def article_from_request(body: AnalyseRequest) -> Article:
    """The JSON body as an ``Article``, through the record reader that ``batch`` uses."""
    record: dict[str, Any] = body.model_dump(
        exclude={"profile", "sensitivity", "techniques"}, exclude_none=True
    )
    record.setdefault("id", "web-" + Article(id="-", content=body.text).content_sha256[:12])
    if body.published is not None:
        record["published"] = body.published.isoformat()
    try:
        article = parse_record(record, "api")
    except InputError as error:
        raise field_error(["body", _field_of(error.reason)], error.reason) from None
    if body.title is None:  # untitled text reads like a .txt file: the first line is the title
        article = article.model_copy(update={"title": article_from_text(body.text, id=article.id).title})
    return article


def _field_of(reason: str) -> str:
    """The field an ``InputError`` of ``parse_record`` is about (its messages quote it)."""
    for name in ("id", "text", "title", "url", "outlet", "published", "language"):
        if f"'{name}'" in reason:
            return name
    return "text"


def article_from_upload(data: bytes, filename: str, max_bytes: int) -> Article:
    """The one article of an uploaded .txt/.html/.json file; the name is only an id."""
    name = PurePath(filename.replace("\\", "/")).name or "upload"
    kind = UPLOAD_KINDS.get(PurePath(name).suffix.lower())
    if kind is None:
        raise HTTPException(
            415, detail=f"unsupported file type {PurePath(name).suffix or '(none)'}; use .txt, .html or .json"
        )
    if not data.strip():
        raise field_error(["body", "file"], "the file is empty")
    items = list(read_bytes(data, kind, name, f"upload:{name}", max_bytes))
    errors = [str(item) for item in items if isinstance(item, InputError)]
    articles = [item for item in items if isinstance(item, Article)]
    if errors:
        raise field_error(["body", "file"], errors[0])
    if len(articles) != 1:
        raise field_error(
            ["body", "file"], f"the file holds {len(articles)} articles; upload one (batch reads many)"
        )
    return articles[0]


@router.post("/analyse", response_model=Analysis, tags=["analyse"])
async def analyse(request: Request, body: AnalyseRequest) -> Analysis:
    """Analyse one article given as JSON and save the result to the store."""
    article = article_from_request(body)
    return await run_analysis(request, article, body.profile, body.sensitivity, body.techniques)


@router.post("/analyse/file", response_model=Analysis, tags=["analyse"])
async def analyse_file(
    request: Request,
    file: Annotated[UploadFile, File(description="A .txt (title on line 1), .html page or .json record.")],
    profile: Annotated[ProfileName, Form()] = "default",
    sensitivity: Annotated[SensitivityName, Form()] = "balanced",
    techniques: Annotated[TechniquesName, Form()] = "default",
) -> Analysis:
    """Analyse one uploaded article file and save the result to the store."""
    data = await file.read()
    article = article_from_upload(data, file.filename or "upload", request.app.state.config.max_upload)
    return await run_analysis(request, article, profile, sensitivity, techniques)


_CALLER_FAULTS = ("refused:", "only http", "invalid URL", "URL has no host")


async def article_from_url(request: Request, url: str) -> Article:
    """The article of a web page, fetched off the event loop with the server's fetch policy.

    A URL the policy refuses (scheme, private address) is the caller's fault (422 naming
    ``url``); a page that cannot be fetched or read is the remote server's (502).
    """
    if not is_url(url.strip()):
        raise field_error(["body", "url"], "give an http:// or https:// URL")
    config = request.app.state.config
    policy = FetchPolicy(timeout=config.fetch_timeout, max_bytes=config.max_upload,
                         allow_private=config.allow_private_urls)  # fmt: skip
    try:
        return await run_in_threadpool(fetch_article, url.strip(), policy)
    except InputError as error:
        if error.reason.startswith(_CALLER_FAULTS):
            raise field_error(["body", "url"], error.reason) from None
        raise HTTPException(502, detail=f"could not fetch {error.source}: {error.reason}") from None


@router.post("/analyse/url", response_model=Analysis, tags=["analyse"])
async def analyse_url(request: Request, body: AnalyseUrlRequest) -> Analysis:
    """Fetch a web page, extract its article as ``batch`` does for saved pages, analyse and save it."""
    article = await article_from_url(request, body.url)
    return await run_analysis(request, article, body.profile, body.sensitivity, body.techniques)


def article_filter(
    narrative: str | None = None,
    language: str | None = None,
    outlet: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Full-text search of title and text: every word must occur (word* for a prefix), "
            "or an exact article id.",
        ),
    ] = None,
    entity: str | None = None,
    role: Literal["Protagonist", "Antagonist", "Innocent"] | None = None,
) -> queries.ArticleFilter:
    return queries.ArticleFilter(narrative, language, outlet, since, until, q, entity, role)


@router.get("/articles", response_model=ArticlePage, tags=["corpus"])
def list_articles(
    request: Request,
    f: Annotated[queries.ArticleFilter, Depends(article_filter)],
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ArticlePage:
    """Stored articles matching every filter given, newest first."""
    with open_store(request) as store:
        total, rows = queries.list_articles(store, f, limit, offset)
    return ArticlePage(total=total, limit=limit, offset=offset, items=[ArticleSummary(**r) for r in rows])


def stored(store: CorpusStore, article_id: str, sha256: str | None) -> Analysis:
    raw = queries.stored_analysis(store, article_id, sha256)
    if raw is None:
        raise HTTPException(404, detail=f"no stored article {article_id!r}")
    return Analysis.model_validate_json(raw)


def save_feedback(
    request: Request,
    article_id: str,
    sha256: str | None,
    items: list[FeedbackItem],
    author: str,
    text: str | None,
) -> ArticleFeedback:
    """Record decisions on a stored article; a bad one is a 422 naming its field."""
    with CorpusStore(request.app.state.config.store) as store:
        analysis = stored(store, article_id, sha256)
        try:
            feedback.record(store, analysis, items, author, text)
        except feedback.FeedbackError as error:
            loc = [int(part) if part.isdigit() else part for part in error.field.split(".")]
            raise field_error(["body", *loc], str(error)) from None
        return feedback.article_feedback(store, analysis)


# Declared before ``/articles/{id}``: its ``path`` parameter would swallow ``/feedback``.
@router.get("/articles/{article_id:path}/feedback", response_model=ArticleFeedback, tags=["feedback"])
def get_feedback(request: Request, article_id: str, sha256: str | None = None) -> ArticleFeedback:
    """The analyst's decisions on a stored article, those in force, and the corrected labels."""
    with open_store(request) as store:
        return feedback.article_feedback(store, stored(store, article_id, sha256))


@router.post("/articles/{article_id:path}/feedback", response_model=ArticleFeedback, tags=["feedback"])
def post_feedback(request: Request, article_id: str, body: FeedbackRequest) -> ArticleFeedback:
    """Confirm, reject or add narratives, sub-narratives and entity roles of a stored article.

    Decisions are appended with the author and the time (UTC); the latest on a target wins.
    """
    return save_feedback(request, article_id, body.content_sha256, body.items, body.author, body.text)


@router.get("/articles/{article_id:path}", response_model=Analysis, tags=["corpus"])
def get_article(request: Request, article_id: str, sha256: str | None = None) -> Analysis:
    """The stored analysis of one article (its latest unless ``sha256`` names the content)."""
    with open_store(request) as store:
        return stored(store, article_id, sha256)


Dimension = Literal["narrative", "subnarrative", "language", "outlet", "domain"]


@router.get("/stats", response_model=StatsResponse, tags=["corpus"])
def stats(
    request: Request,
    by: Annotated[list[Dimension], Query()] = ["narrative"],  # noqa: B006 - FastAPI copies defaults
    since: datetime | None = None,
) -> StatsResponse:
    """Articles per narrative, language, outlet… (``narrascope corpus stats``)."""
    with open_store(request) as store:
        total, rows = queries.stats(store, list(by), since)
    return StatsResponse(articles=total, by=list(by), rows=rows)


@router.get("/trend", response_model=TrendResponse, tags=["corpus"])
def trend(
    request: Request,
    by: Dimension = "narrative",
    over: Literal["day", "week", "month"] = "week",
    since: datetime | None = None,
) -> TrendResponse:
    """Dated articles per period and label (the data of ``narrascope corpus plot``)."""
    with open_store(request) as store:
        data = queries.trend(store, by, over, since)
    return TrendResponse(
        by=by,
        over=over,
        periods=data.periods,
        totals=data.totals,
        series=data.series,
        undated=data.undated,
        sparse_below=queries.SPARSE_PERIOD,
        sparse_periods=data.sparse,
    )


@router.get("/entities", response_model=list[EntityRow], tags=["corpus"])
def entities(
    request: Request,
    role: Literal["Protagonist", "Antagonist", "Innocent"] | None = None,
    top: Annotated[int, Query(ge=1, le=200)] = 20,
    since: datetime | None = None,
) -> list[EntityRow]:
    """Entities most often cast in a role (``narrascope corpus entities``)."""
    with open_store(request) as store:
        rows = queries.entities(store, role, top, since)
    return [EntityRow(**row) for row in rows]


def _series(trend: queries.Trend, over: Literal["day", "week", "month"]) -> Series:
    return Series(
        over=over, periods=trend.periods, totals=trend.totals, series=trend.series, undated=trend.undated
    )


def narrative_profile(
    store: CorpusStore, label: str, over: Literal["day", "week", "month"]
) -> NarrativeProfile:
    data = queries.narrative_profile(store, label)
    if data is None:
        raise HTTPException(404, detail=f"no stored article pushes {label!r}")
    totals = queries.period_totals(store, over)
    periods = sorted(totals)
    counts, undated = queries.narrative_trend(store, label, over)
    series = Series(
        over=over,
        periods=periods,
        totals=[totals[p] for p in periods],
        series={label: [counts.get(p, 0) for p in periods]},
        undated=undated,
    )
    return NarrativeProfile(
        label=data["label"],
        parent=data["parent"],
        articles=data["articles"],
        total=data["total"],
        trend=series,
        cooccurring=[CooccurringNarrative(**row) for row in data["cooccurring"]],
        entities={role: [RankedEntity(**r) for r in rows] for role, rows in data["entities"].items()},
    )


def entity_profile(store: CorpusStore, name: str, over: Literal["day", "week", "month"]) -> EntityProfile:
    data = queries.entity_profile(store, name)
    if data is None:
        raise HTTPException(404, detail=f"no stored article frames an entity named {name!r}")
    return EntityProfile(
        entity=data["entity"],
        key=data["key"],
        articles=data["articles"],
        mentions=data["mentions"],
        roles=[EntityRole(**row) for row in data["roles"]],
        cooccurring=[CooccurringNarrative(**row) for row in data["cooccurring"]],
        trend=_series(queries.entity_trend(store, name, over), over),
    )


@router.get("/narratives/{label:path}", response_model=NarrativeProfile, tags=["corpus"])
def narrative(
    request: Request, label: str, over: Literal["day", "week", "month"] = "week"
) -> NarrativeProfile:
    """One narrative or sub-narrative across the store (its articles: ``/articles?narrative=``)."""
    with open_store(request) as store:
        return narrative_profile(store, label, over)


@router.get("/entities/{name:path}", response_model=EntityProfile, tags=["corpus"])
def entity(request: Request, name: str, over: Literal["day", "week", "month"] = "week") -> EntityProfile:
    """One entity across the store, with the sentence that shows each role (its articles:
    ``/articles?entity=``)."""
    with open_store(request) as store:
        return entity_profile(store, name, over)


@router.get("/taxonomy", response_model=list[Domain], tags=["taxonomy"])
def taxonomy() -> list[Domain]:
    """The domains, narratives and sub-narratives with their descriptions."""
    tax = default_taxonomy()
    return [tax.domains[code] for code in sorted(tax.domains)]


@router.get("/stories", response_model=list[StorySummary], tags=["corpus"])
def list_stories(
    request: Request,
    since: datetime | None = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    top: Annotated[int, Query(ge=1, le=500)] = 20,
) -> list[StorySummary]:
    """Stories, largest first (``narrascope corpus stories --json``)."""
    from narrascope.corpus import stories

    with open_store(request) as store:
        rows = stories.story_summaries(store, since=since, language=language, top=top)
    return [StorySummary.model_validate(row) for row in rows]


@router.get("/stories/{story}", response_model=list[StoryArticle], tags=["corpus"])
def get_story(request: Request, story: str) -> list[StoryArticle]:
    """One story's articles in publication order (``narrascope corpus story ID --json``)."""
    from dataclasses import asdict

    from narrascope.corpus import stories

    with open_store(request) as store:
        members = stories.story_timeline(store, story)
    if not members:
        raise HTTPException(404, detail=f"no story {story!r}")
    return [StoryArticle.model_validate(asdict(m)) for m in members]
