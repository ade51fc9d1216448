"""``narrascope corpus``: questions about the corpus store (stats, trend chart, entities).

Only parses options and formats rows (rich table, CSV, JSON); the SQL is in
:mod:`narrascope.corpus.queries` and the chart in :mod:`narrascope.corpus.plot`.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from rich.markup import escape
from rich.table import Table

from narrascope.cli.common import check_output_file, err, fail, out
from narrascope.corpus.store import DEFAULT_STORE

if TYPE_CHECKING:
    from narrascope.corpus.store import CorpusStore

PLOT_SUFFIXES = (".png", ".svg", ".pdf")
"""Chart formats ``corpus plot`` writes (matplotlib, from the extension)."""

StoreOpt = Annotated[Path, typer.Option(help="Corpus store written by 'narrascope batch'.")]
SinceOpt = Annotated[
    str | None, typer.Option(help="Only articles published on or after this date (YYYY-MM-DD, ISO 8601).")
]


def _open(store: Path) -> CorpusStore:
    from narrascope.corpus.store import CorpusStore

    return CorpusStore(store, readonly=True)


def _open_writable(store: Path) -> CorpusStore:
    """An existing store opened for writing (story assignments are kept in it)."""
    from narrascope.corpus.store import CorpusStore, StoreError

    if not store.exists():
        raise StoreError(f"{store}: no such store (run 'narrascope batch' first)")
    return CorpusStore(store)


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        raise fail(f"invalid --since date {value!r} (expected ISO 8601, e.g. 2024-03-01)") from None


def stats_command(
    by: Annotated[
        list[str],
        typer.Option(
            help="Group by: narrative, subnarrative, language, outlet, domain (comma list or repeat)."
        ),
    ],
    since: SinceOpt = None,
    store: StoreOpt = DEFAULT_STORE,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Articles and share of articles per narrative, language, outlet… (shares of all articles)."""
    from narrascope.corpus.queries import stats, undated

    dims = [d.strip() for item in by for d in item.split(",") if d.strip()]
    with _open(store) as db:
        total, rows = stats(db, dims, _since(since))
        no_date = undated(db)
    if as_json:
        sys.stdout.write(
            json.dumps({"articles": total, "by": dims, "rows": rows}, indent=2, ensure_ascii=False)
        )
        sys.stdout.write("\n")
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=[*dims, "articles", "share"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        table = Table(title=f"{total} articles" + (f" published since {since}" if since else ""))
        for dim in dims:
            table.add_column(dim, overflow="fold")
        table.add_column("articles", justify="right")
        table.add_column("share", justify="right")
        for row in rows:
            table.add_row(*(str(row[d]) for d in dims), str(row["articles"]), f"{row['share']:.1%}")
        out.print(table)
        if no_date:
            where = "left out by --since" if since else "not in trends or date filters"
            err.print(f"note: {no_date} stored article(s) have no publication date ({where})")


def plot_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="Image to write (.png, .svg or .pdf).")],
    by: Annotated[
        str, typer.Option(help="narrative or subnarrative (or language, outlet, domain).")
    ] = "narrative",
    over: Annotated[str, typer.Option(help="day, week or month.")] = "week",
    top: Annotated[int, typer.Option(min=1, help="How many leading labels to draw.")] = 6,
    since: SinceOpt = None,
    store: StoreOpt = DEFAULT_STORE,
    shares: Annotated[
        bool, typer.Option("--shares/--counts", help="Plot each period's share of articles, not counts.")
    ] = False,
) -> None:
    """Chart the articles pushing each leading narrative, period by period (counts or shares)."""
    from narrascope.corpus.plot import draw
    from narrascope.corpus.queries import SPARSE_PERIOD, trend

    check_output_file(output, PLOT_SUFFIXES)
    with _open(store) as db:
        data = trend(db, by, over, _since(since))
    if not data.periods:
        raise fail(f"no dated articles in {store}: a trend needs records with a 'published' date")
    drawn = draw(data, output, by=by, over=over, top=top, shares=shares)
    err.print(f"wrote {escape(str(output))}: {len(drawn)} {by}(s) over {len(data.periods)} {over}(s)")
    if data.sparse:
        err.print(
            f"note: {len(data.sparse)} of {len(data.periods)} {over}(s) have fewer than {SPARSE_PERIOD} "
            "dated articles (hollow markers): too few to read a trend from"
        )
    if data.undated:
        err.print(f"note: {data.undated} article(s) have no publication date and are not in the chart")


