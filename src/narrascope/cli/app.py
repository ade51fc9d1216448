"""The ``narrascope`` command line."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from narrascope.cli.common import EXIT_BAD_INPUT, EXIT_PARTIAL, finish_predictions
from narrascope.io import InputError, article_from_text, iter_txt_dir, read_input, read_txt
from narrascope.schema import Analysis, Article

app = typer.Typer(
    name="narrascope",
    help="Show how news articles try to shape opinion: narratives, evidence and more.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
semeval_app = typer.Typer(help="Shared-task (SemEval 2025 Task 10) file interfaces.", no_args_is_help=True)
evaluate_app = typer.Typer(help="Score prediction files against gold files.", no_args_is_help=True)
train_app = typer.Typer(help="Train the models shipped with narrascope.", no_args_is_help=True)
app.add_typer(semeval_app, name="semeval")
app.add_typer(evaluate_app, name="evaluate")
app.add_typer(train_app, name="train")

out = Console()
err = Console(stderr=True)


ProfileOpt = Annotated[
    bool, typer.Option("--fast", help="Lexical features only: ~50x faster, less accurate.")
]
DocsOpt = Annotated[
    Path | None, typer.Option("--docs", help="Folder of the articles: adds a per-language breakdown.")
]
ScoresJsonOpt = Annotated[bool, typer.Option("--json", help="Print scores as JSON.")]
ModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Narrative model directory (default: the shipped one).")
]


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _analyzer(fast: bool, model: Path | None, full: str = "default"):  # type: ignore[no-untyped-def]
    from narrascope.pipeline import Analyzer

    try:
        return Analyzer(profile="fast" if fast else full, model_dir=model)
    except (FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from None


def demo_article() -> Article:
    text = resources.files("narrascope.demo").joinpath("demo-article.txt").read_text(encoding="utf-8")
    return article_from_text(text, id="demo-article.txt", source="narrascope demo")


@app.command()
def analyze(
    file: Annotated[
        str | None, typer.Argument(help="Article file (.txt/.json/.jsonl) or '-' for stdin.")
    ] = None,
    demo: Annotated[bool, typer.Option("--demo", help="Analyse the built-in demo article.")] = False,
    fmt: Annotated[
        str | None, typer.Option("--format", help="txt, json or jsonl (default: from extension; stdin: txt).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (JSON Lines for several records).")
    ] = False,
    fast: ProfileOpt = False,
    model: ModelOpt = None,
    mentions: Annotated[
        Path | None,
        typer.Option(
            "--mentions",
            help="Entity mentions to classify instead of detected ones: lines "
            "id<TAB>mention<TAB>start<TAB>end (end inclusive); id = the article's id "
            "(file name), or any id when the file names one article only.",
        ),
    ] = None,
    html: Annotated[
        Path | None,
        typer.Option("--html", help="Also write a self-contained HTML report (one article only)."),
    ] = None,
) -> None:
    """Analyse one article file (or the demo) and print a report."""
    if demo == (file is not None):
        raise _fail("give exactly one of FILE or --demo")
    if demo:
        items: list[Article | InputError] = [demo_article()]
    else:
        assert file is not None
        try:
            items = list(read_input(file, fmt=fmt))
        except ValueError as error:
            raise _fail(str(error)) from None
    errors = [item for item in items if isinstance(item, InputError)]
    articles = [item for item in items if isinstance(item, Article)]
    for problem in errors:
        err.print(f"[bold red]error:[/] {problem}", highlight=False, soft_wrap=True)
    if not articles:
        raise typer.Exit(EXIT_BAD_INPUT)
    if html is not None and len(articles) != 1:
        raise _fail(f"--html writes one article's report; the input has {len(articles)} articles")
    given = _given_mentions(mentions, articles) if mentions else None
    analyzer = _analyzer(fast, model)
    from narrascope.cli.report import render_analysis

    for article, analysis in zip(articles, analyzer.analyze_many(articles, mentions=given), strict=True):
        if as_json:
            if len(items) == 1:
                out.print_json(analysis.model_dump_json())
            else:
                sys.stdout.write(analysis.model_dump_json() + "\n")
        else:
            render_analysis(analysis, out, content=article.content)
        if html is not None:
            from narrascope.cli.html_report import render_html
            from narrascope.util import atomic_write_text

            atomic_write_text(html, render_html(analysis, article.content))
            err.print(f"HTML report written to {html}")
    if errors:
        # analyze reads one input: any unreadable record makes it a bad-input run.
        raise typer.Exit(EXIT_BAD_INPUT)


def _given_mentions(path: Path, articles: list[Article]) -> dict[str, list[tuple[int, int]]]:
    """Mention spans per article id from a mentions file; bad lines are reported and skipped."""
    from narrascope.eval.roles import locate_mention, parse_mention_file

    if not path.is_file():
        raise _fail(f"{path}: no such file")
    parsed = parse_mention_file(path, with_roles=False)
    for problem in parsed.problems:
        err.print(f"[yellow]skipped:[/] {problem}", highlight=False, soft_wrap=True)
    by_id = {a.id: a for a in articles}
    ids = {m.article_id for m in parsed.lines}
    # A file about a single article may name it differently (e.g. the original file name).
    alias = articles[0].id if len(articles) == 1 and len(ids) == 1 and not ids & by_id.keys() else None
    spans: dict[str, list[tuple[int, int]]] = {}
    for m in parsed.lines:
        article = by_id.get(alias or m.article_id)
        if article is None:
            err.print(f"[yellow]skipped:[/] {path}:line {m.lineno}: unknown article {m.article_id!r}")
            continue
        span = locate_mention(article.content, m.mention, m.start, m.end)
        if span is None:
            err.print(
                f"[yellow]note:[/] {path}:line {m.lineno}: {m.mention!r} not found; using the given offsets",
                highlight=False,
            )
            size = len(article.content)
            start = min(max(0, m.start), size)
            span = (start, min(size, max(start + 1, m.end + 1)))
        spans.setdefault(article.id, []).append(span)
    return spans


@app.command()
def schema() -> None:
    """Print the JSON schema of the analysis result (--json output)."""
    sys.stdout.write(json.dumps(Analysis.model_json_schema(), indent=2) + "\n")


@app.command()
def taxonomy(
    domain: Annotated[str | None, typer.Option(help="Only this domain (e.g. URW, CC).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the taxonomy as JSON.")] = False,
) -> None:
    """List the domains, narratives and sub-narratives narrascope knows."""
    from rich.tree import Tree

    from narrascope.taxonomy import default_taxonomy

    tax = default_taxonomy()
    domains = [d for code, d in sorted(tax.domains.items()) if domain is None or code == domain.upper()]
    if domain and not domains:
        raise _fail(f"unknown domain {domain!r}; known: {', '.join(sorted(tax.domains))}")
    if as_json:
        sys.stdout.write(json.dumps([d.model_dump() for d in domains], indent=2, ensure_ascii=False) + "\n")
        return
    for d in domains:
        tree = Tree(f"[bold]{d.code}[/]: {d.name} — [dim]{d.description}[/]")
        for narrative in d.narratives:
            branch = tree.add(f"[bold cyan]{narrative.name}[/] [dim]{narrative.description}[/]")
            for sub in narrative.subnarratives:
                branch.add(f"{sub.name} [dim]{sub.description}[/]")
        out.print(tree)


@semeval_app.command("narratives")
def semeval_narratives(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of .txt articles (any of the five languages).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Prediction file to write.")],
    fast: ProfileOpt = False,
    model: ModelOpt = None,
) -> None:
    """Write subtask-2 predictions (id<TAB>narratives<TAB>subnarratives) for every file."""
    from narrascope.eval.semeval import format_label_line
    from narrascope.util import progress

    try:
        paths = list(iter_txt_dir(docs_dir))
    except InputError as error:
        raise _fail(str(error)) from None
    analyzer = _analyzer(fast, model, full="narratives")
    failures: list[InputError] = []

    def readable() -> list[Article]:
        found = []
        for path in paths:
            try:
                found.append(read_txt(path))
            except InputError as error:
                failures.append(error)
        return found

    articles = readable()
    lines = []
    with progress(err, len(articles), "narratives") as advance:
        for analysis in analyzer.analyze_many(articles):
            coarse, fine = analysis.semeval_labels()
            lines.append(format_label_line(analysis.id, coarse, fine))
            advance()
    finish_predictions(output, lines, f"{len(lines)} predictions", failures, err)


@evaluate_app.command("narratives")
def evaluate_narratives(
    gold: Annotated[Path, typer.Argument(help="Gold subtask-2 file.")],
    pred: Annotated[Path, typer.Argument(help="Predicted subtask-2 file.")],
    docs: DocsOpt = None,
    as_json: ScoresJsonOpt = False,
) -> None:
    """Coarse and fine samples-F1, the official subtask-2 metric."""
    from rich.table import Table

    from narrascope.eval.semeval import read_label_file, score_narratives
    from narrascope.taxonomy import default_taxonomy

    tax = default_taxonomy()
    try:
        gold_lines, pred_lines = read_label_file(gold), read_label_file(pred)
    except (OSError, ValueError) as error:
        raise _fail(str(error)) from None
    groups: dict[str, list[str]] = {"all": list(gold_lines)}
    if docs is not None:
        groups.update(_ids_by_language(docs, list(gold_lines)))
    rows = {}
    for name, ids in groups.items():
        s = score_narratives(gold_lines, pred_lines, tax.narrative_labels(), tax.subnarrative_labels(), ids)
        rows[name] = {"articles": s.n, "coarse_f1": round(s.coarse, 4), "fine_f1": round(s.fine, 4)}
    missing = sum(1 for i in gold_lines if i not in pred_lines)
    if as_json:
        sys.stdout.write(json.dumps({"scores": rows, "missing_predictions": missing}, indent=2) + "\n")
        return
    table = Table(title="Narrative classification (samples-F1)")
    for col in ("subset", "articles", "coarse F1", "fine F1"):
        table.add_column(col, justify="right" if col != "subset" else "left")
    for name, row in rows.items():
        table.add_row(name, str(row["articles"]), f"{row['coarse_f1']:.3f}", f"{row['fine_f1']:.3f}")
    out.print(table)
    if missing:
        err.print(f"[yellow]{missing} gold article(s) have no prediction (scored as empty).[/]")


def _ids_by_language(docs: Path, ids: list[str]) -> dict[str, list[str]]:
    from narrascope.nlp.langid import detect_language

    by_lang: dict[str, list[str]] = {}
    for doc_id in ids:
        path = docs / doc_id
        try:
            code = detect_language(read_txt(path).content)[0]
        except InputError:
            code = "unreadable"
        by_lang.setdefault(code, []).append(doc_id)
    return dict(sorted(by_lang.items()))


@train_app.command("narratives")
def train_narratives(
    data: Annotated[Path, typer.Option(help="SemEval training folder (with BG/EN/HI/PT/RU).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    unlabeled: Annotated[
        Path | None, typer.Option(help="Unlabelled articles (folder of language folders) for the IDF.")
    ] = None,
    cache: Annotated[Path | None, typer.Option(help="Embedding cache (content-keyed SQLite).")] = Path(
        "cache/embeddings.sqlite"
    ),
    folds: Annotated[int, typer.Option(help="Cross-validation folds (0 = skip CV).")] = 5,
) -> None:
    """Train the narrative model deterministically and write the artifact + manifest."""
    from narrascope.models.training import train_narrative_model

    train_narrative_model(data, out_dir, unlabeled=unlabeled, cache_path=cache, folds=folds, console=err)


RoleModelOpt = Annotated[
    Path | None, typer.Option("--role-model", help="Role model directory (default: the shipped one).")
]


@semeval_app.command("roles")
def semeval_roles(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of the .txt articles named in MENTIONS.")],
    mentions: Annotated[Path, typer.Argument(help="Lines id<TAB>mention<TAB>start<TAB>end (end inclusive).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Prediction file to write.")],
    role_model: RoleModelOpt = None,
) -> None:
    """Subtask-1 predictions: main role and fine roles for every mention line."""
    from narrascope.eval.roles import format_mention_line, locate_mention, parse_mention_file
    from narrascope.util import atomic_write_text

    if not mentions.is_file():
        raise _fail(f"{mentions}: no such file")
    parsed = parse_mention_file(mentions, with_roles=False)
    problems = list(parsed.problems)
    texts: dict[str, str] = {}
    usable = []
    for m in parsed.lines:
        if m.article_id not in texts:
            try:
                texts[m.article_id] = read_txt(docs_dir / m.article_id, max_bytes=50_000_000).content
            except InputError as error:
                problems.append(f"{mentions}:line {m.lineno}: unknown or unreadable article ({error.reason})")
                texts[m.article_id] = ""
        if not texts[m.article_id]:
            continue
        span = locate_mention(texts[m.article_id], m.mention, m.start, m.end)
        if span is None:
            problems.append(
                f"{mentions}:line {m.lineno}: {m.mention!r} not found in {m.article_id}; classified from the "
                "text at the given offsets"
            )
            size = len(texts[m.article_id])
            start = min(max(0, m.start), size)
            span = (start, min(size, max(start, m.end + 1)))
        usable.append((m, span))
    predictions = _role_framer(role_model).classify_mentions(_mention_inputs(usable, texts))
    lines = [
        format_mention_line(m, p.main_role, p.fine_roles)
        for (m, _), p in zip(usable, predictions, strict=True)
    ]
    atomic_write_text(output, "".join(line + "\n" for line in lines))
    err.print(f"wrote {len(lines)} role predictions to {output}")
    for problem in problems:
        err.print(f"  {problem}", highlight=False, soft_wrap=True)
    if len(lines) < len(parsed.lines) + len(parsed.problems):
        raise typer.Exit(EXIT_PARTIAL)


def _role_framer(model: Path | None):  # type: ignore[no-untyped-def]
    from narrascope.pipeline.entities import EntityFramer

    try:
        return EntityFramer.load(model)
    except (FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from None


def _mention_inputs(usable: list, texts: dict[str, str]) -> list:
    """One classifier input per mention; each article's sentences and language computed once."""
    from narrascope.nlp.langid import detect_language
    from narrascope.nlp.segment import split_sentences
    from narrascope.pipeline.entities import MentionInput

    per_article: dict[str, tuple[list, str]] = {}
    inputs = []
    for m, (start, end) in usable:
        text = texts[m.article_id]
        if m.article_id not in per_article:
            per_article[m.article_id] = (split_sentences(text), detect_language(text)[0])
        sentences, language = per_article[m.article_id]
        inputs.append(MentionInput(text, sentences, language, start, end))
    return inputs


