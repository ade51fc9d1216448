"""Pipeline stage: runs the analysis components over articles and builds ``Analysis``.

Modelled on spaCy: a working ``Doc`` flows through an ordered list of named
components (segmentation, language, embeddings, narratives, ...), each reading
what earlier ones wrote and adding its own layer; profiles (``default``, ``fast``)
are lists of component names, i.e. configuration, not code. The stage owns the
order of work and the conversion of a finished ``Doc`` into the result model; the
estimators themselves live in ``models`` and file handling in ``io``.
"""

from narrascope.pipeline.analyzer import PROFILES, Analyzer, Doc

__all__ = ["PROFILES", "Analyzer", "Doc"]
