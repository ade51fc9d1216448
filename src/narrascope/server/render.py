"""What the web pages draw: the marked article, the palette as CSS, and charts as inline SVG.

The marks are those of ``cli.highlight`` (the terminal and HTML reports draw the same);
only their look differs, because the pages run under a Content-Security-Policy without
inline styles: every colour is a CSS class, and the stylesheet is generated from the
palette below so the legend, the CSS and the marks cannot disagree. Layers stay
legible where they overlap because each uses its own channel: a technique is a
background (a tint of its family's colour from ``taxonomy/techniques/persuasion.json``),
an entity an underline (style per role), a source cue an outline.
Colours are from the Okabe-Ito and Paul Tol palettes, chosen to stay apart for
colour-blind readers; every colour is named in the legend and in each mark's tooltip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from narrascope.cli.highlight import ROLE_LINES, Mark, marks_of, segments, tint
from narrascope.cli.highlight import technique_view as technique_view  # the pages use the reports' view
from narrascope.corpus.queries import SPARSE_PERIOD
from narrascope.schema import Analysis
from narrascope.taxonomy.techniques import persuasion_techniques

# Entities: underline colour and style per main role (style differs too, not only hue).
ROLES = {
    "Protagonist": ("#009E73", ROLE_LINES["Protagonist"]),  # bluish green
    "Antagonist": ("#D55E00", ROLE_LINES["Antagonist"]),  # vermillion
    "Innocent": ("#0072B2", ROLE_LINES["Innocent"]),  # blue
}
# Sourcing cues: outline colour and style.
SOURCING = {
    "named_source": ("#0072B2", "solid", "named source"),
    "named_outlet": ("#56B4E9", "solid", "named outlet"),
    "vague_source": ("#CC79A7", "dashed", "vague source"),
    "hedge": ("#E69F00", "dotted", "hedge"),
    "unattributed": ("#999999", "dotted", "unattributed claim"),
}
SERIES_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")


def family_labels() -> list[str]:
    return [f.label for f in persuasion_techniques().families]


def technique_class(family: str) -> str:
    """The CSS class of a technique family (techniques are coloured by family)."""
    labels = family_labels()
    return f"t-{labels.index(family)}" if family in labels else "t-x"


def palette_css() -> str:
    """The stylesheet of every mark colour (served as /static/palette.css)."""
    rules = [".t-x { background: #EEEEEE; }"]
    for i, family in enumerate(persuasion_techniques().families):
        # Marks and chips: the family's tint (black text stays legible); borders: the colour.
        rules.append(f".t-{i} {{ background: {tint(family.colour)}; border-color: {family.colour}; }}")
    for role, (colour, style) in ROLES.items():
        rules.append(
            f".e-{role.lower()} {{ text-decoration: underline {style} {colour} 3px; "
            f"text-underline-offset: 4px; }}"
        )
        rules.append(f".c-{role.lower()} {{ color: {colour}; }}")
    for kind, (colour, style, _name) in SOURCING.items():
        rules.append(f".s-{kind} {{ outline: 2px {style} {colour}; outline-offset: 1px; }}")
    for i, colour in enumerate(SERIES_COLOURS):
        rules.append(f".series-{i} {{ stroke: {colour}; fill: {colour}; }}")
    return "\n".join(rules) + "\n"


def legend() -> dict[str, list[tuple[str, str, str]]]:
    """Every colour on the page with its name: ``layer -> [(css class, name, colour words)]``."""
    return {
        "technique": [
            (technique_class(f.label), f.name, f"{f.colour} tint") for f in persuasion_techniques().families
        ],
        "entity": [
            (f"e-{role.lower()}", role, f"{style} underline {colour}")
            for role, (colour, style) in ROLES.items()
        ],
        "sourcing": [
            (f"s-{kind}", name, f"{style} outline {colour}")
            for kind, (colour, style, name) in SOURCING.items()
            if kind != "unattributed"
        ],
    }


@dataclass(frozen=True)
class Piece:
    """A run of article text with the marks active on it."""

    text: str
    classes: str
    title: str
    anchor: str | None  # id of an evidence sentence starting here


def _mark_class(mark: Mark) -> str:
    if mark.layer == "technique":
        return f"t {technique_class(mark.label)}"
    if mark.layer == "sourcing":
        return f"s s-{mark.label}"
    return f"e e-{mark.label.lower()}"


_LAYER_NAMES = {"technique": "technique", "sourcing": "source cue", "entity": "entity"}


def _note(mark: Mark) -> str:
    return f"{_LAYER_NAMES[mark.layer]}: {mark.note}"


def evidence_starts(analysis: Analysis) -> set[int]:
    """Offsets where an evidence sentence of a narrative, sub-narrative, weak signal or the
    explanation begins."""
    labels = [*analysis.narratives, *analysis.weak_signals]
    labels += [s for n in analysis.narratives for s in n.subnarratives]
    starts = {ev.start for label in labels for ev in label.evidence}
    return starts | {ev.start for ev in (analysis.explanation.evidence if analysis.explanation else [])}


def pieces(analysis: Analysis, content: str) -> list[Piece]:
    """The article cut at every mark and evidence boundary, each piece with its classes."""
    marks = marks_of(analysis)
    starts = evidence_starts(analysis)
    anchors = [Mark(s, s, "evidence", "", "", "") for s in starts]
    out: list[Piece] = []
    for start, end, active in segments(content, [*marks, *anchors]):
        real = [m for m in active if m.layer != "evidence"]
        classes = " ".join(dict.fromkeys(_mark_class(m) for m in real))
        title = " · ".join(dict.fromkeys(_note(m) for m in real))
        out.append(Piece(content[start:end], classes, title, f"ev-{start}" if start in starts else None))
    return out


# --------------------------------------------------------------------------- charts


def bar_chart(
    rows: Sequence[tuple[str, int]],
    caption: str,
    width: int = 640,
    link: Callable[[str], str | None] | None = None,
) -> Markup:
    """Horizontal bars with the label left and the count right; an accessible SVG.

    ``link`` gives the page a label leads to (its narrative or entity page), if any."""
    if not rows:
        return Markup("<p class='muted'>No data yet.</p>")
    row_h, label_w, num_w = 22, 300, 50
    top = max(n for _, n in rows) or 1
    height = row_h * len(rows) + 6
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}">',
        f"<title>{escape(caption)}</title>",
    ]
    for i, (label, n) in enumerate(rows):
        y = i * row_h + 3
        bar = max(1.0, (width - label_w - num_w) * n / top)
        short = label if len(label) <= 44 else label[:43] + "…"
        text = f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="lbl">{escape(short)}</text>'
        href = link(label) if link else None
        if href:
            text = f'<a href="{escape(href)}" class="lbl-link">{text}</a>'
        parts.append(
            f"<g><title>{escape(label)}: {n}</title>{text}"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar:.1f}" height="{row_h - 6}" class="bar"/>'
            f'<text x="{label_w + bar + 4:.1f}" y="{y + 15}" class="num">{n}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


SPARSE = SPARSE_PERIOD
"""A period with fewer dated articles than this is drawn hollow: too few to mean much."""


def line_chart(
    periods: Sequence[str],
    totals: Sequence[int],
    series: dict[str, list[int]],
    caption: str,
    shares: bool = False,
) -> Markup:
    """Articles per period for each series (or their share of the period's articles): lines with
    dots, hollow dots on sparse periods."""
    if not periods:
        return Markup("<p class='muted'>No dated articles: a trend needs a publication date.</p>")
    width, height, left, right, top_pad, bottom = 1000, 260, 40, 45, 10, 40
    if shares:
        series_values = {
            k: [n / t if t else 0.0 for n, t in zip(v, totals, strict=True)] for k, v in series.items()
        }
    else:
        series_values = {k: [float(n) for n in v] for k, v in series.items()}
    peak = max([1e-9 if shares else 1.0, *(v for values in series_values.values() for v in values)])

    def shown(v: float) -> str:
        return f"{v:.0%}" if shares else f"{v:.0f}"

    span_x = max(1, len(periods) - 1)

    def x(i: int) -> float:
        return left + (width - left - right) * (i / span_x if len(periods) > 1 else 0.5)

    def y(v: float) -> float:
        return top_pad + (height - top_pad - bottom) * (1 - v / peak)

    parts = [
        f'<svg class="chart trend" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}">',
        f"<title>{escape(caption)}</title>",
        f'<line x1="{left}" y1="{y(0):.1f}" x2="{width - right}" y2="{y(0):.1f}" class="axis"/>',
        f'<text x="{left - 6}" y="{y(peak) + 4:.1f}" text-anchor="end" class="num">{shown(peak)}</text>',
        f'<text x="{left - 6}" y="{y(0) + 4:.1f}" text-anchor="end" class="num">0</text>',
    ]
    step = max(1, -(-len(periods) // 10))  # at most 10 date labels
    for i in range(0, len(periods), step):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" class="num">'
            f"{escape(periods[i])}</text>"
        )
    for k, (label, values) in enumerate(series_values.items()):
        counts = series[label]
        cls = f"series-{k % len(SERIES_COLOURS)}"
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
        parts.append(f'<g class="{cls}"><title>{escape(label)}</title>')
        parts.append(f'<polyline points="{points}" class="line"/>')
        for i, v in enumerate(values):
            hollow = " sparse" if totals[i] < SPARSE else ""
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" class="dot{hollow}">'
                f"<title>{escape(label)}, {escape(periods[i])}: {counts[i]} of {totals[i]} articles"
                f"{f' ({shown(v)})' if shares else ''}</title></circle>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def story_timeline(members: Sequence[Any]) -> Markup:
    """A story's articles as dots on a time axis, one row per outlet (hollow: a near-copy),
    coloured by language; each dot names its article on hover."""
    from datetime import datetime

    dated = [m for m in members if m.published]
    if len(dated) < 2:
        return Markup("")
    times = [datetime.fromisoformat(m.published).timestamp() for m in dated]
    outlets = list(dict.fromkeys(m.outlet or "(unknown)" for m in dated))
    languages = list(dict.fromkeys(m.language for m in dated))
    start, span = min(times), max(1.0, max(times) - min(times))
    left, width, row_h = 180, 1000, 22
    height = row_h * len(outlets) + 30
    parts = [
        f'<svg class="chart story-timeline" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}"><title>Who published the story when</title>'
    ]
    for i, outlet in enumerate(outlets):
        y = i * row_h + 14
        short = outlet if len(outlet) <= 26 else outlet[:25] + "…"
        parts.append(f'<text x="{left - 8}" y="{y + 4}" text-anchor="end" class="lbl">{escape(short)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - 20}" y2="{y}" class="axis"/>')
    for m, t in zip(dated, times, strict=True):
        x = left + (width - left - 30) * (t - start) / span
        y = outlets.index(m.outlet or "(unknown)") * row_h + 14
        colour = f"series-{languages.index(m.language) % len(SERIES_COLOURS)}"
        hollow = " sparse" if m.copy_of else ""
        parts.append(
            f'<g class="{colour}"><circle cx="{x:.1f}" cy="{y}" r="5" class="dot{hollow}">'
            f"<title>{escape(m.published[:16].replace('T', ' '))} · {escape(m.language)} · "
            f"{escape(m.title)}</title></circle></g>"
        )
    first, last = dated[0].published[:16].replace("T", " "), dated[-1].published[:16].replace("T", " ")
    parts.append(f'<text x="{left}" y="{height - 6}" class="num">{escape(first)}</text>')
    parts.append(
        f'<text x="{width - 20}" y="{height - 6}" text-anchor="end" class="num">{escape(last)}</text>'
    )
    parts.append("</svg>")
    legend = " ".join(
        f'<span class="swatch"><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" '
        f'class="series-{i % len(SERIES_COLOURS)}"/></svg> {escape(lang)}</span>'
        for i, lang in enumerate(languages)
    )
    return Markup("".join(parts) + f'<p class="series-legend">{legend} · hollow dot: a near-copy</p>')
