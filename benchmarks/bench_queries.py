"""The corpus queries alone, in process (no HTTP), on the load test's 20,000-article store.

Builds the store with ``bench_server.build_store`` using whichever narrascope is first on
``PYTHONPATH`` (so the same file times two versions back to back), then prints the
median and max of 9 calls (after one warm-up) of each query behind the API endpoints.

    PYTHONPATH=src python benchmarks/bench_queries.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_server import ENTITIES, build_store

import narrascope
from narrascope.corpus import queries
from narrascope.corpus.store import STORE_VERSION, CorpusStore

NARRATIVE = "CC: Criticism of institutions and authorities"


def timed(name: str, call: Callable[[], object], runs: int = 9) -> None:
    call()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    print(f"| {name} | {statistics.median(times):.1f} | {max(times):.1f} |")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.db"
        build_store(path, 20_000)
        store = CorpusStore(path, readonly=True)
        print(f"{narrascope.__file__}: store version {STORE_VERSION}")
        print("| query (in process) | median ms | max ms |\n| --- | ---: | ---: |")
        f = queries.ArticleFilter
        timed("list (page of 50, offset 500)", lambda: queries.list_articles(store, f(), 50, 500))
        filtered = f(language="bg", outlet="Herald", since=datetime(2024, 6, 1), q="Report")
        timed("list, filtered (+ q=Report)", lambda: queries.list_articles(store, filtered, 50, 0))
        timed("get one article", lambda: queries.stored_analysis(store, "bench/000500"))
        timed("stats narrative x language", lambda: queries.stats(store, ["narrative", "language"]))
        timed("trend by narrative, weekly", lambda: queries.trend(store, "narrative", "week"))
        timed("entities (top 10 antagonists)", lambda: queries.entities(store, "Antagonist", 10))
        entity = ENTITIES[0][0]
        timed(f"list, entity = {entity}", lambda: queries.list_articles(store, f(entity=entity), 25, 0))
        if hasattr(queries, "entity_profile"):  # the issue-12 pages
            from narrascope.server.api import entity_profile, narrative_profile

            timed("narrative page data (API)", lambda: narrative_profile(store, NARRATIVE, "week"))
            timed("entity page data (API)", lambda: entity_profile(store, entity, "week"))
            search = f(q="glacier water")
            timed("search q=glacier water", lambda: queries.list_articles(store, search, 50, 0))


if __name__ == "__main__":
    main()
