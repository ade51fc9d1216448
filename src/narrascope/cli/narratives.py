"""Narrative classification commands: ``semeval narratives``, ``evaluate narratives``, ``train narratives``.

Only parses options, calls the library (``pipeline``, ``eval.semeval``, ``eval.subsets``,
``models.training``) and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from narrascope.cli.common import (
    CacheOpt,
    DocsOpt,
    FeedbackOpt,
    FoldsOpt,
    ModelOpt,
    ProfileOpt,
    ScoresJsonOpt,
    Sensitivity,
    SensitivityOpt,
    check_output_dir,
    check_output_file,
    err,
    finish_predictions,
    out,
    require_dir,
)
from narrascope.cli.corpus import load_corrections
from narrascope.io import InputError, iter_txt_dir, read_txt
from narrascope.schema import Article


def semeval_narratives(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of .txt articles (any of the five languages).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Prediction file to write.")],
    fast: ProfileOpt = False,
    sensitivity: SensitivityOpt = Sensitivity.balanced,
    model: ModelOpt = None,
) -> None:
    """Write subtask-2 predictions (id<TAB>narratives<TAB>subnarratives) for every file."""
    check_output_file(output)
    if model is not None:
        require_dir(model)
    paths = list(iter_txt_dir(docs_dir))
    # Imported after the checks: loading the pipeline takes seconds, a typo should not.
    from narrascope.eval.semeval import format_label_line
    from narrascope.pipeline import Analyzer
    from narrascope.util import progress

    analyzer = Analyzer(
        profile="fast" if fast else "narratives", model_dir=model, sensitivity=sensitivity.value
    )
    articles, failures = _read_all(paths)
    lines = []
    with progress(err, len(articles), "narratives") as advance:
        for analysis in analyzer.analyze_many(articles):
            coarse, fine = analysis.semeval_labels()
            lines.append(format_label_line(analysis.id, coarse, fine))
            advance()
    finish_predictions(output, lines, f"{len(lines)} predictions", failures, len(articles))


def _read_all(paths: list[Path]) -> tuple[list[Article], list[InputError]]:
    articles: list[Article] = []
    failures: list[InputError] = []
    for path in paths:
        try:
            articles.append(read_txt(path))
        except InputError as error:
            failures.append(error)
    return articles, failures


def evaluate_narratives(
    gold: Annotated[Path, typer.Argument(help="Gold subtask-2 file.")],
    pred: Annotated[Path, typer.Argument(help="Predicted subtask-2 file.")],
    docs: DocsOpt = None,
    as_json: ScoresJsonOpt = False,
) -> None:
    """Coarse and fine samples-F1, the official subtask-2 metric."""
    if docs is not None:
        require_dir(docs)
    from narrascope.eval.semeval import read_label_file, score_narratives
    from narrascope.eval.subsets import ids_by_language
    from narrascope.taxonomy import default_taxonomy

    tax = default_taxonomy()
    gold_lines, pred_lines = read_label_file(gold), read_label_file(pred)
    groups: dict[str, list[str]] = {"all": list(gold_lines)}
    if docs is not None:
        groups.update(ids_by_language(docs, list(gold_lines)))
    rows = {}
    for name, ids in groups.items():
        s = score_narratives(gold_lines, pred_lines, tax.narrative_labels(), tax.subnarrative_labels(), ids)
        rows[name] = {"articles": s.n, "coarse_f1": round(s.coarse, 4), "fine_f1": round(s.fine, 4)}
    missing = sum(1 for i in gold_lines if i not in pred_lines)
    if as_json:
        sys.stdout.write(json.dumps({"scores": rows, "missing_predictions": missing}, indent=2) + "\n")
        return
    _print_scores(rows)
    if missing:
        err.print(f"[yellow]{missing} gold article(s) have no prediction (scored as empty).[/]")


def _print_scores(rows: dict[str, dict[str, Any]]) -> None:
    from rich.table import Table

    table = Table(title="Narrative classification (samples-F1)")
    for col in ("subset", "articles", "coarse F1", "fine F1"):
        table.add_column(col, justify="right" if col != "subset" else "left")
    for name, row in rows.items():
        table.add_row(name, str(row["articles"]), f"{row['coarse_f1']:.3f}", f"{row['fine_f1']:.3f}")
    out.print(table)


def train_narratives(
    data: Annotated[Path, typer.Option(help="SemEval training folder (with BG/EN/HI/PT/RU).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Where to write the model artifact.")],
    unlabeled: Annotated[
        Path | None, typer.Option(help="Unlabelled articles (folder of language folders) for the IDF.")
    ] = None,
    cache: CacheOpt = Path("cache/embeddings.sqlite"),
    folds: FoldsOpt = 5,
    feedback: FeedbackOpt = None,
) -> None:
    """Train the narrative model deterministically and write the artifact + manifest."""
    require_dir(data)
    check_output_dir(out_dir)
    if cache is not None:
        check_output_file(cache)
    if unlabeled is not None:
        require_dir(unlabeled)
    from narrascope.eval.feedback import narrative_docs
    from narrascope.models.training import train_narrative_model

    corrections = narrative_docs(load_corrections(feedback)) if feedback is not None else []
    train_narrative_model(
        data,
        out_dir,
        unlabeled=unlabeled,
        cache_path=cache,
        folds=folds,
        console=err,
        corrections=corrections,
    )