@evaluate_app.command("roles")
def evaluate_roles(
    gold: Annotated[Path, typer.Argument(help="Gold subtask-1 file.")],
    pred: Annotated[Path, typer.Argument(help="Predicted subtask-1 file.")],
    docs: DocsOpt = None,
    as_json: ScoresJsonOpt = False,
) -> None:
    """Exact-match ratio of fine-role sets (official), micro P/R/F1, main-role accuracy."""
    from dataclasses import asdict

    from rich.table import Table

    from narrascope.eval.roles import parse_mention_file, score_roles

    g, p = parse_mention_file(gold, with_roles=True), parse_mention_file(pred, with_roles=True)
    for problem in g.problems + p.problems:
        err.print(f"[yellow]skipped:[/] {problem}", highlight=False, soft_wrap=True)
    groups: dict[str, list] = {"all": g.lines}
    if docs is not None:
        by_lang = _ids_by_language(docs, sorted({m.article_id for m in g.lines}))
        for lang, ids in by_lang.items():
            wanted = set(ids)
            groups[lang] = [m for m in g.lines if m.article_id in wanted]
    rows = {name: asdict(score_roles(lines, p.lines)) for name, lines in groups.items()}
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(title="Entity framing")
    for col in ("subset", "mentions", "exact match", "micro P", "micro R", "micro F1", "main acc"):
        table.add_column(col, justify="left" if col == "subset" else "right")
    for name, r in rows.items():
        table.add_row(
            name,
            str(r["n"]),
            *(
                f"{r[k]:.3f}"
                for k in ("exact_match", "micro_precision", "micro_recall", "micro_f1", "main_accuracy")
            ),
        )
    out.print(table)


@train_app.command("roles")
def train_roles(
    data: Annotated[Path, typer.Option(help="SemEval training folder (with BG/EN/HI/PT/RU).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    cache: Annotated[Path | None, typer.Option(help="Embedding cache (content-keyed SQLite).")] = Path(
        "cache/embeddings.sqlite"
    ),
    folds: Annotated[int, typer.Option(help="Cross-validation folds (0 = skip CV).")] = 5,
) -> None:
    """Train the entity-role model deterministically and write the artifact + manifest."""
    from narrascope.models.training_roles import train_role_model

    train_role_model(data, out_dir, cache_path=cache, folds=folds, console=err)


from narrascope.cli.ptc import register as _register_techniques  # noqa: E402

_register_techniques(app, evaluate_app, train_app)


def main() -> None:
    app()


# Corpus runs (issue 5) live in their own modules; registered here.
from narrascope.cli.batch import batch as _batch  # noqa: E402
from narrascope.cli.corpus import corpus_app as _corpus_app  # noqa: E402

app.command("batch")(_batch)
app.add_typer(_corpus_app, name="corpus")
