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

from narrascope.schema import Analysis

# One colour per PTC technique (colour-blind-friendly hues first), shared by both reports.
TECHNIQUE_COLOURS = {
    "Loaded_Language": "#f4a261",
    "Name_Calling,Labeling": "#e76f51",
    "Appeal_to_fear-prejudice": "#e9c46a",
    "Doubt": "#8ecae6",
    "Exaggeration,Minimisation": "#ffb4a2",
    "Flag-Waving": "#90be6d",
    "Causal_Oversimplification": "#cdb4db",
    "Repetition": "#bde0fe",
    "Slogans": "#f9c74f",
    "Appeal_to_Authority": "#a8dadc",
    "Black-and-White_Fallacy": "#d4a373",
    "Thought-terminating_Cliches": "#b5e48c",
    "Whataboutism,Straw_Men,Red_Herring": "#ffafcc",
    "Bandwagon,Reductio_ad_hitlerum": "#c9ada7",
}
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
    label: str  # technique name, attribution kind, or main role
    note: str  # tooltip / legend text
    colour: str


def marks_of(analysis: Analysis) -> list[Mark]:
    marks: list[Mark] = []
    if analysis.techniques:
        for span in analysis.techniques.spans:
            colour = TECHNIQUE_COLOURS.get(span.technique, DEFAULT_TECHNIQUE_COLOUR)
            note = f"{span.name} ({span.confidence:.2f})"
            marks.append(Mark(span.start, span.end, "technique", span.technique, note, colour))
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
