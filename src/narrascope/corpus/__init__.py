"""Corpus stage: batch runs over many articles, the corpus store, and questions about it.

This package owns what happens between a stream of ``Article`` objects and a kept
corpus: running the ``Analyzer`` over them in one process, several local processes
or a Dask cluster (``runner``), the resumable journal and the atomic result files
(``journal``, ``writers``), the embedded SQLite store of analysed articles with its
versioned schema and migrations (``store``), and the aggregate queries behind
``narrascope corpus`` (``queries``, ``plot``). It never parses input files (``io``)
and never computes an analysis itself (``pipeline``); the CLI only formats its results.
"""
