"""Persuasion-technique labels: the 14 span labels of the Propaganda Techniques Corpus, as package data.

Owns the label strings (exactly as in the corpus' ``techniques.txt``), their display
names and a one-line description of each, read from ``techniques/ptc.json``. The order
of the file is the order of every technique model's output columns, so changing it
means retraining. Knows nothing about spans, files or models.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class Technique(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    name: str
    description: str


class TechniqueScheme(BaseModel):
    model_config = ConfigDict(frozen=True)

    scheme: str
    source: str
    techniques: tuple[Technique, ...]

    def labels(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.techniques)

    def names(self) -> dict[str, str]:
        return {t.label: t.name for t in self.techniques}

    def describe(self, label: str) -> str:
        for technique in self.techniques:
            if technique.label == label:
                return technique.description
        raise KeyError(f"unknown technique {label!r}")


@lru_cache(maxsize=1)
def ptc_techniques() -> TechniqueScheme:
    """The shipped PTC technique inventory (descriptions written for narrascope)."""
    raw = resources.files("narrascope.taxonomy").joinpath("techniques", "ptc.json").read_text("utf-8")
    return TechniqueScheme.model_validate(json.loads(raw))


TECHNIQUES: tuple[str, ...] = ptc_techniques().labels()
"""The 14 technique labels, in model column order."""

TECHNIQUE_NAMES: dict[str, str] = ptc_techniques().names()
"""Label -> human-readable name."""

__all__ = ["TECHNIQUES", "TECHNIQUE_NAMES", "Technique", "TechniqueScheme", "ptc_techniques"]
