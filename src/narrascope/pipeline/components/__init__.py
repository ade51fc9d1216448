"""Pipeline components: one file per stage, registered by name.

A component is a class with ``__call__(docs) -> docs`` (see ``base.Component``);
``@register`` makes it available to profiles under its ``name``. Adding a stage to
narrascope is one new file here plus one line in a profile (``pipeline/profiles.json``).
"""

from __future__ import annotations

from typing import Any

from narrascope.pipeline.components.base import Component, Context, PipelineError

_REGISTRY: dict[str, type[Component]] = {}


def register(cls: type[Component]) -> type[Component]:
    """Class decorator: make ``cls`` available to profiles as ``cls.name``."""
    if not cls.name:
        raise PipelineError(f"{cls.__name__} has no component name")
    _REGISTRY[cls.name] = cls
    return cls


def registered() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def create(name: str, context: Context, settings: dict[str, Any] | None = None) -> Component:
    """An instance of the component registered as ``name``."""
    _load_builtins()
    if name not in _REGISTRY:
        raise PipelineError(f"unknown component {name!r}; registered: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](context, **(settings or {}))


def _load_builtins() -> None:
    # Imported for their @register side effect; late, so registering a custom
    # component never pays for loading the built-in ones.
    from narrascope.pipeline.components import (  # noqa: F401
        embed,
        entities,
        explain,
        language,
        narratives,
        segment,
        sourcing,
        techniques,
    )


__all__ = ["Component", "Context", "PipelineError", "create", "register", "registered"]
