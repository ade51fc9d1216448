"""The web UI: server-rendered pages (Jinja2, autoescaped) for analysing and for the corpus.

Pages call the same functions as the API (``api`` helpers, ``corpus.queries``) and only
add HTML. Forms carry a CSRF token; article text is untrusted and always escaped by the
templates (no ``|safe`` on it anywhere). Charts are inline SVG drawn by ``render`` and
each has its data as CSV at ``/corpus/data/<name>.csv``.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from functools import cache
from typing import Annotated, Any
from urllib.parse import quote, unquote, urlencode

from fastapi import APIRouter, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError

from narrascope import __version__
from narrascope.corpus import feedback, queries
from narrascope.schema import Analysis, Article, ArticleFeedback, FeedbackItem, FeedbackRecord
from narrascope.server import render
from narrascope.server.api import (
    article_from_request,
    article_from_upload,
    article_from_url,
    entity_profile,
    field_error,
    narrative_profile,
    open_store,
    run_analysis,
    save_feedback,
)
from narrascope.server.models import AnalyseRequest
from narrascope.server.security import SESSION_COOKIE, Secrets
from narrascope.server.workers import ProfileName, SensitivityName, TechniquesName
from narrascope.taxonomy import OTHER, default_taxonomy
from narrascope.taxonomy.roles import entity_roles

router = APIRouter(include_in_schema=False)
AUTHOR_COOKIE = "narrascope_author"  # remembers the name the analyst signs decisions with
PAGE_SIZE = 25
TOP_SERIES = 5


@cache
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("narrascope.server", "templates"), autoescape=select_autoescape(default=True)
    )
    env.globals["version"] = __version__
    return env


def render_template(name: str, **context: Any) -> str:
    return _env().get_template(name).render(**context)


def narrative_url(label: str) -> str | None:
    """The page of a narrative (None for the 'Other' bucket, which has none)."""
    return None if label == queries.OTHER else "/corpus/narrative?" + urlencode({"label": label})


def entity_url(name: str) -> str:
    return "/corpus/entity?" + urlencode({"name": name})


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    secrets: Secrets = request.app.state.secrets
    html = render_template(
        name,
        csrf=secrets.csrf,
        auth=bool(secrets.token),
        narrative_url=narrative_url,
        entity_url=entity_url,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _check_csrf(request: Request, token: str) -> None:
    if not request.app.state.secrets.check_csrf(token):
        raise HTTPException(403, detail="form expired or not from this workspace: reload the page")


# --------------------------------------------------------------------------- analyse


@router.get("/")
def analyse_form(request: Request) -> HTMLResponse:
    return page(request, "analyse.html.j2", form={}, error=None)


@router.post("/analyse")
async def analyse_submit(
    request: Request,
    csrf: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    title: Annotated[str, Form()] = "",
    profile: Annotated[ProfileName, Form()] = "default",
    sensitivity: Annotated[SensitivityName, Form()] = "balanced",
    techniques: Annotated[TechniquesName, Form()] = "default",
    file: UploadFile | None = None,
    url: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Analyse pasted text, an uploaded file or a web page; show it marked (and keep it in the store)."""
    _check_csrf(request, csrf)
    form = {"text": text, "title": title, "profile": profile, "sensitivity": sensitivity, "url": url}
    form["techniques"] = techniques
    try:
        article = await _form_article(request, text, title, file, url)
        analysis = await run_analysis(request, article, profile, sensitivity, techniques)
    except HTTPException as error:
        return page(request, "analyse.html.j2", error.status_code, form=form, error=_message(error.detail))
    return _article_page(request, analysis, article.content)


async def _form_article(
    request: Request, text: str, title: str, file: UploadFile | None, url: str = ""
) -> Article:
    if url.strip():
        return await article_from_url(request, url)
    if file is not None and file.filename:
        data = await file.read()
        return article_from_upload(data, file.filename, request.app.state.config.max_upload)
    if not text.strip():
        raise field_error(["body", "text"], "paste an article, choose a file or give a URL")
    return article_from_request(AnalyseRequest(text=text, title=title.strip() or None))


def _message(detail: Any) -> str:
    if isinstance(detail, list) and detail and isinstance(detail[0], dict):
        return "; ".join(f"{'.'.join(map(str, d.get('loc', [])[1:]))}: {d.get('msg', '')}" for d in detail)
    return str(detail)


