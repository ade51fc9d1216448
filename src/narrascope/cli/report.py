"""Readable terminal rendering of an ``Analysis`` (rich)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from narrascope.cli.highlight import SOURCING_COLOURS, Mark, marks_of, segments, technique_view, tint
from narrascope.schema import Analysis, Evidence
from narrascope.taxonomy.techniques import persuasion_techniques

_BAR_WIDTH = 10


def confidence_bar(value: float) -> Text:
    filled = round(value * _BAR_WIDTH)
    colour = "green" if value >= 0.6 else "yellow" if value >= 0.35 else "red"
    bar = Text("█" * filled, style=colour)
    bar.append("░" * (_BAR_WIDTH - filled), style="dim")
    bar.append(f" {value:.2f}")
    return bar


def _quote(evidence: list[Evidence], limit: int = 240) -> Text:
    out = Text()
    for i, ev in enumerate(evidence):
        snippet = ev.text if len(ev.text) <= limit else ev.text[: limit - 1] + "…"
        if i:
            out.append("\n")
        out.append(f"“{snippet}”", style="italic")
        out.append(f"  [{ev.start}:{ev.end}]", style="dim")
    return out


def render_analysis(analysis: Analysis, console: Console, content: str | None = None) -> None:
    """The terminal report; with ``content`` (the article text) also the highlighted article."""
    lang = analysis.language
    head = Text()
    head.append(analysis.title or "(untitled)", style="bold")
    head.append(f"\nid {analysis.id}   ", style="dim")
    head.append(f"language {lang.code}")
    head.append(f" ({'detected' if lang.detected else 'given'}, {lang.confidence:.2f})", style="dim")
    if not analysis.language_supported:
        head.append("  ⚠ not a language the models were trained on", style="bold red")
    head.append(f"   domain {analysis.domain}   ")
    head.append(f"profile {analysis.provenance.profile}", style="dim")
    console.print(Panel(head, title="narrascope", border_style="cyan"))

    _render_skipped(analysis, console)
    if analysis.other:
        console.print(verdict_when_other(analysis))
    elif analysis.narratives:
        _render_narratives(analysis, console)
    if analysis.explanation:
        _render_explanation(analysis, console)
    if analysis.weak_signals:
        _render_weak_signals(analysis, console)
    if analysis.entities:
        _render_entities(analysis, console)
    if analysis.sourcing:
        _render_sourcing(analysis, console)
    if analysis.techniques:
        _render_techniques(analysis, console)
    if content is not None and (analysis.techniques or analysis.sourcing or analysis.entities):
        _render_highlighted(analysis, content, console)


def _render_skipped(analysis: Analysis, console: Console) -> None:
    """Say plainly which stages did not run and why (e.g. an unsupported language)."""
    if not analysis.skipped:
        return
    text = Text("Not analysed:\n", style="bold yellow")
    for stage in analysis.skipped:
        text.append(f"  • {stage.component}: ", style="bold")
        text.append(f"{stage.reason}\n")
    console.print(text)


# A near-miss at least this close to the threshold is called out in the verdict.
NEAR_MISS = 0.75


def verdict_when_other(analysis: Analysis) -> Text:
    """The headline when no narrative passed: plain words, never contradicting the leads shown."""
    decision = analysis.narrative_decision
    if decision is None:
        return Text("No narrative passed the decision threshold (label: Other).", style="bold green")
    text = Text()
    lead = analysis.weak_signals[0] if analysis.weak_signals else None
    if lead is not None and lead.confidence >= NEAR_MISS * decision.coarse_threshold:
        text.append("No narrative reached the threshold", style="bold yellow")
        text.append(
            f" ({decision.coarse_threshold:.2f}, {decision.sensitivity} sensitivity), but one came close: "
        )
        text.append(lead.name, style="bold")
        text.append(f" at {lead.confidence:.2f}. Read its evidence below; ")
        if decision.sensitivity != "high":
            text.append("--sensitivity high reports such leads as findings.")
        else:
            text.append("treat it as a lead, not a finding.")
        return text
    text.append("No narrative of the taxonomy found (label: Other)", style="bold green")
    text.append(
        f": the article is judged {decision.pushes_narrative:.0%} likely to push any narrative "
        f"({decision.sensitivity} sensitivity)."
    )
    return text


def _render_weak_signals(analysis: Analysis, console: Console) -> None:
    threshold = analysis.narrative_decision.coarse_threshold if analysis.narrative_decision else None
    below = (
        f"below the threshold {threshold:.2f}" if threshold is not None else "below the decision threshold"
    )
    table = Table(
        title=f"Weaker signals ({below}: leads, not findings)",
        show_lines=True,
        expand=True,
        title_style="dim",
    )
    table.add_column("Narrative", ratio=3)
    table.add_column("Confidence", width=16, no_wrap=True)
    table.add_column("Closest evidence", ratio=5)
    for signal in analysis.weak_signals:
        table.add_row(
            Text(signal.label, style="dim"), confidence_bar(signal.confidence), _quote(signal.evidence[:1])
        )
    console.print(table)


def _render_narratives(analysis: Analysis, console: Console) -> None:
    decision = analysis.narrative_decision
    title = "Narratives pushed"
    if decision is not None:
        title += (
            f" (confidence ≥ {decision.coarse_threshold:.2f} for a narrative, "
            f"≥ {decision.fine_threshold:.2f} for a sub-narrative; {decision.sensitivity} sensitivity)"
        )
    table = Table(title=title, show_lines=True, expand=True)
    table.add_column("Narrative / sub-narrative", ratio=3)
    table.add_column("Confidence", width=16, no_wrap=True)
    table.add_column("Strongest evidence", ratio=5)
    for narrative in analysis.narratives:
        table.add_row(
            Text(narrative.label, style="bold"),
            confidence_bar(narrative.confidence),
            _quote(narrative.evidence),
        )
        for sub in narrative.subnarratives:
            show = sub.evidence if not sub.label.endswith(": Other") else []
            table.add_row(
                Text(f"  ↳ {sub.name}"), confidence_bar(sub.confidence), _quote(show) if show else Text("")
            )
    console.print(Group(table))


def _render_explanation(analysis: Analysis, console: Console) -> None:
    explanation = analysis.explanation
    assert explanation is not None
    text = Text(explanation.text)
    origin = "quoted from the article" if explanation.method == "extractive" else explanation.method
    text.append(f"\n{len(explanation.text.split())} words, {origin}", style="dim")
    if explanation.note:
        text.append(f"\n⚠ {explanation.note}", style="yellow")
    name = explanation.subnarrative or explanation.narrative
    console.print(Panel(text, title=f"Why: {name}", title_align="left", border_style="magenta"))


ROLE_STYLES = {"Protagonist": "bold green", "Antagonist": "bold red", "Innocent": "bold blue"}


def _render_entities(analysis: Analysis, console: Console) -> None:
    assert analysis.entities is not None
    table = Table(
        title="Entity framing: who is cast as hero, villain or victim", show_lines=True, expand=True
    )
    table.add_column("Entity (mentions)", ratio=2)
    table.add_column("Role", ratio=2)
    table.add_column("Confidence", width=16, no_wrap=True)
    table.add_column("Sentence that shows it", ratio=5)
    order = {"Antagonist": 0, "Protagonist": 1, "Innocent": 2}
    for entity in sorted(analysis.entities, key=lambda e: (order.get(e.main_role, 3), -e.confidence)):
        name = Text(entity.name, style="bold")
        name.append(f"  ×{len(entity.mentions)}", style="dim")
        if entity.origin == "given":
            name.append("  (given)", style="dim")
        role = Text(entity.main_role, style=ROLE_STYLES.get(entity.main_role, "bold"))
        role.append("\n" + ", ".join(entity.fine_roles))
        table.add_row(
            name,
            role,
            confidence_bar(entity.confidence),
            _quote([entity.evidence]) if entity.evidence else Text(""),
        )
    console.print(table)


def _render_sourcing(analysis: Analysis, console: Console) -> None:
    sourcing = analysis.sourcing
    assert sourcing is not None
    total = len(sourcing.claims)
    head = Text(f"Sourcing: {total} claims, ", style="bold")
    head.append(f"{sourcing.named_share:.0%} with a named, verifiable source", style="bold")
    parts = Text("   ")
    for kind, count in sourcing.counts.items():
        parts.append(f"{kind.replace('_', ' ')} {count}  ", style=SOURCING_COLOURS.get(kind, ""))
    console.print(head, parts)
    weak = [c for c in sourcing.claims if c.kind in ("vague_source", "hedge")]
    if not weak:
        return
    table = Table(title="Vaguely sourced or hedged claims", show_lines=True, expand=True)
    table.add_column("Kind", width=14)
    table.add_column("Cue", ratio=1)
    table.add_column("Claim", ratio=5)
    for claim in weak[:10]:
        table.add_row(
            Text(claim.kind.replace("_", " "), style=SOURCING_COLOURS[claim.kind]),
            Text(claim.source.text if claim.source else ""),
            _quote([Evidence(start=claim.start, end=claim.end, text=claim.text, score=0.0)]),
        )
    console.print(table)


MAX_SEGMENT_ROWS = 15


def _render_techniques(analysis: Analysis, console: Console) -> None:
    techniques = analysis.techniques
    assert techniques is not None
    view = technique_view(techniques)
    header = Text("Persuasion techniques", style="bold")
    header.append(f"   model {view.model} ({view.trust})", style="dim")
    lines = [header]
    if view.evaluation:
        lines.append(Text(f"Evaluated: {view.evaluation}", style="dim"))
    if view.warning:
        lines.append(Text(f"⚠ {view.warning}", style="bold red"))
    elif view.trust == "unsupported":
        lines.append(Text(view.note, style="yellow"))
    summary = Text("By family: ", style="dim")
    for family in view.families:
        summary.append(f" {family.name} {family.count} ", style=f"black on {family.background}")
        summary.append(" ")
    lines.append(summary)
    console.print(Group(*lines))
    if not view.segments:
        return
    title = f"Technique findings per sentence ({len(view.segments)} sentences, {view.spans} spans)"
    table = Table(title=title, show_lines=False, expand=True)
    table.add_column("Sentence", ratio=5)
    table.add_column("Techniques (confidence)", ratio=3)
    for row in view.segments[:MAX_SEGMENT_ROWS]:
        found = Text()
        for name, _family, background, confidence in row.techniques:
            found.append(f" {name} {confidence:.2f} ", style=f"black on {background}")
            found.append(" ")
        sentence = row.text if len(row.text) <= 220 else row.text[:219] + "…"
        table.add_row(Text(f"{sentence}  [{row.start}:{row.end}]"), found)
    console.print(table)
    if len(view.segments) > MAX_SEGMENT_ROWS:
        console.print(
            Text(f"… {len(view.segments) - MAX_SEGMENT_ROWS} more sentences (see --json)", style="dim")
        )


# A terminal has one foreground colour per character: on a technique background it must stay
# black to be read, so an entity's role is told by a tag after the mention, in the role's colour.
ROLE_TAGS = {"Protagonist": "ᴾ", "Antagonist": "ᴬ", "Innocent": "ᴵ"}


def _piece_style(active: list[Mark]) -> str:
    first: dict[str, Mark] = {}
    for mark in active:
        first.setdefault(mark.layer, mark)
    technique, entity, source = first.get("technique"), first.get("entity"), first.get("sourcing")
    parts = ["black", f"on {technique.colour}"] if technique else []
    if entity is not None:
        parts += ["bold", "underline"] + ([] if technique else [entity.colour])
    elif source is not None:
        parts += ["italic", "underline"] + ([] if technique else [source.colour])
    return " ".join(parts)


def _render_highlighted(analysis: Analysis, content: str, console: Console) -> None:
    marks = marks_of(analysis)
    text = Text()
    for start, end, active in segments(content, marks):
        text.append(content[start:end], style=_piece_style(active) or None)
        for mark in active:
            if mark.layer == "entity" and mark.end == end:
                text.append(ROLE_TAGS.get(mark.label, ""), style=f"bold {mark.colour}")
                break
    legend = Text("legend: ", style="dim")
    legend.append("background", style="black on #e6b0aa")
    legend.append(" = persuasion technique, coloured by family (", style="dim")
    for family in persuasion_techniques().families:
        legend.append(family.name, style=f"black on {tint(family.colour)}")
        legend.append(" ")
    legend.append(")   ", style="dim")
    legend.append("underlined italic", style="italic underline")
    legend.append(" = source or hedge cue (", style="dim")
    for kind, colour in SOURCING_COLOURS.items():
        if kind != "unattributed":
            legend.append(kind.replace("_", " ") + " ", style=f"italic underline {colour}")
    legend.append(")   ", style="dim")
    legend.append("bold underlined", style="bold underline")
    legend.append(" = entity, its role tagged: ", style="dim")
    for role in ("Protagonist", "Antagonist", "Innocent"):
        legend.append(f"{ROLE_TAGS[role]} {role} ", style=ROLE_STYLES[role])
    console.print(Panel(Group(text, Text(""), legend), title="The article, marked", border_style="dim"))
