"""Persuasion-technique labels, as package data: the product's scheme and the PTC one.

Owns two inventories. ``techniques/persuasion.json`` is the product's label set: the 25
techniques of the SemEval 2023 Task 3 scheme grouped into six families (attack on
reputation, justification, distraction, simplification, call, manipulative wording),
each with a display name, a description, a family colour and its PTC counterpart.
``techniques/ptc.json`` holds the 14 span labels of the Propaganda Techniques Corpus
(exactly as in its ``techniques.txt``), the English span model's output columns; the
mapping between the two lets PTC files be read and written unchanged. Knows nothing
about spans, files or models.
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


class TechniqueFamily(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    name: str
    colour: str
    description: str


class PersuasionTechnique(BaseModel):
    model_config = ConfigDict(frozen=True)

    label: str
    family: str
    name: str
    description: str
    ptc: str | None = None
    """The PTC label that covers this technique (several techniques can share one)."""


class PersuasionScheme(BaseModel):
    """The product's technique taxonomy (SemEval 2023 names, six families)."""

    model_config = ConfigDict(frozen=True)

    scheme: str
    source: str
    families: tuple[TechniqueFamily, ...]
    techniques: tuple[PersuasionTechnique, ...]
    from_ptc_overrides: dict[str, str] = {}

    def labels(self) -> tuple[str, ...]:
        return tuple(t.label for t in self.techniques)

    def technique(self, label: str) -> PersuasionTechnique:
        for technique in self.techniques:
            if technique.label == label:
                return technique
        raise KeyError(f"unknown technique {label!r}")

    def family(self, label: str) -> TechniqueFamily:
        """The family of a technique label (or of a family label)."""
        family_label = label if any(f.label == label for f in self.families) else self.technique(label).family
        return next(f for f in self.families if f.label == family_label)

    def from_ptc(self, ptc_label: str) -> str:
        """The product label shown for a PTC label (merged PTC labels map to their first technique)."""
        if ptc_label in self.from_ptc_overrides:
            return self.from_ptc_overrides[ptc_label]
        matches = [t.label for t in self.techniques if t.ptc == ptc_label]
        if len(matches) != 1:
            raise KeyError(f"no single technique for the PTC label {ptc_label!r}")
        return matches[0]

    def resolve(self, label: str) -> str:
        """The product label of ``label``: itself, or its counterpart when it is a PTC label
        (results stored before schema 2.3.0 name techniques the PTC way)."""
        if any(t.label == label for t in self.techniques):
            return label
        return self.from_ptc(label)

    def to_ptc(self, label: str) -> str | None:
        """The PTC label a product label is written as in PTC files; None when PTC has no such label."""
        return self.technique(label).ptc


@lru_cache(maxsize=1)
def persuasion_techniques() -> PersuasionScheme:
    """The product's technique taxonomy, read from ``techniques/persuasion.json``."""
    raw = resources.files("narrascope.taxonomy").joinpath("techniques", "persuasion.json").read_text("utf-8")
    data = json.loads(raw)
    data["from_ptc_overrides"] = data.pop("from_ptc", {})
    return PersuasionScheme.model_validate(data)


__all__ = [
    "TECHNIQUES",
    "TECHNIQUE_NAMES",
    "PersuasionScheme",
    "PersuasionTechnique",
    "Technique",
    "TechniqueFamily",
    "TechniqueScheme",
    "persuasion_techniques",
    "ptc_techniques",
]