def _article_page(request: Request, analysis: Analysis, content: str | None) -> HTMLResponse:
    with open_store(request) as store:
        fb = feedback.article_feedback(store, analysis)
    if content is None:  # a stored article: its text is known once someone gave feedback on it
        content = fb.corrected.text
    return page(
        request,
        "article.html.j2",
        a=analysis,
        pieces=render.pieces(analysis, content) if content is not None else [],
        legend=render.legend(),
        techniques=render.technique_view(analysis.techniques) if analysis.techniques else None,
        technique_class=render.technique_class,
        sourcing=render.SOURCING,
        review=_review(analysis, fb),
        send_text=content if fb.corrected.text is None else None,
        author=unquote(request.cookies.get(AUTHOR_COOKIE, "")),
    )


def _review(analysis: Analysis, fb: ArticleFeedback) -> dict[str, Any]:
    """What the page shows of the analyst's decisions: the one in force per finding, the
    added findings, and the taxonomy to add from."""
    status: dict[tuple[Any, ...], FeedbackRecord] = {}
    for r in fb.current:
        status[(r.kind, r.label, r.entity, r.start, r.end)] = r
    shown: set[tuple[Any, ...]] = set()
    narratives = [] if analysis.other else analysis.narratives
    shown.add(("narrative", OTHER, None, None, None))
    for n in narratives:
        shown.add(("narrative", n.label, None, None, None))
        shown.update(("subnarrative", s.label, None, None, None) for s in n.subnarratives)
    spans = {}
    for e in analysis.entities or []:
        m = feedback.representative_mention(e)
        spans[e.name] = (m.start, m.end)
        shown.update(("role", f, e.name, m.start, m.end) for f in e.fine_roles)
    tax = default_taxonomy()
    roles = entity_roles()
    return {
        "status": status,
        "spans": spans,
        "added": [r for r in fb.current if r.decision != "reject" and target(r) not in shown],
        "corrected": fb.corrected,
        "decisions": len(fb.history),
        "taxonomy": tax.narratives(),
        "roles": [(main, roles.fine_of(main)) for main in roles.main_roles],
    }


def target(r: FeedbackRecord) -> tuple[Any, ...]:
    return (r.kind, r.label, r.entity, r.start, r.end)


@router.post("/articles/{article_id:path}/feedback")
def feedback_submit(
    request: Request,
    article_id: str,
    csrf: Annotated[str, Form()] = "",
    sha256: Annotated[str, Form()] = "",
    author: Annotated[str, Form()] = "",
    act: Annotated[str, Form()] = "",
    add_label: Annotated[str, Form()] = "",
    add_entity: Annotated[str, Form()] = "",
    add_role: Annotated[str, Form()] = "",
    text: Annotated[str | None, Form()] = None,
) -> Response:
    """One decision from the article page's buttons; back to the article when recorded."""
    _check_csrf(request, csrf)
    try:
        item = _form_item(act, add_label, add_entity, add_role)
        save_feedback(request, article_id, sha256 or None, [item], author, text or None)
    except (HTTPException, ValidationError, ValueError) as error:
        message = _message(error.detail) if isinstance(error, HTTPException) else str(error)
        status = error.status_code if isinstance(error, HTTPException) else 422
        return page(request, "message.html.j2", status, heading="Feedback not recorded", text=message)
    back = (
        f"/articles/{quote(article_id)}?{urlencode({'sha256': sha256})}#review"
        if sha256
        else f"/articles/{quote(article_id)}#review"
    )
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(
        AUTHOR_COOKIE, quote(" ".join(author.split())[:100]), httponly=True, samesite="strict", path="/"
    )
    return response


def _form_item(act: str, add_label: str, add_entity: str, add_role: str) -> FeedbackItem:
    """The decision a button names: ``decision|kind|label[|start|end|entity]`` or ``add|label|role``."""
    parts = act.split("|", 5)
    if parts == ["add", "label"]:
        if not add_label:
            raise ValueError("choose a narrative or sub-narrative to add")
        kind = "subnarrative" if add_label in default_taxonomy().subnarrative_labels() else "narrative"
        return FeedbackItem.model_validate({"kind": kind, "label": add_label, "decision": "add"})
    if parts == ["add", "role"]:
        if not add_entity.strip() or not add_role:
            raise ValueError("name the entity and choose its role")
        return FeedbackItem(kind="role", label=add_role, decision="add", entity=add_entity.strip())
    if len(parts) >= 3 and parts[0] in ("confirm", "reject") and parts[1] in ("narrative", "subnarrative"):
        return FeedbackItem.model_validate({"kind": parts[1], "label": parts[2], "decision": parts[0]})
    if len(parts) == 6 and parts[0] in ("confirm", "reject") and parts[1] == "role":
        start, end = int(parts[3]), int(parts[4])
        return FeedbackItem.model_validate(
            {
                "kind": "role",
                "label": parts[2],
                "decision": parts[0],
                "start": start,
                "end": end,
                "entity": parts[5],
            }
        )
    raise ValueError(f"unknown action {act[:80]!r}")


