"""One resumable batch run: inputs -> analyses -> journal, store, result and errors files.

Owns the bookkeeping of a run: which articles are already done (journal, then store),
which are duplicates, the order of work, the failures and the summary. The journal is
the record of completed work; the store (when enabled) is saved batch by batch in
one transaction each and also serves finished results to later runs, so a rerun
never analyses an article twice with the same provenance fingerprint (version,
profile, settings and the content hash of every model).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.corpus.journal import Journal, Key, journal_path, out_format
from narrascope.corpus.runner import AnalyzerSpec, Outcome, make_engine, provenance_of, threads_per_worker
from narrascope.corpus.store import CorpusStore
from narrascope.io.corpus_sources import iter_corpus
from narrascope.io.readers import InputError
from narrascope.schema import Analysis, Article
from narrascope.util import atomic_write_text

BATCH_SIZE = 16


@dataclass
class BatchOptions:
    inputs: list[str]
    out: Path
    errors: Path | None = None
    store: Path | None = None
    profile: str = "default"
    sensitivity: str | None = None
    techniques: str | None = None
    model_dir: Path | None = None
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    max_bytes: int = 5_000_000
    stories: bool = True
    """Assign the stored articles to stories after the analyses (needs a store)."""

    @property
    def errors_path(self) -> Path:
        return self.errors or self.out.with_name(self.out.name + ".errors.jsonl")


@dataclass
class Failure:
    source: str
    id: str | None
    reason: str

    def to_json(self) -> str:
        return json.dumps({"source": self.source, "id": self.id, "reason": self.reason}, ensure_ascii=False)


@dataclass
class Summary:
    rows: int = 0
    analysed: int = 0  # analysed by this run
    reused: int = 0  # found in the journal or the store
    duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    languages: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    story_articles: int = 0  # articles given a story by this run
    stories_touched: int = 0
    story_seconds: float = 0.0


Advance = Callable[[int], None]


def run_batch(options: BatchOptions, advance: Advance | None = None) -> Summary:
    """Analyse every article of ``options.inputs``; safe to kill and start again."""
    out_format(options.out)  # refuse a bad --out before any work
    start = time.perf_counter()
    summary = Summary()
    spec = AnalyzerSpec(
        options.profile,
        str(options.model_dir) if options.model_dir else None,
        threads_per_worker(options.engine, options.workers),
        options.sensitivity,
        story_vectors=options.store is not None and options.stories,
        techniques=options.techniques,
    )
    fingerprint = provenance_of(spec).fingerprint
    journal = Journal(journal_path(options.out), options.out, fingerprint)
    store = CorpusStore(options.store) if options.store else None
    keys: set[Key] = set()
    texts: dict[Key, str] = {}  # text of the articles in flight, for the store
    tick = advance or (lambda n: None)
    engine = None
    try:
        todo = _pending(options, journal, keys, summary, tick)
        batches = _served_by_store(todo, store, fingerprint, journal, summary, tick, texts)
        engine = make_engine(spec, options.engine, options.workers, options.scheduler)
        for outcomes in engine.map(batches):
            _finish(outcomes, journal, store, summary, texts)
            tick(len(outcomes))
        if store is not None and options.stories:
            _assign_stories(store, summary)
    finally:
        if engine is not None:
            engine.close()
        if store is not None:
            store.close()
    summary.rows = journal.compact(options.out, keys)
    summary.languages = Counter(journal.done[k] for k in keys if k in journal.done)
    atomic_write_text(options.errors_path, "".join(f.to_json() + "\n" for f in summary.failures))
    summary.seconds = time.perf_counter() - start
    return summary


def _assign_stories(store: CorpusStore, summary: Summary) -> None:
    """Stories are assigned here, in one place and in publication order, after every analysis:
    so they do not depend on the number of workers or the engine (see ``corpus.stories``)."""
    from narrascope.corpus.stories import assign_pending, pending_count
    from narrascope.nlp.embed import Embedder

    if not pending_count(store):
        return
    start = time.perf_counter()
    done = assign_pending(store, Embedder().embed)
    summary.story_articles = len(done)
    summary.stories_touched = len({a.story for a in done})
    summary.story_seconds = time.perf_counter() - start


def _pending(
    options: BatchOptions, journal: Journal, keys: set[Key], summary: Summary, tick: Advance
) -> Iterator[Article]:
    """Articles still to analyse; records the key of every readable article in ``keys``."""
    for item in iter_corpus(options.inputs, max_bytes=options.max_bytes):
        if isinstance(item, InputError):
            summary.failures.append(Failure(item.source, None, item.reason))
            tick(1)
            continue
        key = (item.id, item.content_sha256)
        if key in keys:
            summary.duplicates += 1
            tick(1)
            continue
        keys.add(key)
        if key in journal.done:
            summary.reused += 1
            tick(1)
            continue
        yield item


def _served_by_store(
    articles: Iterator[Article],
    store: CorpusStore | None,
    fingerprint: str,
    journal: Journal,
    summary: Summary,
    tick: Advance,
    texts: dict[Key, str],
) -> Iterator[list[Article]]:
    """Batches of articles to analyse; those the store already holds go straight to the journal."""
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= BATCH_SIZE:
            yield from _split(batch, store, fingerprint, journal, summary, tick, texts)
            batch = []
    if batch:
        yield from _split(batch, store, fingerprint, journal, summary, tick, texts)


def _split(
    batch: list[Article],
    store: CorpusStore | None,
    fingerprint: str,
    journal: Journal,
    summary: Summary,
    tick: Advance,
    texts: dict[Key, str],
) -> Iterator[list[Article]]:
    if store is not None:
        found = store.lookup([(a.id, a.content_sha256) for a in batch], fingerprint)
        if found:
            journal.append(list(found.values()))
            summary.reused += len(found)
            tick(len(found))
            # Results stored before store v4 have no text: keep it now, for search.
            store.keep_texts(
                {(a.id, a.content_sha256): a.content for a in batch if (a.id, a.content_sha256) in found}
            )
            batch = [a for a in batch if (a.id, a.content_sha256) not in found]
        texts.update(((a.id, a.content_sha256), a.content) for a in batch)
    if batch:
        yield batch


def _finish(
    outcomes: list[Outcome],
    journal: Journal,
    store: CorpusStore | None,
    summary: Summary,
    texts: dict[Key, str],
) -> None:
    done = [o.analysis for o in outcomes if o.analysis is not None]
    for o in outcomes:
        if o.error is not None:
            summary.failures.append(Failure(o.source or o.article_id, o.article_id, o.error))
    if store is not None and done:
        # Store first: a kill between the two leaves the result in the store, which the
        # next run then copies to the journal instead of analysing again.
        analyses = [Analysis.model_validate_json(line) for line in done]
        kept = {k: texts.pop(k) for a in analyses if (k := (a.id, a.content_sha256)) in texts}
        vectors = {
            (a.id, a.content_sha256): o.story_vector
            for a, o in zip(analyses, (o for o in outcomes if o.analysis is not None), strict=True)
            if o.story_vector is not None
        }
        store.save(analyses, kept, vectors)
    journal.append(done)
    summary.analysed += len(done)


def count_inputs(inputs: list[str]) -> int | None:
    """A cheap upper bound on the number of records, for the progress bar (None if unknown)."""
    from narrascope.io.corpus_sources import estimate_records

    try:
        return estimate_records(inputs)
    except OSError:
        return None
