"""Commands for persuasion techniques (PTC / SemEval 2020 Task 11 file interfaces).

``ptc techniques`` writes span predictions for a folder of ``article<ID>.txt``;
``evaluate techniques`` scores a prediction file; ``train techniques`` reproduces the
shipped model. app.py registers these on its sub-apps; the work happens in
``models.techniques`` and ``eval.techniques``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from narrascope.cli.common import EXIT_BAD_INPUT, finish_predictions

ptc_app = typer.Typer(help="Persuasion-technique spans (PTC, SemEval 2020 Task 11) file interfaces.")

out = Console()
err = Console(stderr=True)

TechniqueModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Technique model directory (default: the shipped one).")
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


@ptc_app.command("techniques")
def ptc_techniques(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files (English).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Label file to write.")],
    model: TechniqueModelOpt = None,
    language: Annotated[
        str, typer.Option(help="Language of every article (en trained; bg/hi/pt/ru transfer).")
    ] = "en",
) -> None:
    """Write id<TAB>technique<TAB>start<TAB>end (end exclusive) for every article."""
    from narrascope.eval.techniques import TechniqueLabel, article_id_from_name, format_label_line
    from narrascope.io import InputError, iter_txt_dir, read_txt
    from narrascope.models.techniques import TechniqueTagger
    from narrascope.util import progress

    try:
        paths = list(iter_txt_dir(articles_dir))
    except InputError as error:
        raise _fail(str(error)) from None
    try:
        tagger = TechniqueTagger.load(model)
    except (FileNotFoundError, ValueError) as error:
        raise _fail(str(error)) from None
    failures: list[InputError] = []
    lines: list[str] = []
    with progress(err, len(paths), "techniques") as advance:
        for path in paths:
            try:
                text = read_txt(path).content
            except InputError as error:
                failures.append(error)
                advance()
                continue
            result = tagger.tag([text], [language])[0]
            article_id = article_id_from_name(path.name)
            lines += [
                format_label_line(TechniqueLabel(article_id, s.start, s.end, s.technique))
                for s in result.spans
            ]
            advance()
    summary = f"{len(lines)} spans for {len(paths) - len(failures)} article(s)"
    finish_predictions(output, lines, summary, failures, err)


def evaluate_techniques(
    gold: Annotated[Path, typer.Argument(help="Gold label file (4 columns; 3-column SI files too).")],
    pred: Annotated[Path, typer.Argument(help="Predicted label file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Span-identification F1 (SemEval 2020 Task 11) and labeled span F1, per technique."""
    from rich.table import Table

    from narrascope.eval.techniques import (
        LabelFileError,
        labeled_span_f1,
        per_technique,
        read_label_file,
        span_f1,
    )

    try:
        g, p = read_label_file(gold), read_label_file(pred)
    except LabelFileError as error:
        raise _fail(str(error)) from None
    # PTC gold files list only articles with spans: predictions on any other article
    # are scored as false positives, so the ids are the union of both files.
    unknown = sorted({x.article_id for x in p} - {x.article_id for x in g})
    ids = sorted({x.article_id for x in g} | set(unknown))
    si, lab = span_f1(g, p, ids), labeled_span_f1(g, p, ids)
    rows = {"span identification": si, "labeled (same technique)": lab}
    if any(x.technique for x in g):
        rows.update(per_technique(g, p, ids))
    if as_json:
        payload = {
            name: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "pred": s.n_pred,
                "gold": s.n_gold,
            }
            for name, s in rows.items()
        }
        sys.stdout.write(json.dumps({"articles": len(ids), "scores": payload}, indent=2) + "\n")
    else:
        table = Table(title=f"Persuasion-technique spans ({len(ids)} articles)")
        for col in ("measure", "P", "R", "F1", "pred", "gold"):
            table.add_column(col, justify="left" if col == "measure" else "right")
        for name, s in rows.items():
            table.add_row(
                name, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.n_pred), str(s.n_gold)
            )
        out.print(table)
    if unknown:
        err.print(
            f"[yellow]{len(unknown)} predicted article id(s) have no gold span: their spans count as false "
            "positives.[/]"
        )


def train_techniques(
    data: Annotated[Path, typer.Option(help="PTC folder (train-articles/, train-task2-TC.labels).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    folds: Annotated[int, typer.Option(help="Cross-validation folds (0 = skip CV).")] = 5,
) -> None:
    """Train the technique tagger deterministically and write the artifact + manifest."""
    from narrascope.eval.techniques import LabelFileError
    from narrascope.models.training_techniques import train_technique_model

    try:
        train_technique_model(data, out_dir, folds=folds, console=err)
    except (FileNotFoundError, LabelFileError) as error:
        raise _fail(str(error)) from None


def register(app: typer.Typer, evaluate_app: typer.Typer, train_app: typer.Typer) -> None:
    """Attach the technique commands to the main CLI's sub-apps."""
    app.add_typer(ptc_app, name="ptc")
    evaluate_app.command("techniques")(evaluate_techniques)
    train_app.command("techniques")(train_techniques)
