"""The ``narrascope`` command tree: creates the typer apps and registers each task's commands.

Nothing else lives here: every command is in its task's module (``analyze``,
``narratives``, ``roles``, ``techniques``, ``explanations``, ``taxonomy``, ``batch``, ``corpus``,
``serve``), and
the entry point that turns exceptions into one-line errors is ``cli.entry``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from narrascope import __version__
from narrascope.cli import (
    analyze,
    batch,
    corpus,
    explanations,
    narratives,
    roles,
    serve,
    taxonomy,
    techniques,
)

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
ptc_app = typer.Typer(
    help="Persuasion-technique spans (PTC, SemEval 2020 Task 11) file interfaces.", no_args_is_help=True
)
corpus_app = typer.Typer(
    help="Questions about the corpus store filled by 'narrascope batch'.", no_args_is_help=True
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"narrascope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Show how news articles try to shape opinion: narratives, evidence and more."""


app.command("analyze")(analyze.analyze)
app.command("schema")(analyze.schema)
app.command("taxonomy")(taxonomy.taxonomy)
app.command("batch")(batch.batch)
app.command("serve")(serve.serve)

app.add_typer(semeval_app, name="semeval")
semeval_app.command("narratives")(narratives.semeval_narratives)
semeval_app.command("roles")(roles.semeval_roles)
semeval_app.command("explanations")(explanations.semeval_explanations)

app.add_typer(evaluate_app, name="evaluate")
evaluate_app.command("narratives")(narratives.evaluate_narratives)
evaluate_app.command("roles")(roles.evaluate_roles)
evaluate_app.command("techniques")(techniques.evaluate_techniques)
evaluate_app.command("explanations")(explanations.evaluate_explanations)

app.add_typer(train_app, name="train")
train_app.command("narratives")(narratives.train_narratives)
train_app.command("roles")(roles.train_roles)
train_app.command("techniques")(techniques.train_techniques)
train_app.command("segments")(techniques.train_segments)

app.add_typer(ptc_app, name="ptc")
ptc_app.command("techniques")(techniques.ptc_techniques)

app.add_typer(corpus_app, name="corpus")
corpus_app.command("stats")(corpus.stats_command)
corpus_app.command("plot")(corpus.plot_command)
corpus_app.command("entities")(corpus.entities_command)
corpus_app.command("stories")(corpus.stories_command)
corpus_app.command("story")(corpus.story_command)
feedback_app = typer.Typer(help="Analyst feedback kept in the corpus store.", no_args_is_help=True)
corpus_app.add_typer(feedback_app, name="feedback")
feedback_app.command("export")(corpus.feedback_export_command)
