"""Time the ``explain`` component adds to an article in the default profile.

Runs the default profile's components before ``explain`` (segment, language, embed,
narratives) on the first N training articles of each language, then times ``explain``
alone, one article at a time (label descriptions already embedded once, as in a
long-running process; the first call per label is reported separately).

Run: python benchmarks/explanations_speed.py [--per-language 10] [--cache /work/cache/explain.sqlite]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from narrascope.io import read_txt
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.pipeline import Analyzer
from narrascope.pipeline.doc import Doc

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "semeval2025-task10" / "train"
LANGS = ("BG", "EN", "HI", "PT", "RU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--per-language", type=int, default=10)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    if not (args.data / "EN").exists():
        sys.exit(f"no SemEval training data in {args.data}")
    embedder = Embedder(cache=EmbeddingCache(args.cache) if args.cache else None)
    analyzer = Analyzer("default", embedder=embedder)
    before = []
    for name, component in analyzer.components:
        if name == "explain":
            explain = component
            break
        before.append(component)
    first, warm, explained = [], [], 0
    for lang in LANGS:
        paths = sorted((args.data / lang / "raw-documents").glob("*.txt"))[: args.per_language]
        for path in paths:
            docs = [Doc(read_txt(path))]
            for component in before:
                docs = component(docs)
            for times in (first, warm):  # the second run has the label description in memory
                docs[0].explanation = None
                start = time.perf_counter()
                explain(docs)
                times.append((time.perf_counter() - start) * 1000)
            explained += docs[0].explanation is not None
    warm_ms = np.array(warm)
    print(f"articles {len(warm)}, explained {explained} (the rest: 'Other')")
    print(
        f"explain per article: mean {warm_ms.mean():.2f} ms, p95 {np.percentile(warm_ms, 95):.2f} ms, "
        f"max {warm_ms.max():.2f} ms; first call (label description embedded): max {max(first):.1f} ms"
    )


if __name__ == "__main__":
    main()