def entities_command(
    role: Annotated[
        str | None, typer.Option(help="Main role: Protagonist, Antagonist or Innocent (default: any).")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many entities to list.")] = 20,
    examples: Annotated[int, typer.Option(min=0, help="Articles listed per entity.")] = 3,
    since: SinceOpt = None,
    store: StoreOpt = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The entities most often cast in a role, with the articles that do it and, per role, the
    sentence that shows it (truncated here; in full with --json)."""
    from narrascope.corpus.queries import entities

    if role is not None:
        role = role.strip().capitalize()
        if role not in ("Protagonist", "Antagonist", "Innocent"):
            raise fail(f"unknown role {role!r}; choose from Protagonist, Antagonist, Innocent")
    with _open(store) as db:
        rows = entities(db, role, top, _since(since), examples)
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return
    if not rows:
        err.print("no entity framing in the store (--fast runs skip entities; use the default profile)")
        return
    _entity_table(rows, role)


def _entity_table(rows: list[dict[str, Any]], role: str | None) -> None:
    table = Table(title=f"Entities most often cast as {role or 'any role'}")
    table.add_column("entity", overflow="fold")
    table.add_column("articles", justify="right")
    table.add_column("mentions", justify="right")
    table.add_column("fine roles", overflow="fold")
    table.add_column("sentence that shows the role", overflow="fold", ratio=2)
    table.add_column("for example", overflow="fold")
    for row in rows:
        fine = ", ".join(f"{k} ({v})" for k, v in list(row["fine_roles"].items())[:3])
        shown = "\n".join(f"{e['id']}: {e['title']}" for e in row["examples"])
        table.add_row(
            escape(row["entity"]),
            str(row["articles"]),
            str(row["mentions"]),
            escape(fine),
            _evidence_cell(row["evidence"], role),
            escape(shown),
        )
    out.print(table)


def _assign_pending(db: CorpusStore) -> None:
    """Stores filled with --no-stories, by the server or by an older narrascope: assign now."""
    from narrascope.corpus.stories import assign_pending, pending_count
    from narrascope.nlp.embed import Embedder

    waiting = pending_count(db)
    if waiting:
        with err.status(f"assigning {waiting} article(s) to stories"):
            assign_pending(db, Embedder().embed)


def stories_command(
    since: SinceOpt = None,
    language: Annotated[
        str | None, typer.Option(help="Only stories with an article in this language.")
    ] = None,
    top: Annotated[int, typer.Option(min=1, help="How many stories to list (largest first).")] = 20,
    store: StoreOpt = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    assignments: Annotated[
        Path | None,
        typer.Option("--assignments", help="Write 'article_id<TAB>story_id' for every article to this file."),
    ] = None,
) -> None:
    """Stories: groups of articles reporting the same event or claim, across outlets and languages."""
    from narrascope.corpus import stories
    from narrascope.util import atomic_write_text

    if assignments is not None:
        check_output_file(assignments)
    with _open_writable(store) as db:
        _assign_pending(db)
        if assignments is not None:
            rows = stories.assignments(db)
            atomic_write_text(assignments, "".join(f"{doc}\t{story}\n" for doc, story in rows))
            err.print(f"wrote {escape(str(assignments))}: {len(rows)} article(s)")
            return
        summaries = stories.story_summaries(db, since=_since(since), language=language, top=top)
    if as_json:
        sys.stdout.write(json.dumps(summaries, indent=2, ensure_ascii=False) + "\n")
    elif as_csv:
        _stories_csv(summaries)
    elif not summaries:
        err.print("no stories in the store yet (run 'narrascope batch' first)")
    else:
        _stories_table(summaries)


def _stories_csv(summaries: list[dict[str, Any]]) -> None:
    fields = ["story", "articles", "copies", "title", "start", "end", "first_outlet", "languages",
              "outlets", "narratives", "antagonists"]  # fmt: skip
    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for s in summaries:
        writer.writerow(
            {
                **{k: s[k] for k in ("story", "articles", "copies", "title", "start", "end")},
                "first_outlet": s["first"]["outlet"],
                **{k: ";".join(s[k]) for k in ("languages", "outlets", "narratives", "antagonists")},
            }
        )


def _counts(values: dict[str, int], limit: int = 4) -> str:
    shown = [f"{k} {v}" for k, v in list(values.items())[:limit]]
    return ", ".join(shown) + (" …" if len(values) > limit else "")


def _stories_table(summaries: list[dict[str, Any]]) -> None:
    table = Table(title="Stories, largest first")
    table.add_column("story", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("title (most typical)", overflow="fold", ratio=3)
    table.add_column("first", overflow="fold", ratio=2)
    table.add_column("languages / outlets", overflow="fold", ratio=2)
    table.add_column("narratives / antagonists", overflow="fold", ratio=2)
    for s in summaries:
        first = s["first"]
        when = (first["published"] or "undated")[:16].replace("T", " ")
        size = f"{s['articles']}" + (f"\n({s['copies']} copies)" if s["copies"] else "")
        table.add_row(
            s["story"],
            size,
            escape(s["title"]),
            escape(f"{first['outlet'] or '(unknown outlet)'}\n{when}"),
            escape(f"{_counts(s['languages'])}\n{_counts(s['outlets'], 3)}"),
            escape(f"{_counts(s['narratives'], 2)}\n{_counts(s['antagonists'], 3)}"),
        )
    out.print(table)


def story_command(
    story: Annotated[str, typer.Argument(help="Story id, as 'corpus stories' lists it (S…).")],
    store: StoreOpt = DEFAULT_STORE,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also draw the timeline (.png/.svg/.pdf).")
    ] = None,
) -> None:
    """One story's timeline: who published when, in which language, copies marked, framing by outlet."""
    from dataclasses import asdict

    from narrascope.corpus import stories

    if plot is not None:
        check_output_file(plot, PLOT_SUFFIXES)
    with _open_writable(store) as db:
        _assign_pending(db)
        members = stories.story_timeline(db, story.strip())
    if not members:
        raise fail(f"no story {story!r} in {store} (list them with 'narrascope corpus stories')")
    if plot is not None:
        from narrascope.corpus.plot import draw_story

        draw_story(members, plot, story)
        err.print(f"wrote {escape(str(plot))}")
    if as_json:
        sys.stdout.write(json.dumps([asdict(m) for m in members], indent=2, ensure_ascii=False) + "\n")
        return
    _timeline_table(story, members)


def _timeline_table(story: str, members: list[Any]) -> None:
    copies = sum(1 for m in members if m.copy_of)
    table = Table(title=f"Story {story}: {len(members)} article(s), {copies} near-copies")
    table.add_column("published")
    table.add_column("outlet / language", overflow="fold")
    table.add_column("title", overflow="fold", ratio=3)
    table.add_column("narratives", overflow="fold", ratio=2)
    table.add_column("roles", overflow="fold", ratio=2)
    for m in members:
        when = (m.published or "undated")[:16].replace("T", " ")
        title = escape(m.title) + (f"\n[dim]copy of {escape(m.copy_of)}[/]" if m.copy_of else "")
        roles = ", ".join(f"{name}: {role}" for name, role in list(m.roles.items())[:3])
        table.add_row(
            when,
            escape(f"{m.outlet or '(unknown)'} · {m.language}"),
            title,
            escape("; ".join(m.narratives[:2]) or "—"),
            escape(roles or "—"),
        )
    out.print(table)


EVIDENCE_CHARS = 140
"""A sentence longer than this is cut in the table (at a word); --json has it whole."""


def _evidence_cell(evidence: dict[str, list[dict[str, Any]]], role: str | None) -> str:
    """One example sentence per role (only the asked role's with --role), with its article."""
    lines = []
    for main_role, found in evidence.items():
        if not found or (role and main_role != role):
            continue
        example = found[0]
        label = "" if role else f"[b]{main_role}[/b]: "
        lines.append(f"{label}“{escape(shorten(example['sentence']))}” [dim]({escape(example['id'])})[/dim]")
    return "\n".join(lines) or "[dim]no sentence stored[/dim]"


def shorten(sentence: str, limit: int = EVIDENCE_CHARS) -> str:
    """``sentence`` on one line, cut at a word boundary with an ellipsis when over ``limit``."""
    flat = " ".join(sentence.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


FeedbackFormat = Literal["semeval-narratives", "semeval-roles"]


def feedback_export_command(
    output: Annotated[
        Path,
        typer.Option(
            "-o", "--output", help="Annotation file to write; the texts go to raw-documents/ beside it."
        ),
    ],
    fmt: Annotated[
        FeedbackFormat,
        typer.Option(
            "--format",
            help="semeval-narratives (subtask 2: id, narratives, sub-narratives) or semeval-roles "
            "(subtask 1: id, mention, start, end, main role, fine roles).",
        ),
    ],
    store: StoreOpt = DEFAULT_STORE,
    language: Annotated[
        str | None,
        typer.Option(help="Only articles in this language (ISO 639-1), as a SemEval <LANG>/ folder holds."),
    ] = None,
) -> None:
    """Write the analyst-corrected articles in a SemEval 2025 Task 10 annotation format.

    Labels are the model's findings minus the rejected plus the added ones, for every
    article whose layer (narratives or roles) an analyst reviewed.
    """
    from narrascope.corpus.feedback import corrected_articles
    from narrascope.eval.feedback import export_semeval

    check_output_file(output)
    with _open(store) as db:
        articles = corrected_articles(db)
    if language is not None:
        articles = [a for a in articles if a.language == language.strip().lower()]
    summary = export_semeval(articles, fmt, output)
    if summary.no_text:
        err.print(
            f"skipped {len(summary.no_text)} reviewed article(s) whose text is not in the store "
            f"(review them on the page of a fresh analysis): {escape(', '.join(summary.no_text[:5]))}"
        )
    err.print(
        f"wrote {escape(str(output))}: {len(summary.written)} corrected article(s); "
        f"texts in {escape(str(summary.documents))}"
    )


def load_corrections(store: Path) -> list[Any]:
    """The corrected articles of a store, for ``train … --feedback``."""
    from narrascope.corpus.feedback import corrected_articles

    with _open(store) as db:
        articles = corrected_articles(db)
    err.print(f"{escape(str(store))}: {len(articles)} article(s) with analyst feedback")
    return articles
