"""``narrascope taxonomy``: the domains, narratives and sub-narratives, as a tree or JSON.

Only formats what :func:`narrascope.taxonomy.default_taxonomy` holds.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.markup import escape

from narrascope.cli.common import fail, out


def taxonomy(
    domain: Annotated[str | None, typer.Option(help="Only this domain (e.g. URW, CC).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the taxonomy as JSON.")] = False,
) -> None:
    """List the domains, narratives and sub-narratives narrascope knows."""
    from rich.tree import Tree

    from narrascope.taxonomy import default_taxonomy

    tax = default_taxonomy()
    domains = [d for code, d in sorted(tax.domains.items()) if domain is None or code == domain.upper()]
    if domain and not domains:
        raise fail(f"unknown domain {domain!r}; known: {', '.join(sorted(tax.domains))}")
    if as_json:
        sys.stdout.write(json.dumps([d.model_dump() for d in domains], indent=2, ensure_ascii=False) + "\n")
        return
    for d in domains:
        tree = Tree(f"[bold]{escape(d.code)}[/]: {escape(d.name)} — [dim]{escape(d.description)}[/]")
        for narrative in d.narratives:
            branch = tree.add(
                f"[bold cyan]{escape(narrative.name)}[/] [dim]{escape(narrative.description)}[/]"
            )
            for sub in narrative.subnarratives:
                branch.add(f"{escape(sub.name)} [dim]{escape(sub.description)}[/]")
        out.print(tree)
