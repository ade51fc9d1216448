"""Texts written for the corpus tests (no shared data) and helpers to build corpora from them."""

from __future__ import annotations

import json
import random
from datetime import datetime
from pathlib import Path

from narrascope.schema import (
    Analysis,
    EntityFrame,
    Evidence,
    LanguageGuess,
    Mention,
    NarrativeScore,
    Provenance,
)

PARAGRAPHS = [
    "The ministry said on Monday that gas reserves would last through the winter, "
    "but opposition deputies called the plan reckless and demanded an emergency vote.",
    "Western governments keep sending weapons while ordinary families pay for it with "
    "higher bills, a columnist wrote, accusing Brussels of ignoring its own voters.",
    "Scientists at the northern observatory reported that the glacier lost a record "
    "amount of ice this summer, and farmers downstream worry about the water supply.",
    "Critics claim the climate agenda is a scheme to raise taxes, and that the data "
    "behind it has been exaggerated by activists who want to control how people live.",
    "Refugees arriving at the border told volunteers that shelling had destroyed their "
    "village, and that they had walked for three days without food or clean water.",
    "An analyst argued that the sanctions have hurt Europe far more than Moscow, and "
    "that the continent's factories are closing because leaders followed Washington.",
    "The city council approved a new tram line after months of debate; construction "
    "will start in the spring and should finish within two years, officials said.",
    "Officials in Kyiv denied the report, saying the footage was staged and that the "
    "claims were part of a coordinated campaign to weaken support for the country.",
]
TITLES = [
    "Winter Energy Plan Divides Parliament",
    "Who Really Pays for the War?",
    "Glacier Melt Hits New Record",
    "The Climate Tax Trap",
    "A Long Walk to Safety",
]
RUSSIAN = (
    "Правительство заявило, что запасов газа хватит до весны.\n\n"
    "Оппозиция назвала этот план безответственным и потребовала голосования."
)


def article_text(i: int, rng: random.Random) -> tuple[str, str]:
    """A title and a body of 2-4 of our paragraphs."""
    return TITLES[i % len(TITLES)], "\n\n".join(rng.sample(PARAGRAPHS, rng.randint(2, 4)))


def write_jsonl_corpus(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            title, text = article_text(i, rng)
            handle.write(json.dumps({"id": f"a{i:05d}", "title": title, "text": text}) + "\n")


def make_analysis(
    article_id: str,
    narratives: list[str] | None = None,
    *,
    language: str = "en",
    outlet: str | None = None,
    published: datetime | None = None,
    entities: list[tuple[str, str, list[str]]] | None = None,
    title: str = "",
    evidence: dict[str, str] | None = None,
) -> Analysis:
    """An Analysis built by hand, as the entity stage will fill it (name, main role, fine roles)."""
    scores = [
        NarrativeScore(label=label, name=label.split(": ")[-1], confidence=0.8, evidence=[], subnarratives=[])
        for label in narratives or []
    ]
    frames = None
    if entities is not None:
        frames = [
            EntityFrame(
                name=name,
                mentions=[Mention(start=0, end=len(name), text=name)],
                main_role=role,  # type: ignore[arg-type]
                fine_roles=fine,
                confidence=0.9,
                main_probabilities={role: 0.9},
                evidence=Evidence(start=0, end=len(evidence[name]), text=evidence[name], score=1.0)
                if evidence and name in evidence
                else None,
            )
            for name, role, fine in entities
        ]
    return Analysis(
        id=article_id,
        title=title or article_id,
        language=LanguageGuess(code=language, confidence=1.0, detected=False),
        domain="URW" if scores else "none",
        narratives=scores,
        other=not scores,
        content_sha256=f"sha-{article_id}",
        content_length=10,
        outlet=outlet,
        published=published,
        provenance=Provenance(
            narrascope_version="0.0", profile="fast", components=[], models=[], fingerprint="test"
        ),
        entities=frames,
    )
