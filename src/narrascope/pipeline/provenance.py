"""Provenance: which models made a result, pinned by content hash, and the fingerprint.

A stored result may be reused only when it would come out the same again: same
narrascope version, profile, components, settings and model weights. The fingerprint
hashes exactly that; components report their models through ``Component.models``.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from narrascope import __version__
from narrascope.models.base import artifact_sha256, read_manifest
from narrascope.schema import ModelRef, Provenance


def artifact_ref(directory: Path) -> ModelRef:
    """A narrascope artifact folder (manifest + arrays) as a model reference."""
    manifest = read_manifest(directory)
    return ModelRef(
        name=manifest.model,
        version=manifest.narrascope_version or __version__,
        sha256=_folder_hash(str(directory), _stamp(directory)),
    )


def data_ref(name: str, directory: Path) -> ModelRef:
    """A folder of rule data (e.g. lexicons) that decides results like a model does."""
    return ModelRef(name=name, version=__version__, sha256=_folder_hash(str(directory), _stamp(directory)))


@lru_cache(maxsize=64)
def package_ref(distribution: str) -> ModelRef:
    """An installed package that ships model weights, pinned by its RECORD (which hashes every file)."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        return ModelRef(name=distribution, version="not installed", sha256="")
    record = dist.read_text("RECORD") or ""
    return ModelRef(
        name=distribution, version=dist.version, sha256=hashlib.sha256(record.encode()).hexdigest()
    )


def make_provenance(
    profile: str, components: list[str], settings: dict[str, Any], models: list[ModelRef]
) -> Provenance:
    unique = {(m.name, m.sha256): m for m in models}
    ordered = sorted(unique.values(), key=lambda m: (m.name, m.sha256))
    payload = {
        "narrascope_version": __version__,
        "profile": profile,
        "components": components,
        "settings": settings,
        "models": [m.model_dump() for m in ordered],
    }
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return Provenance(**payload, fingerprint=digest)  # type: ignore[arg-type]


def _stamp(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times: a cheap key that changes whenever a file does."""
    files = sorted(p for p in Path(directory).iterdir() if p.is_file())
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)


@lru_cache(maxsize=64)
def _folder_hash(directory: str, stamp: tuple[tuple[str, int, int], ...]) -> str:
    return artifact_sha256(Path(directory))
