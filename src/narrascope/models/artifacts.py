"""Where trained artifacts live: inside the package, or where an environment variable points."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def artifact_dir(task: str, env_var: str) -> Path:
    """``$env_var`` if set, else the shipped ``models/artifacts/<task>`` folder."""
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    return Path(str(resources.files("narrascope.models").joinpath("artifacts", task)))
