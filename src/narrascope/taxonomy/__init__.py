"""The narrative taxonomy: every domain, narrative and subnarrative label narrascope can predict.

This stage owns the two-level label hierarchy (domain -> narrative -> subnarrative) and nothing else.
The hierarchy is data, not code: each domain is one JSON file (``data/urw.json``, ``data/cc.json``, ...)
shipped inside the package, and further domains are added by dropping a ``*.json`` file of the same
shape into a directory passed as ``extra_dirs`` or listed in ``NARRASCOPE_TAXONOMY_PATH``. Full label
strings are derived, never stored: a narrative is ``"<DOMAIN>: <narrative name>"`` and a subnarrative
is ``"<DOMAIN>: <narrative name>: <subnarrative name>"``; the bare string ``"Other"`` is the catch-all
for text that fits no narrative. All other stages look labels up through :class:`Taxonomy` instead of
parsing label strings themselves, because names may contain punctuation (``"Discrediting the West,
Diplomacy"``) and naive splitting on ``": "`` is unsafe.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
from collections.abc import Iterator, Sequence
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

__all__ = [
    "ENV_VAR",
    "OTHER",
    "Domain",
    "Narrative",
    "Subnarrative",
    "Taxonomy",
    "TaxonomyError",
    "default_taxonomy",
    "load_taxonomy",
]

OTHER = "Other"
"""Catch-all label for text that matches no narrative; also used as a subnarrative name."""

ENV_VAR = "NARRASCOPE_TAXONOMY_PATH"
"""Environment variable listing extra taxonomy directories, separated by ``os.pathsep``."""

_SEP = ": "
_DOMAIN_CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")


class TaxonomyError(ValueError):
    """A taxonomy file or directory is missing, malformed or inconsistent with the others."""


# --------------------------------------------------------------------------------------------------
# Public, immutable view of the taxonomy
# --------------------------------------------------------------------------------------------------


class Subnarrative(BaseModel):
    """A second-level label, e.g. ``URW: Discrediting Ukraine: Situation in Ukraine is hopeless``."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(description="Full label string.")
    name: str = Field(description="Short name within its narrative (may be 'Other').")
    description: str = Field(description="One-sentence gloss of what the subnarrative claims.")
    narrative: str = Field(description="Full label of the parent narrative.")


class Narrative(BaseModel):
    """A first-level label, e.g. ``URW: Discrediting Ukraine``, with its subnarratives."""

    model_config = ConfigDict(frozen=True)

    label: str = Field(description="Full label string.")
    name: str = Field(description="Short name within its domain.")
    description: str = Field(description="One-sentence gloss of what the narrative claims.")
    domain: str = Field(description="Code of the owning domain, e.g. 'URW'.")
    subnarratives: tuple[Subnarrative, ...] = ()