@router.get("/articles/{article_id:path}")
def stored_article(request: Request, article_id: str, sha256: str | None = None) -> HTMLResponse:
    with open_store(request) as store:
        raw = queries.stored_analysis(store, article_id, sha256)
        if raw is None:
            return page(
                request,
                "message.html.j2",
                404,
                heading="Not found",
                text=f"No stored article {article_id!r}.",
            )
        analysis = Analysis.model_validate_json(raw)
        text = queries.stored_text(store, analysis.id, analysis.content_sha256)
    if text is not None and len(text) != analysis.content_length:
        text = None  # not the text these offsets index: show the findings without it
    return _article_page(request, analysis, text)


# --------------------------------------------------------------------------- corpus


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, detail=f"invalid date {value!r} (use YYYY-MM-DD)") from None


def _filter(params: dict[str, str]) -> queries.ArticleFilter:
    role = params.get("role") or None
    if role not in (None, "Protagonist", "Antagonist", "Innocent"):
        raise HTTPException(422, detail=f"unknown role {role!r}")
    return queries.ArticleFilter(
        narrative=params.get("narrative") or None,
        language=params.get("language") or None,
        outlet=params.get("outlet") or None,
        since=_date(params.get("since")),
        until=_date(params.get("until")),
        q=(params.get("q") or "")[:200] or None,
        entity=params.get("entity") or None,
        role=role,
    )


def _chart_data(request: Request, since: datetime | None) -> dict[str, Any]:
    with open_store(request) as store:
        total, by_narrative = queries.stats(store, ["narrative"], since)
        _, by_language = queries.stats(store, ["language"], since)
        _, by_outlet = queries.stats(store, ["outlet"], since)
        trend = queries.trend(store, "narrative", "week", since)
        antagonists = queries.entities(store, "Antagonist", 10, since, 0)
        victims = queries.entities(store, "Innocent", 10, since, 0)
    leading = sorted(trend.series, key=lambda label: -sum(trend.series[label]))[:TOP_SERIES]
    return {
        "total": total,
        "narratives": [(r["narrative"], r["articles"]) for r in by_narrative],
        "languages": [(r["language"], r["articles"]) for r in by_language],
        "outlets": [(r["outlet"], r["articles"]) for r in by_outlet],
        "trend": trend,
        "trend_series": {label: trend.series[label] for label in leading},
        "antagonists": [(r["entity"], r["articles"]) for r in antagonists],
        "victims": [(r["entity"], r["articles"]) for r in victims],
    }


@router.get("/corpus")
def corpus(request: Request) -> HTMLResponse:
    params = dict(request.query_params)
    try:
        f = _filter(params)
        number = max(1, int(params.get("page", "1") or 1))
    except (HTTPException, ValueError) as error:
        text = _message(error.detail) if isinstance(error, HTTPException) else "page must be a number"
        return page(request, "message.html.j2", 422, heading="Bad filter", text=text)
    data = _chart_data(request, f.since)
    with open_store(request) as store:
        listing = _page_of_articles(store, f, number)
    keep = {k: v for k, v in params.items() if v and k != "page"}
    shares = params.get("measure") == "shares"
    return page(
        request,
        "corpus.html.j2",
        d=data,
        params=keep,
        query=urlencode(keep),
        since_query=urlencode({"since": params["since"]}) if params.get("since") else "",
        narrative_link=narrative_url,
        entity_link=entity_url,
        trend_chart=render.line_chart(
            data["trend"].periods,
            data["trend"].totals,
            data["trend_series"],
            "Share of each week's articles" if shares else "Articles per week",
            shares=shares,
        ),
        shares=shares,
        measure_query=urlencode({**keep, "measure": "counts" if shares else "shares"}),
        **listing,
        **_chart_helpers(),
    )


STORIES_SHOWN = 50

CSV_CHARTS = ("narratives", "languages", "outlets", "trend", "antagonists", "victims")


