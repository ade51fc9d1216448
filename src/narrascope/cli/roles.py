"""Entity-framing commands: ``semeval roles``, ``evaluate roles``, ``train roles``.

Only parses options, calls the library (``eval.roles`` reads mention files and repairs
offsets, ``pipeline.entities.EntityFramer`` classifies, ``models.training_roles``
trains) and prints.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from narrascope.cli.common import (
    EXIT_BAD_INPUT,
    EXIT_PARTIAL,
    CacheOpt,
    DocsOpt,
    FeedbackOpt,
    FoldsOpt,
    ScoresJsonOpt,
    check_output_dir,
    check_output_file,
    err,
    out,
    require_dir,
)
from narrascope.cli.corpus import load_corrections

RoleModelOpt = Annotated[
    Path | None, typer.Option("--role-model", help="Role model directory (default: the shipped one).")
]


def semeval_roles(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of the .txt articles named in MENTIONS.")],
    mentions: Annotated[Path, typer.Argument(help="Lines id<TAB>mention<TAB>start<TAB>end (end inclusive).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Prediction file to write.")],
    role_model: RoleModelOpt = None,
) -> None:
    """Subtask-1 predictions: main role and fine roles for every mention line.

    Exit codes: 0 every line predicted; 1 some lines skipped (listed); 2 none predicted.
    """
    from narrascope.eval.roles import format_mention_line, mention_inputs, resolve_mention_file

    check_output_file(output)
    if role_model is not None:
        require_dir(role_model)
    resolved = resolve_mention_file(docs_dir, mentions)
    # Imported after the checks: loading the role model takes seconds, a typo should not.
    from narrascope.pipeline.entities import EntityFramer
    from narrascope.util import atomic_write_text

    framer = EntityFramer.load(role_model)
    predictions = framer.classify_mentions(mention_inputs(resolved))
    lines = [
        format_mention_line(m, p.main_role, p.fine_roles)
        for (m, _), p in zip(resolved.usable, predictions, strict=True)
    ]
    atomic_write_text(output, "".join(line + "\n" for line in lines))
    err.print(f"wrote {len(lines)} role predictions to {escape(str(output))}")
    for problem in resolved.problems:
        err.print(f"  {escape(problem)}")
    if resolved.unusable:
        raise typer.Exit(EXIT_PARTIAL if lines else EXIT_BAD_INPUT)


def evaluate_roles(
    gold: Annotated[Path, typer.Argument(help="Gold subtask-1 file.")],
    pred: Annotated[Path, typer.Argument(help="Predicted subtask-1 file.")],
    docs: DocsOpt = None,
    as_json: ScoresJsonOpt = False,
) -> None:
    """Exact-match ratio of fine-role sets (official), micro P/R/F1, main-role accuracy."""
    if docs is not None:
        require_dir(docs)
    from narrascope.eval.roles import MentionLine, parse_mention_file, score_roles
    from narrascope.eval.subsets import ids_by_language

    g, p = parse_mention_file(gold, with_roles=True), parse_mention_file(pred, with_roles=True)
    for problem in g.problems + p.problems:
        err.print(f"[yellow]skipped:[/] {escape(problem)}")
    groups: dict[str, list[MentionLine]] = {"all": g.lines}
    if docs is not None:
        for lang, ids in ids_by_language(docs, sorted({m.article_id for m in g.lines})).items():
            wanted = set(ids)
            groups[lang] = [m for m in g.lines if m.article_id in wanted]
    rows = {name: asdict(score_roles(lines, p.lines)) for name, lines in groups.items()}
    if as_json:
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    _print_scores(rows)


def _print_scores(rows: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title="Entity framing")
    for col in ("subset", "mentions", "exact match", "micro P", "micro R", "micro F1", "main acc"):
        table.add_column(col, justify="left" if col == "subset" else "right")
    measures = ("exact_match", "micro_precision", "micro_recall", "micro_f1", "main_accuracy")
    for name, r in rows.items():
        table.add_row(name, str(r["n"]), *(f"{r[k]:.3f}" for k in measures))
    out.print(table)


def train_roles(
    data: Annotated[Path, typer.Option(help="SemEval training folder (with BG/EN/HI/PT/RU).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    cache: CacheOpt = Path("cache/embeddings.sqlite"),
    folds: FoldsOpt = 5,
    feedback: FeedbackOpt = None,
) -> None:
    """Train the entity-role model deterministically and write the artifact + manifest."""
    require_dir(data)
    check_output_dir(out_dir)
    if cache is not None:
        check_output_file(cache)
    from narrascope.eval.feedback import role_data
    from narrascope.models.training_roles import train_role_model

    corrections = role_data(load_corrections(feedback)) if feedback is not None else None
    train_role_model(data, out_dir, cache_path=cache, folds=folds, console=err, corrections=corrections)