class Domain(BaseModel):
    """A topical domain (e.g. ``URW``, ``CC``) and its narratives."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(description="Short upper-case code used as the label prefix.")
    name: str = Field(description="Human-readable domain name.")
    description: str = Field(description="One-sentence scope of the domain.")
    narratives: tuple[Narrative, ...] = ()


class Taxonomy(BaseModel):
    """All loaded domains plus label lookups. Build it with :func:`load_taxonomy`."""

    model_config = ConfigDict(frozen=True)

    domains: dict[str, Domain]

    _index: dict[str, Narrative | Subnarrative] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _build_index(self) -> Taxonomy:
        index: dict[str, Narrative | Subnarrative] = {}

        def add(entry: Narrative | Subnarrative) -> None:
            if entry.label == OTHER:
                raise ValueError(f"label {OTHER!r} is reserved for the catch-all and cannot be defined")
            if entry.label in index:
                raise ValueError(f"label {entry.label!r} is defined twice")
            index[entry.label] = entry

        for code, domain in self.domains.items():
            if code != domain.code:
                raise ValueError(f"domain registered under {code!r} has code {domain.code!r}")
            for narrative in domain.narratives:
                if narrative.domain != code:
                    raise ValueError(f"narrative {narrative.label!r} claims domain {narrative.domain!r}")
                add(narrative)
                for sub in narrative.subnarratives:
                    if sub.narrative != narrative.label:
                        raise ValueError(f"subnarrative {sub.label!r} claims parent {sub.narrative!r}")
                    add(sub)
        self._index = index
        return self

    # -- enumeration -------------------------------------------------------------------------------

    def narratives(self, domain: str | None = None) -> list[Narrative]:
        """All narratives (optionally of one domain), sorted by label."""
        return sorted(
            (n for d in self._domains(domain) for n in d.narratives),
            key=lambda n: n.label,
        )

    def subnarratives(self, domain: str | None = None) -> list[Subnarrative]:
        """All subnarratives (optionally of one domain), ``...: Other`` included, sorted by label."""
        return sorted(
            (s for d in self._domains(domain) for n in d.narratives for s in n.subnarratives),
            key=lambda s: s.label,
        )

    def narrative_labels(self, domain: str | None = None) -> list[str]:
        """Sorted full narrative labels; the bare ``Other`` is not included."""
        return [n.label for n in self.narratives(domain)]

    def subnarrative_labels(self, domain: str | None = None) -> list[str]:
        """Sorted full subnarrative labels; the bare ``Other`` is not included."""
        return [s.label for s in self.subnarratives(domain)]

    def _domains(self, domain: str | None) -> Iterator[Domain]:
        if domain is None:
            yield from self.domains.values()
        elif domain in self.domains:
            yield self.domains[domain]
        else:
            raise KeyError(f"unknown taxonomy domain {domain!r}; known: {', '.join(sorted(self.domains))}")

    # -- lookup ------------------------------------------------------------------------------------

    def get(self, label: str) -> Narrative | Subnarrative:
        """The entry for a full label. Raises ``KeyError`` for unknown labels and for bare ``Other``."""
        try:
            return self._index[label]
        except KeyError:
            pass
        if label == OTHER:
            raise KeyError(f"{OTHER!r} is the catch-all label and has no taxonomy entry") from None
        close = difflib.get_close_matches(label, self._index.keys(), n=3, cutoff=0.75)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise KeyError(f"unknown taxonomy label {label!r}{hint}") from None

    def parent(self, sub_label: str) -> str:
        """Full narrative label of a subnarrative label. ``parent("Other")`` is ``"Other"``."""
        if sub_label == OTHER:
            return OTHER
        entry = self.get(sub_label)
        if not isinstance(entry, Subnarrative):
            raise KeyError(f"{sub_label!r} is a narrative label, not a subnarrative label")
        return entry.narrative

    def is_known(self, label: str) -> bool:
        """Whether ``label`` is a defined narrative/subnarrative label or the catch-all ``Other``."""
        return label == OTHER or label in self._index

    def domain_of(self, label: str) -> str | None:
        """Domain code of a known label; ``None`` for ``Other`` and for unknown labels."""
        entry = self._index.get(label)
        if isinstance(entry, Subnarrative):
            entry = self._index[entry.narrative]
        return entry.domain if isinstance(entry, Narrative) else None

    def name_of(self, label: str) -> str:
        """Short human name of a label (``"Other"`` for ``"Other"``). Raises ``KeyError`` if unknown."""
        if label == OTHER:
            return OTHER
        return self.get(label).name


# --------------------------------------------------------------------------------------------------
# On-disk file format (one JSON file per domain)
# --------------------------------------------------------------------------------------------------


def _check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    if value != value.strip():
        raise ValueError("must not have leading or trailing whitespace")
    if "\n" in value or "\r" in value or "\t" in value:
        raise ValueError("must be a single line without tabs")
    return value


class _SubnarrativeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str

    check_text = field_validator("name", "description")(_check_text)


class _NarrativeFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    subnarratives: list[_SubnarrativeFile] = Field(default_factory=list)

    check_text = field_validator("name", "description")(_check_text)

    @field_validator("name")
    @classmethod
    def _not_other(cls, value: str) -> str:
        if value == OTHER:
            raise ValueError(f"a narrative cannot be named {OTHER!r}")
        return value

    @model_validator(mode="after")
    def _unique_subs(self) -> _NarrativeFile:
        _reject_duplicates([s.name for s in self.subnarratives], f"subnarrative of {self.name!r}")
        return self


class _DomainFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str
    name: str
    description: str
    narratives: list[_NarrativeFile] = Field(min_length=1)

    check_text = field_validator("name", "description")(_check_text)

    @field_validator("domain")
    @classmethod
    def _code(cls, value: str) -> str:
        if not _DOMAIN_CODE.fullmatch(value):
            raise ValueError("domain code must be upper-case letters, digits or '_' and start with a letter")
        return value

    @model_validator(mode="after")
    def _unique_narratives(self) -> _DomainFile:
        _reject_duplicates([n.name for n in self.narratives], "narrative")
        return self

    def to_domain(self) -> Domain:
        narratives = []
        for n in self.narratives:
            label = f"{self.domain}{_SEP}{n.name}"
            subs = tuple(
                Subnarrative(
                    label=f"{label}{_SEP}{s.name}", name=s.name, description=s.description, narrative=label
                )
                for s in n.subnarratives
            )
            narratives.append(
                Narrative(
                    label=label,
                    name=n.name,
                    description=n.description,
                    domain=self.domain,
                    subnarratives=subs,
                )
            )
        return Domain(
            code=self.domain, name=self.name, description=self.description, narratives=tuple(narratives)
        )


def _reject_duplicates(names: list[str], what: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"duplicate {what} name {name!r}")
        seen.add(name)


# --------------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------------


def _package_files() -> list[Traversable]:
    data = resources.files(__name__).joinpath("data")
    return sorted(
        (f for f in data.iterdir() if f.name.endswith(".json") and f.is_file()),
        key=lambda f: f.name,
    )


def _dir_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise TaxonomyError(f"{directory}: taxonomy directory does not exist or is not a directory")
    return sorted(p for p in directory.glob("*.json") if p.is_file())


def _parse(source: Traversable | Path) -> Domain:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"{source}: cannot read taxonomy file: {exc}") from exc
    try:
        return _DomainFile.model_validate_json(text).to_domain()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()
        )
        raise TaxonomyError(f"{source}: invalid taxonomy file: {problems}") from exc


def _env_dirs() -> tuple[str, ...]:
    raw = os.environ.get(ENV_VAR, "")
    return tuple(part for part in raw.split(os.pathsep) if part.strip())


def _load(dirs: tuple[str, ...]) -> Taxonomy:
    sources: list[Traversable | Path] = [*_package_files()]
    for directory in dirs:
        sources.extend(_dir_files(Path(directory)))
    domains: dict[str, Domain] = {}
    origin: dict[str, str] = {}
    for source in sources:
        domain = _parse(source)
        if domain.code in domains:
            raise TaxonomyError(
                f"{source}: duplicate taxonomy domain {domain.code!r} "
                f"(already defined in {origin[domain.code]})"
            )
        domains[domain.code] = domain
        origin[domain.code] = str(source)
    try:
        return Taxonomy(domains=dict(sorted(domains.items())))
    except ValidationError as exc:
        sources_text = ", ".join(str(s) for s in sources)
        raise TaxonomyError(f"inconsistent taxonomy from {sources_text}: {exc}") from exc


@functools.lru_cache(maxsize=8)
def _load_cached(dirs: tuple[str, ...]) -> Taxonomy:
    return _load(dirs)


def load_taxonomy(extra_dirs: Sequence[Path] = ()) -> Taxonomy:
    """Load the packaged domains plus every ``*.json`` in ``extra_dirs`` and in ``$NARRASCOPE_TAXONOMY_PATH``.

    Files are read fresh on every call. Each file is validated; a malformed file, a missing directory
    or a domain code defined twice raises :class:`TaxonomyError` naming the offending file.
    """
    return _load(tuple(str(d) for d in extra_dirs) + _env_dirs())


def default_taxonomy() -> Taxonomy:
    """The packaged taxonomy plus ``$NARRASCOPE_TAXONOMY_PATH`` domains, loaded once and cached."""
    return _load_cached(_env_dirs())
