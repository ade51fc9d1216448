"""Self-contained HTML report of one ``Analysis`` (no scripts, fonts or images fetched).

Renders the same result model as ``--json`` through a Jinja2 template with
autoescaping (article text is untrusted input); the marked article uses the marks of
``cli.highlight``, so terminal and HTML agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from narrascope.cli.highlight import (
    ROLE_COLOURS,
    ROLE_LINES,
    SOURCING_COLOURS,
    Mark,
    marks_of,
    segments,
    technique_view,
)
from narrascope.cli.report import verdict_when_other
from narrascope.schema import Analysis, Evidence

_ROLE_ORDER = {"Antagonist": 0, "Protagonist": 1, "Innocent": 2}


def _bar(value: float) -> Markup:
    colour = "#16a34a" if value >= 0.6 else "#ca8a04" if value >= 0.35 else "#dc2626"
    width = f"{100 * value:.0f}%"
    return Markup(
        f'<span class="bar"><span style="width:{width};background:{colour}"></span></span> {value:.2f}'
    )


def _quotes(evidence: Sequence[Evidence]) -> Markup:
    return Markup("").join(
        Markup("<blockquote>“{}” <span class='off'>[{}:{}]</span></blockquote>").format(
            ev.text, ev.start, ev.end
        )
        for ev in evidence
    )


def _piece(text: str, active: list[Mark]) -> tuple[str, str, str, str]:
    classes, styles, titles = [], [], []
    for mark in active:
        if mark.layer == "technique":
            classes.append("t")
            styles.append(f"background:{mark.colour}")
        elif mark.layer == "sourcing":
            classes.append("s")
            styles.append(f"outline-color:{mark.colour}")
        else:
            # Entities are underlined (a line style per role, so colour is not the only cue):
            # the text stays black and legible on any technique background.
            classes.append("e")
            styles.append(
                f"text-decoration-color:{mark.colour};text-decoration-style:{ROLE_LINES[mark.label]}"
            )
        titles.append(mark.note)
    return text, ";".join(styles), " ".join(dict.fromkeys(classes)), " · ".join(dict.fromkeys(titles))


def render_html(analysis: Analysis, content: str | None = None) -> str:
    env = Environment(
        loader=PackageLoader("narrascope.cli", "templates"), autoescape=select_autoescape(default=True)
    )
    template = env.get_template("report.html.j2")
    pieces = []
    if content is not None:
        pieces = [_piece(content[s:e], active) for s, e, active in segments(content, marks_of(analysis))]
    entities = sorted(analysis.entities or [], key=lambda e: (_ROLE_ORDER.get(e.main_role, 3), -e.confidence))
    return template.render(
        a=analysis,
        entities=entities,
        pieces=pieces,
        bar=_bar,
        quotes=_quotes,
        role_colours=ROLE_COLOURS,
        role_lines=ROLE_LINES,
        sourcing_colours=SOURCING_COLOURS,
        techniques=technique_view(analysis.techniques) if analysis.techniques else None,
        escape=escape,
        verdict=verdict_when_other(analysis).plain if analysis.other else "",
    )
