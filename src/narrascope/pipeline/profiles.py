"""Profiles: which components run, in which order, with which settings — data, not code.

The built-in profiles are in ``pipeline/profiles.json``; a custom one is a
:class:`Profile` built in code or read from JSON with ``Profile.model_validate``.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Profile(BaseModel):
    """An ordered list of component names plus per-component settings."""

    model_config = ConfigDict(frozen=True)

    name: str
    description: str = ""
    components: tuple[str, ...]
    settings: dict[str, dict[str, Any]] = Field(default_factory=dict)

    def settings_of(self, component: str) -> dict[str, Any]:
        return dict(self.settings.get(component, {}))


@lru_cache(maxsize=1)
def builtin_profiles() -> dict[str, Profile]:
    raw = json.loads(resources.files("narrascope.pipeline").joinpath("profiles.json").read_text("utf-8"))
    return {name: Profile(name=name, **body) for name, body in raw.items()}


def get_profile(profile: str | Profile) -> Profile:
    if isinstance(profile, Profile):
        return profile
    profiles = builtin_profiles()
    if profile not in profiles:
        raise ValueError(f"unknown profile {profile!r}; choose from {', '.join(profiles)}")
    return profiles[profile]
