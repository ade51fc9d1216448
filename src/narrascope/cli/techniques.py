"""Commands for persuasion techniques (PTC / SemEval 2020 Task 11 file interfaces).

``ptc techniques`` writes span predictions for a folder of ``article<ID>.txt``;
``evaluate techniques`` scores a prediction file; ``train techniques`` reproduces the
shipped model; ``train segments`` the segment-level detector for Bulgarian, Polish and
Russian. ``cli.app`` registers these; the work happens in ``models.techniques``,
``models.training_techniques``, ``models.training_segments`` and ``eval.techniques``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from narrascope.cli.common import (
    CacheOpt,
    FoldsOpt,
    check_output_dir,
    check_output_file,
    err,
    fail,
    finish_predictions,
    out,
    require_dir,
)

TechniqueModelOpt = Annotated[
    Path | None, typer.Option("--model", help="Technique model directory (default: the shipped one).")
]


def ptc_techniques(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files (English).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Label file to write.")],
    model: TechniqueModelOpt = None,
    language: Annotated[
        str,
        typer.Option(help="Language of every article (en trained; bg/hi/pt/ru: untested transfer model)."),
    ] = "en",
) -> None:
    """Write id<TAB>technique<TAB>start<TAB>end (end exclusive) for every article."""
    from narrascope.io import InputError, iter_txt_dir, read_txt
    from narrascope.languages import SUPPORTED

    if language not in SUPPORTED:
        # Any other language would silently get no spans at all ("unsupported").
        raise fail(f"unsupported --language {language!r}; choose from {', '.join(SUPPORTED)}")
    check_output_file(output)
    if model is not None:
        require_dir(model)
    paths = list(iter_txt_dir(articles_dir))
    # Imported after the checks: loading the tagger takes seconds, a typo should not.
    from narrascope.eval.techniques import TechniqueLabel, article_id_from_name, format_label_line
    from narrascope.models.techniques import TechniqueTagger
    from narrascope.util import progress

    tagger = TechniqueTagger.load(model)
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
            # Another language than English asks for the transfer model explicitly (untested).
            result = tagger.tag([text], [language], transfer=True)[0]
            article_id = article_id_from_name(path.name)
            lines += [
                format_label_line(TechniqueLabel(article_id, s.start, s.end, s.ptc_technique or s.technique))
                for s in result.spans
            ]
            advance()
    succeeded = len(paths) - len(failures)
    finish_predictions(output, lines, f"{len(lines)} spans for {succeeded} article(s)", failures, succeeded)


def evaluate_techniques(
    gold: Annotated[Path, typer.Argument(help="Gold label file (4 columns; 3-column SI files too).")],
    pred: Annotated[Path, typer.Argument(help="Predicted label file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print scores as JSON.")] = False,
) -> None:
    """Span-identification F1 (SemEval 2020 Task 11) and labeled span F1, per technique."""
    from rich.table import Table

    from narrascope.eval.techniques import labeled_span_f1, per_technique, read_label_file, span_f1

    g, p = read_label_file(gold), read_label_file(pred)
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
    folds: FoldsOpt = 5,
) -> None:
    """Train the technique tagger deterministically and write the artifact + manifest."""
    require_dir(data)
    check_output_dir(out_dir)
    from narrascope.models.training_techniques import train_technique_model

    train_technique_model(data, out_dir, folds=folds, console=err)


def train_segments(
    data: Annotated[
        Path, typer.Option(help="Slavic persuasion corpus folder (BG/, PL/, RU/ with train.csv, valid.csv).")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    cache: CacheOpt = Path("cache/embeddings.sqlite"),
    folds: FoldsOpt = 5,
) -> None:
    """Train the segment-level technique detector deterministically and write the artifact + manifest."""
    require_dir(data)
    check_output_dir(out_dir)
    if cache is not None:
        check_output_file(cache)
    from narrascope.models.training_segments import train_segment_model

    try:
        train_segment_model(data, out_dir, cache_path=cache, folds=folds, console=err)
    except ValueError as error:
        raise fail(str(error)) from None
