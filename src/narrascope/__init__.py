"""narrascope: shows how news articles try to shape opinion.

Data flows one way: ``io`` reads articles, ``nlp`` segments and embeds them, the
``pipeline`` runs the analysis components (language, narratives, ...) whose
trained estimators live in ``models`` over a ``taxonomy``, and the result is one
``schema.Analysis`` that the ``cli`` (and later the server and corpus writers)
serialise. ``eval`` scores predictions against the shared-task files.
"""

__version__ = "0.1.0"
