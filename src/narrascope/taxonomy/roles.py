"""Entity-framing roles: three main roles and 22 fine-grained roles, as package data."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from pydantic import BaseModel, ConfigDict


class FineRole(BaseModel):
    model_config = ConfigDict(frozen=True)

    main: str
    name: str
    description: str


class RoleTaxonomy(BaseModel):
    model_config = ConfigDict(frozen=True)

    main_roles: tuple[str, ...]
    fine_roles: tuple[FineRole, ...]

    def fine_names(self) -> list[str]:
        return [r.name for r in self.fine_roles]

    def main_of(self, fine: str) -> str:
        for role in self.fine_roles:
            if role.name == fine:
                return role.main
        raise KeyError(f"unknown fine-grained role {fine!r}")

    def fine_of(self, main: str) -> list[str]:
        return [r.name for r in self.fine_roles if r.main == main]


@lru_cache(maxsize=1)
def entity_roles() -> RoleTaxonomy:
    """The shipped role inventory (definitions written for narrascope)."""
    raw = resources.files("narrascope.taxonomy").joinpath("roles", "entity_roles.json").read_text("utf-8")
    return RoleTaxonomy.model_validate(json.loads(raw))
