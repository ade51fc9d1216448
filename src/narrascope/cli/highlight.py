"""Marks to paint on the article text: technique spans, sourcing cues, entity mentions.

Both the terminal report and the HTML report draw the same marks, computed here from
an ``Analysis`` alone (offsets index ``Article.content``). Overlapping marks are
allowed: ``segments`` cuts the text at every mark boundary so each piece carries the
set of marks active on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from narrascope.schema import Analysis, Techniques
from narrascope.taxonomy.techniques import TechniqueFamily, persuasion_techniques

DEFAULT_TECHNIQUE_COLOUR = "#dddddd"
SOURCING_COLOURS = {
    "named_source": "#2a9d8f",
    "named_outlet": "#264653",
    "vague_source": "#d62828",
    "hedge": "#f77f00",
    "unattributed": "#999999",
}
ROLE_COLOURS = {"Protagonist": "#2b9348", "Antagonist": "#c1121f", "Innocent": "#1d4ed8"}
# Entities are underlined; the line style tells the role apart without relying on colour.
ROLE_LINES = {"Protagonist": "solid", "Antagonist": "double", "Innocent": "dotted"}


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    layer: str  # "technique" | "sourcing" | "entity"
    label: str  # technique family label, attribution kind, or main role
    note: str  # tooltip / legend text
    colour: str


# ---------------------------------------------------------------- techniques, by family
# Techniques are coloured by family (persuasion.json). Marks and chips use a pale tint of
# the family colour, so black text stays legible on them (and under the other layers).
TINT = 0.4


def tint(colour: str, strength: float = TINT) -> str:
    """``colour`` (#rrggbb) mixed with white: ``strength`` 1 keeps it, 0 is white."""
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - (255 - c) * strength):02x}" for c in rgb)


def family_of(label: str) -> TechniqueFamily | None:
    """The family of a technique label (product or, in results before schema 2.3, PTC)."""
    scheme = persuasion_techniques()
    try:
        return scheme.family(scheme.resolve(label))
    except KeyError:
        return None


@dataclass(frozen=True)
class FamilyCount:
    label: str
    name: str
    colour: str  # the family colour (text, borders)
    background: str  # its tint (marks, chips)
    count: int


@dataclass(frozen=True)
class SegmentRow:
    """A sentence and its techniques: ``(name, family label, background, confidence)``."""

    start: int
    end: int
    text: str
    techniques: list[tuple[str, str, str, float]]


@dataclass(frozen=True)
class TechniqueView:
    """What every report shows of ``Analysis.techniques``."""

    model: str
    evaluation: str
    trust: str
    note: str
    warning: str  # shown prominently when not empty (untested output)
    families: list[FamilyCount]
    segments: list[SegmentRow]
    spans: int


def technique_view(techniques: Techniques) -> TechniqueView:
    """The report's view: family summary (every family, in the scheme's order), the segments
    with their techniques, and a warning for output no one has evaluated."""
    counts = dict(techniques.family_counts)
    if not counts:  # a result from before schema 2.3: count its spans by family
        for span in techniques.spans:
            family = family_of(span.technique)
            if family is not None:
                counts[family.label] = counts.get(family.label, 0) + 1
    families = [
        FamilyCount(f.label, f.name, f.colour, tint(f.colour), counts.get(f.label, 0))
        for f in persuasion_techniques().families
    ]
    background = {f.label: f.background for f in families}
    rows = [
        SegmentRow(
            s.start,
            s.end,
            s.text,
            [
                (t.name, t.family, background.get(t.family, DEFAULT_TECHNIQUE_COLOUR), t.confidence)
                for t in s.techniques
            ],
        )
        for s in techniques.segments
    ]
    warning = ""
    if techniques.trust in ("untested", "transfer"):
        generic = "UNTESTED: a model never evaluated in this language found these; treat each as a guess."
        warning = techniques.note if techniques.note.startswith("UNTESTED") else generic
    return TechniqueView(
        model=techniques.model or "unknown",
        evaluation=techniques.evaluation,
        trust=techniques.trust,
        note=techniques.note,
        warning=warning,
        families=families,
        segments=rows,
        spans=len(techniques.spans),
    )


def technique_marks(techniques: Techniques) -> list[Mark]:
    """Spans when the model gives them, else the segments (by their top technique); the
    mark's label is the technique's family, its colour the family tint."""
    marks = []
    untested = " — untested" if techniques.trust in ("untested", "transfer") else ""
    for span in techniques.spans:
        family = family_of(span.technique)
        colour = tint(family.colour) if family else DEFAULT_TECHNIQUE_COLOUR
        label = family.label if family else "unknown"
        family_name = family.name if family else "unknown family"
        note = f"{span.name} ({family_name}, {span.confidence:.2f}{untested})"
        marks.append(Mark(span.start, span.end, "technique", label, note, colour))
    if techniques.spans:
        return marks
    for segment in techniques.segments:
        top = segment.techniques[0]
        family = family_of(top.technique)
        names = ", ".join(f"{t.name} {t.confidence:.2f}" for t in segment.techniques)
        colour = tint(family.colour) if family else DEFAULT_TECHNIQUE_COLOUR
        marks.append(
            Mark(
                segment.start, segment.end, "technique", family.label if family else "unknown", names, colour
            )
        )
    return marks


def marks_of(analysis: Analysis) -> list[Mark]:
    marks: list[Mark] = []
    if analysis.techniques:
        marks += technique_marks(analysis.techniques)
    if analysis.sourcing:
        for claim in analysis.sourcing.claims:
            if claim.source is not None:
                note = claim.kind.replace("_", " ")
                colour = SOURCING_COLOURS[claim.kind]
                marks.append(Mark(claim.source.start, claim.source.end, "sourcing", claim.kind, note, colour))
    for entity in analysis.entities or []:
        note = f"{entity.name}: {entity.main_role} ({', '.join(entity.fine_roles)})"
        for m in entity.mentions:
            marks.append(
                Mark(m.start, m.end, "entity", entity.main_role, note, ROLE_COLOURS[entity.main_role])
            )
    return sorted(marks, key=lambda m: (m.start, -m.end))


def segments(text: str, marks: Sequence[Mark]) -> list[tuple[int, int, list[Mark]]]:
    """Cut ``text`` at every mark boundary: ``(start, end, marks active on it)`` pieces covering it."""
    cuts = {0, len(text)}
    for m in marks:
        cuts.update((max(0, min(m.start, len(text))), max(0, min(m.end, len(text)))))
    points = sorted(cuts)
    out = []
    for a, b in pairwise(points):
        if b > a:
            out.append((a, b, [m for m in marks if m.start <= a and b <= m.end]))
    return out