@router.get("/corpus/data/{name}.csv")
def chart_csv(request: Request, name: str, since: str | None = None) -> Response:
    """The data behind one dashboard chart as CSV (``name`` picks a chart, never a file)."""
    if name not in CSV_CHARTS:
        raise HTTPException(404, detail=f"no chart {name!r}; charts: {', '.join(CSV_CHARTS)}")
    data = _chart_data(request, _date(since))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if name == "trend":
        trend = data["trend"]
        writer.writerow(["week", "narrative", "articles", "dated_articles_that_week"])
        for label, values in trend.series.items():
            for period, count, total in zip(trend.periods, values, trend.totals, strict=True):
                writer.writerow([period, label, count, total])
    else:
        header = {"narratives": "narrative", "languages": "language", "outlets": "outlet"}.get(name, "entity")
        writer.writerow([header, "articles"])
        writer.writerows(data[name])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="narrascope-{name}.csv"'},
    )


def _csv(name: str, header: list[str], rows: list[list[Any]]) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{quote(name)}.csv"'},
    )


def _trend_rows(periods: list[str], totals: list[int], series: dict[str, list[int]]) -> list[list[Any]]:
    return [
        [period, label, count, total]
        for label, values in series.items()
        for period, count, total in zip(periods, values, totals, strict=True)
    ]


def _chart_helpers() -> dict[str, Any]:
    """What every page with charts gives its template: the bar chart, series colours, sparse limit."""
    return {
        "bar_chart": render.bar_chart,
        "series_class": lambda i: f"series-{i % len(render.SERIES_COLOURS)}",
        "sparse": render.SPARSE,
    }


