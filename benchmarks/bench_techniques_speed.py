"""Speed of the technique tagger: the real CLI on the PTC articles, and per-article cost in process.

    OMP_NUM_THREADS=2 python benchmarks/bench_techniques_speed.py --data ../shared/data/ptc-semeval2020-task11

Prints a Markdown table. The CLI figure includes interpreter start-up and model
loading; the per-article figure is ``TechniqueTagger.tag`` on one article at a time
(what the analyzer stage adds), median and 90th percentile. Timings on a shared
machine are noisy: the best of ``--repeat`` CLI runs is reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from narrascope.models.techniques import TechniqueTagger


def cli_seconds(articles: Path, repeat: int) -> float:
    best = float("inf")
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "narrascope",
                    "ptc",
                    "techniques",
                    str(articles),
                    "-o",
                    f"{tmp}/p.labels",
                ],
                check=True,
                capture_output=True,
            )
            best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    articles = args.data / "train-articles"
    texts = [p.read_text(encoding="utf-8") for p in sorted(articles.glob("*.txt"))]
    started = time.perf_counter()
    tagger = TechniqueTagger.load()
    load_ms = (time.perf_counter() - started) * 1000
    per_article = []
    for text in texts:
        t0 = time.perf_counter()
        tagger.tag([text], ["en"])
        per_article.append((time.perf_counter() - t0) * 1000)
    lengths = sorted(len(t) for t in texts)
    median_len = lengths[len(lengths) // 2]
    typical = [
        ms for ms, t in zip(per_article, texts, strict=True) if 0.8 * median_len <= len(t) <= 1.2 * median_len
    ]
    total = cli_seconds(articles, args.repeat)
    print("| measure | value |")
    print("| --- | ---: |")
    print(f"| articles | {len(texts)} (median {median_len} characters) |")
    print(
        f"| CLI `ptc techniques`, all articles (best of {args.repeat}) | {total:.1f} s = {len(texts) / total:.1f} articles/s |"
    )
    print(f"| model load | {load_ms:.0f} ms |")
    print(
        f"| `tag()` per article, median / p90 | {statistics.median(per_article):.0f} / {statistics.quantiles(per_article, n=10)[-1]:.0f} ms |"
    )
    print(
        f"| `tag()` on articles of typical length (median ±20%, n={len(typical)}), median | {statistics.median(typical):.0f} ms |"
    )


if __name__ == "__main__":
    main()
