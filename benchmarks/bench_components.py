"""Seconds per article spent in each pipeline component (default profile).

Wraps every component of a real ``Analyzer`` with a timer and runs it over the
unlabelled SemEval articles, so the cost of one stage (e.g. entity framing) is read
directly, in the same run as the others. Model loading is excluded and reported
separately.

    python benchmarks/bench_components.py [--data DIR] [--limit N]
"""

from __future__ import annotations

import argparse
import platform
import resource
import time
from collections import defaultdict
from pathlib import Path

from narrascope.io import read_txt
from narrascope.pipeline import Analyzer

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "semeval2025-task10" / "unlabeled"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--profile", default="default")
    args = parser.parse_args()
    files = sorted(args.data.rglob("*.txt"))[: args.limit]
    articles = [read_txt(p) for p in files]
    t0 = time.perf_counter()
    analyzer = Analyzer(profile=args.profile)
    # Load every model now (one warm-up article), not in the timed loop.
    list(analyzer.analyze_many(articles[:1]))
    load_seconds = time.perf_counter() - t0
    spent: dict[str, float] = defaultdict(float)

    def timed(name, component):  # type: ignore[no-untyped-def]
        def run(docs):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            out = component(docs)
            spent[name] += time.perf_counter() - start
            return out

        return run

    analyzer.components = [(name, timed(name, comp)) for name, comp in analyzer.components]
    computed_before = analyzer.embedder.computed
    start = time.perf_counter()
    results = list(analyzer.analyze_many(articles))
    total = time.perf_counter() - start
    embedded = analyzer.embedder.computed - computed_before
    n = len(results)
    mentions = sum(len(e.mentions) for r in results for e in (r.entities or []))
    entities = sum(len(r.entities or []) for r in results)
    chars = sum(len(a.content) for a in articles)
    print(
        f"machine: {platform.machine()}, python {platform.python_version()}; {n} articles, mean {chars / n:.0f} chars"
    )
    print(
        f"model loading + 1 warm-up article (excluded): {load_seconds:.1f} s; entities/article {entities / n:.1f}, "
        f"mentions/article {mentions / n:.1f}; texts embedded/article {embedded / n:.1f}"
    )
    print("| component | s/article | share |")
    print("|---|---|---|")
    for name, seconds in spent.items():
        print(f"| {name} | {seconds / n:.3f} | {seconds / total:.0%} |")
    print(f"| total | {total / n:.3f} | 100% |")
    print(f"articles/s: {n / total:.2f}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