def _page_of_articles(store: Any, f: queries.ArticleFilter, number: int) -> dict[str, Any]:
    """One page of the articles matching ``f``, with what the list template needs to page."""
    matching, rows = queries.list_articles(store, f, PAGE_SIZE, (number - 1) * PAGE_SIZE)
    return {"rows": rows, "matching": matching, "number": number, "pages": max(1, -(-matching // PAGE_SIZE))}


def _page_number(request: Request) -> int | None:
    """The ``page`` query parameter (1 when absent), or None when it is not a number."""
    try:
        return max(1, int(request.query_params.get("page", "1") or 1))
    except ValueError:
        return None


@router.get("/corpus/narrative")
def narrative_page(request: Request, label: str = "") -> HTMLResponse:
    """A narrative across the store: its articles, trend, co-occurring narratives, entities by role."""
    number = _page_number(request)
    if number is None:
        return page(request, "message.html.j2", 422, heading="Bad page", text="page must be a number")
    with open_store(request) as store:
        try:
            profile = narrative_profile(store, label, "week")
        except HTTPException as error:
            return page(request, "message.html.j2", 404, heading="Not found", text=_message(error.detail))
        listing = _page_of_articles(store, queries.ArticleFilter(narrative=label), number)
    trend = profile.trend
    return page(
        request,
        "narrative.html.j2",
        p=profile,
        cooccurring=[(r.narrative, r.articles) for r in profile.cooccurring],
        query=urlencode({"label": label}),
        trend_chart=render.line_chart(
            trend.periods, trend.totals, trend.series, f"Articles per week: {label}"
        ),
        roles=queries.ROLES,
        **listing,
        **_chart_helpers(),
    )


NARRATIVE_CSV = ("trend", "cooccurring", "entities")


@router.get("/corpus/narrative/data/{chart}.csv")
def narrative_csv(request: Request, chart: str, label: str = "") -> Response:
    """The data behind one chart of a narrative page as CSV."""
    if chart not in NARRATIVE_CSV:
        raise HTTPException(404, detail=f"no chart {chart!r}; charts: {', '.join(NARRATIVE_CSV)}")
    with open_store(request) as store:
        p = narrative_profile(store, label, "week")
    name = f"narrascope-narrative-{chart}"
    if chart == "trend":
        t = p.trend
        return _csv(name, ["week", "narrative", "articles", "dated_articles_that_week"],
                    _trend_rows(t.periods, t.totals, t.series))  # fmt: skip
    if chart == "cooccurring":
        return _csv(name, ["narrative", "cooccurring_narrative", "articles_with_both"],
                    [[p.label, r.narrative, r.articles] for r in p.cooccurring])  # fmt: skip
    ranked = [[p.label, role, e.entity, e.articles] for role, rows in p.entities.items() for e in rows]
    return _csv(name, ["narrative", "role", "entity", "articles"], ranked)


@router.get("/corpus/entity")
def entity_page(request: Request, name: str = "") -> HTMLResponse:
    """An entity across the store: its roles with evidence sentences, narratives, trend, articles."""
    number = _page_number(request)
    if number is None:
        return page(request, "message.html.j2", 422, heading="Bad page", text="page must be a number")
    with open_store(request) as store:
        try:
            profile = entity_profile(store, name, "week")
        except HTTPException as error:
            return page(request, "message.html.j2", 404, heading="Not found", text=_message(error.detail))
        listing = _page_of_articles(store, queries.ArticleFilter(entity=name), number)
    trend = profile.trend
    return page(
        request,
        "entity.html.j2",
        p=profile,
        query=urlencode({"name": name}),
        trend_chart=render.line_chart(
            trend.periods, trend.totals, trend.series, f"Articles per week framing {profile.entity}, by role"
        ),
        **listing,
        **_chart_helpers(),
    )


ENTITY_CSV = ("roles", "cooccurring", "trend", "evidence")


def _fine(roles: dict[str, int]) -> str:
    return "; ".join(f"{role} ({n})" for role, n in roles.items())


@router.get("/corpus/entity/data/{chart}.csv")
def entity_csv(request: Request, chart: str, name: str = "") -> Response:
    """The data behind one chart or table of an entity page as CSV."""
    if chart not in ENTITY_CSV:
        raise HTTPException(404, detail=f"no chart {chart!r}; charts: {', '.join(ENTITY_CSV)}")
    with open_store(request) as store:
        p = entity_profile(store, name, "week")
    file = f"narrascope-entity-{chart}"
    if chart == "roles":
        rows = [
            [
                p.entity,
                r.role,
                r.articles,
                r.mentions,
                "; ".join(f"{k} ({n})" for k, n in r.fine_roles.items()),
            ]
            for r in p.roles
        ]
        return _csv(file, ["entity", "role", "articles", "mentions", "fine_roles"], rows)
    if chart == "cooccurring":
        return _csv(file, ["entity", "narrative", "articles", *queries.ROLES],
                    [[p.entity, r.narrative, r.articles, *(r.roles.get(k, 0) for k in queries.ROLES)]
                     for r in p.cooccurring])  # fmt: skip
    if chart == "trend":
        t = p.trend
        return _csv(file, ["week", "role", "articles", "articles_framing_it_that_week"],
                    _trend_rows(t.periods, t.totals, t.series))  # fmt: skip
    return _csv(file, ["entity", "role", "article_id", "content_sha256", "title", "confidence", "sentence"],
                [[p.entity, r.role, e.id, e.content_sha256, e.title, e.confidence, e.sentence]
                 for r in p.roles for e in r.evidence])  # fmt: skip


@router.get("/static/palette.css")
def palette() -> Response:
    return Response(render.palette_css(), media_type="text/css", headers={"cache-control": "max-age=3600"})


# --------------------------------------------------------------------------- login


@router.get("/login")
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login.html.j2", error=None)


@router.post("/login")
def login(
    request: Request, token: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = ""
) -> Response:
    """Exchange the token for an HttpOnly, SameSite=Strict session cookie."""
    _check_csrf(request, csrf)
    secrets: Secrets = request.app.state.secrets
    if not secrets.check_token(token):
        return page(request, "login.html.j2", 401, error="wrong token")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, secrets.session, httponly=True, samesite="strict", path="/")
    return response


# --------------------------------------------------------------------------- stories


@router.get("/stories")
def stories_page(request: Request) -> HTMLResponse:
    """The largest stories of the store (``corpus stories``), filtered by language and date."""
    from narrascope.corpus import stories

    params = dict(request.query_params)
    language = (params.get("language") or "").strip().lower()[:8] or None
    try:
        since = _date(params.get("since"))
    except HTTPException as error:
        return page(request, "message.html.j2", 422, heading="Bad filter", text=_message(error.detail))
    with open_store(request) as store:
        rows = stories.story_summaries(store, since=since, language=language, top=STORIES_SHOWN)
    since_value = params.get("since")
    return page(
        request, "stories.html.j2", stories=rows, language=language, since=since_value, top=STORIES_SHOWN
    )


@router.get("/stories/{story}")
def story_page(request: Request, story: str) -> HTMLResponse:
    """One story's timeline: who published it when, in which language, and how they framed it."""
    from narrascope.corpus import stories

    with open_store(request) as store:
        members = stories.story_timeline(store, story)
    if not members:
        return page(request, "message.html.j2", 404, heading="Not found", text=f"No story {story!r}.")
    return page(
        request,
        "story.html.j2",
        story=story,
        members=members,
        languages=sorted({m.language for m in members}),
        outlets=sorted({m.outlet or "(unknown)" for m in members}),
        copies=sum(1 for m in members if m.copy_of),
        timeline=render.story_timeline(members),
    )
