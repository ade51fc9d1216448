"""``narrascope analyze`` (one or many articles → report, JSON or HTML) and ``narrascope schema``.

Only parses options, reads inputs through :func:`narrascope.io.iter_inputs` (the reader
``batch`` uses too) and web pages through :func:`narrascope.io.fetch_article`, calls
:class:`narrascope.pipeline.Analyzer` and prints; mention files are turned into spans by
:func:`narrascope.eval.roles.given_mention_spans`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from narrascope.cli.common import (
    ModelOpt,
    ProfileOpt,
    Sensitivity,
    SensitivityOpt,
    TechniquesMode,
    TechniquesOpt,
    check_output_file,
    err,
    exit_for_inputs,
    fail,
    out,
    require_dir,
)
from narrascope.cli.explanations import LLMModelOpt, LLMTimeoutOpt, LLMUrlOpt, llm_settings
from narrascope.io import (
    INPUT_FORMATS,
    FetchPolicy,
    InputError,
    article_from_text,
    fetch_article,
    is_url,
    iter_inputs,
)
from narrascope.schema import Analysis, Article

if TYPE_CHECKING:
    from narrascope.pipeline import Analyzer

FilesArg = Annotated[
    list[str] | None,
    typer.Argument(
        help="Article files (.txt/.json/.jsonl/.csv/.html), folders (read recursively, like batch), "
        "web page URLs (http/https), or '-' for stdin.",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    str | None,
    typer.Option(
        "--format",
        help=f"{', '.join(INPUT_FORMATS)}: for stdin (default txt) or a file whose extension does not tell.",
    ),
]
MentionsOpt = Annotated[
    Path | None,
    typer.Option(
        "--mentions",
        help="Entity mentions to classify instead of detected ones: lines "
        "id<TAB>mention<TAB>start<TAB>end (end inclusive); id = the article's id "
        "(file name), or any id when the file names one article only.",
    ),
]
AllowPrivateOpt = Annotated[
    bool,
    typer.Option(
        "--allow-private-urls",
        help="Let URLs reach loopback and private-network addresses (refused by default).",
    ),
]
HtmlOpt = Annotated[
    Path | None,
    typer.Option("--html", help="Also write a self-contained HTML report (one article only)."),
]


def demo_article() -> Article:
    text = resources.files("narrascope.demo").joinpath("demo-article.txt").read_text(encoding="utf-8")
    return article_from_text(text, id="demo-article.txt", source="narrascope demo")


def analyze(
    files: FilesArg = None,
    demo: Annotated[bool, typer.Option("--demo", help="Analyse the built-in demo article.")] = False,
    fmt: FormatOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (JSON Lines for several articles).")
    ] = False,
    fast: ProfileOpt = False,
    sensitivity: SensitivityOpt = Sensitivity.balanced,
    techniques: TechniquesOpt = TechniquesMode.default,
    model: ModelOpt = None,
    mentions: MentionsOpt = None,
    html: HtmlOpt = None,
    allow_private_urls: AllowPrivateOpt = False,
    llm_url: LLMUrlOpt = None,
    llm_model: LLMModelOpt = "default",
    llm_timeout: LLMTimeoutOpt = 30.0,
) -> None:
    """Analyse article files, web pages (or the demo) and print a report.

    Exit codes: 0 all analysed; 1 some inputs could not be read (listed); 2 none could.
    """
    if demo == bool(files):
        raise fail("give FILE arguments or --demo (not both)")
    explain = llm_settings(llm_url, llm_model, llm_timeout)
    if html is not None:
        check_output_file(html)
    if model is not None:
        require_dir(model)
    policy = FetchPolicy(allow_private=allow_private_urls)
    items: list[Article | InputError] = (
        [demo_article()] if demo else list(_read_all(files or [], fmt, policy))
    )
    articles = [item for item in items if isinstance(item, Article)]
    errors = [item for item in items if isinstance(item, InputError)]
    if not articles:  # exits 2: nothing to analyse
        exit_for_inputs(0, errors or [InputError(" ".join(files or []), "no articles found")])
    if html is not None and len(articles) != 1:
        raise fail(f"--html writes one article's report; the input has {len(articles)} articles")
    given = _given_spans(mentions, articles) if mentions else None
    if llm_url and fast:
        raise fail("--llm-url writes explanations, which the --fast profile does not make")
    if fast and techniques is TechniquesMode.transfer:
        raise fail("--techniques transfer needs the technique stage, which the --fast profile does not run")
    analyzer = _analyzer(fast, model, sensitivity.value, explain, techniques.value)
    _print_results(analyzer, articles, given, as_json=as_json, json_lines=len(items) > 1, html=html)
    exit_for_inputs(len(articles), errors)


def _read_all(specs: list[str], fmt: str | None, policy: FetchPolicy) -> Iterator[Article | InputError]:
    """Every input in the order given: URLs are fetched, the rest read like ``batch`` reads."""
    for spec in specs:
        if is_url(spec):
            try:
                with err.status(f"fetching {escape(spec)}"):
                    yield fetch_article(spec, policy)
            except InputError as error:
                yield error
        else:
            yield from iter_inputs([spec], fmt)


def _given_spans(path: Path, articles: list[Article]) -> dict[str, list[tuple[int, int]]]:
    from narrascope.eval.roles import given_mention_spans

    given = given_mention_spans(path, articles)
    for note in given.notes:
        err.print(f"[yellow]note:[/] {escape(note)}")
    return given.spans


def _analyzer(
    fast: bool,
    model: Path | None,
    sensitivity: str,
    explain: dict[str, Any] | None = None,
    techniques: str = "default",
) -> Analyzer:
    from narrascope.pipeline import Analyzer, get_profile

    profile = get_profile("fast" if fast else "default")
    if explain:
        settings = {name: dict(values) for name, values in profile.settings.items()}
        settings.setdefault("explain", {}).update(explain)
        profile = profile.model_copy(update={"settings": settings})
    return Analyzer(profile=profile, model_dir=model, sensitivity=sensitivity, techniques=techniques)


def _print_results(
    analyzer: Analyzer,
    articles: list[Article],
    given: dict[str, list[tuple[int, int]]] | None,
    *,
    as_json: bool,
    json_lines: bool,
    html: Path | None,
) -> None:
    from narrascope.cli.report import render_analysis
    from narrascope.util import progress

    # The bar shows only on a terminal (stderr) and only when there is more than one article;
    # rich renders the report printed meanwhile above it.
    bar = progress(err, len(articles), "analyze") if len(articles) > 1 else nullcontext(_no_advance)
    with bar as advance:
        results = analyzer.analyze_many(articles, mentions=given)
        for article, analysis in zip(articles, results, strict=True):
            if as_json and json_lines:
                sys.stdout.write(analysis.model_dump_json() + "\n")
            elif as_json:
                out.print_json(analysis.model_dump_json())
            else:
                render_analysis(analysis, out, content=article.content)
            if html is not None:
                _write_html(html, analysis, article)
            advance()


def _write_html(path: Path, analysis: Analysis, article: Article) -> None:
    from narrascope.cli.html_report import render_html
    from narrascope.util import atomic_write_text

    atomic_write_text(path, render_html(analysis, article.content))
    err.print(f"HTML report written to {escape(str(path))}")


def _no_advance(n: int = 1) -> None:
    return None


def schema() -> None:
    """Print the JSON schema of the analysis result (--json output)."""
    sys.stdout.write(json.dumps(Analysis.model_json_schema(), indent=2) + "\n")
