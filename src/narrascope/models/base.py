"""What every narrascope estimator shares: the fitted check and the artifact manifest.

Estimators follow scikit-learn's shape: hyper-parameters in ``__init__``, learned
state in attributes ending with ``_``, ``fit`` returning ``self``,
``predict_proba`` returning arrays and ``decode`` turning probabilities into labels.
Their artifacts are arrays (``.npz``, never pickles) next to one typed
``manifest.json`` (:class:`ArtifactManifest`), written atomically by
:func:`write_manifest`. :func:`artifact_sha256` is the content hash recorded in every
result's provenance, so a retrained model is never mistaken for the old one.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from narrascope.util import atomic_write_bytes, atomic_write_text

MANIFEST = "manifest.json"


class NotFittedError(RuntimeError):
    """An estimator was used before ``fit`` or ``load``."""


def check_is_fitted(estimator: object, *attributes: str) -> None:
    """Raise :class:`NotFittedError` unless every learned attribute (``name_``) is set."""
    missing = [name for name in attributes if getattr(estimator, name, None) is None]
    if missing:
        kind = type(estimator).__name__
        names = ", ".join(missing)
        raise NotFittedError(f"{kind} is not fitted: call fit() or load() first (missing {names})")


class ArtifactManifest(BaseModel):
    """``manifest.json`` of a model artifact: what it is, what made it and how good it is.

    Model-specific fields (label lists, heads, languages) are kept as extra fields.
    """

    model_config = ConfigDict(extra="allow")

    format: int = Field(description="Artifact layout version the loader checks.")
    model: str = Field(description="Model name, e.g. 'narrascope-narratives'.")
    narrascope_version: str = Field(default="", description="Package version that trained it.")
    config: dict[str, Any] = Field(default_factory=dict, description="Hyper-parameters.")
    trained_on: dict[str, Any] = Field(default_factory=dict, description="Data and its size.")
    date: str = ""
    command: str = Field(default="", description="The command that reproduces the artifact.")
    machine: str = ""
    training_seconds: float | None = None
    cross_validation: dict[str, Any] = Field(default_factory=dict, description="CV scores at training.")

    def extra(self, name: str, default: Any = None) -> Any:
        """A model-specific field (e.g. ``coarse_labels``)."""
        return (self.model_extra or {}).get(name, default)


def write_arrays(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Save named arrays as a compressed ``.npz`` atomically (no pickles; readers never see half a file)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)  # type: ignore[arg-type]
    atomic_write_bytes(Path(path), buffer.getvalue())


def write_manifest(directory: Path, manifest: ArtifactManifest) -> None:
    """Write ``directory/manifest.json`` atomically (readers never see half a file)."""
    text = json.dumps(manifest.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(Path(directory) / MANIFEST, text)


def read_manifest(directory: Path, model: str | None = None, format: int | None = None) -> ArtifactManifest:
    """Read and check a manifest; a clear ``ValueError`` when it is missing or not the expected model."""
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise FileNotFoundError(f"no model manifest at {path}; retrain or reinstall narrascope")
    try:
        manifest = ArtifactManifest.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{path}: unreadable model manifest ({error.__class__.__name__})") from None
    if model is not None and manifest.model != model:
        raise ValueError(f"{path}: holds {manifest.model!r}, expected {model!r}")
    if format is not None and manifest.format != format:
        raise ValueError(
            f"{path}: {manifest.model} artifact format {manifest.format}, this narrascope reads {format}; "
            "retrain it with the matching 'narrascope train' command"
        )
    return manifest


def artifact_sha256(directory: Path) -> str:
    """SHA-256 over the names and bytes of every file of an artifact folder (sub-folders excluded).

    Two artifacts with the same hash give the same predictions; any retraining that
    changes a weight changes it.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(directory).iterdir() if p.is_file() and not p.name.startswith(".")):
        digest.update(path.name.encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()
