"""Pipeline stage: runs the analysis components over articles and builds ``Analysis``.

Modelled on spaCy: a working ``Doc`` flows through an ordered list of named
components (``pipeline/components/``: segment, language, embed, narratives,
sourcing, entities, techniques), each reading what earlier ones wrote and adding
its own layer. A profile (``pipeline/profiles.json``) is data: the component names
in order plus their settings. The stage owns the order of work, the provenance of
results and the conversion of a finished ``Doc`` into the result model; estimators
live in ``models``, text processing in ``nlp`` and file handling in ``io``.
"""

from narrascope.pipeline.analyzer import (
    MAX_ARTICLE_CHARS,
    PROFILES,
    Analyzer,
    ArticleTooLongError,
    check_length,
)
from narrascope.pipeline.components import Component, Context, PipelineError, register, registered
from narrascope.pipeline.doc import Doc
from narrascope.pipeline.profiles import Profile, builtin_profiles, get_profile

__all__ = [
    "MAX_ARTICLE_CHARS",
    "PROFILES",
    "Analyzer",
    "ArticleTooLongError",
    "Component",
    "Context",
    "Doc",
    "PipelineError",
    "Profile",
    "builtin_profiles",
    "check_length",
    "get_profile",
    "register",
    "registered",
]
