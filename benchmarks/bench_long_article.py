"""Time and peak memory of one long article, by length (default profile).

Builds articles of the requested lengths by concatenating the unlabelled English
articles (in file order), analyses each in a fresh process (so peak RSS is that
article's), and reports seconds and peak resident memory. Shows that every stage stays
linear up to ``pipeline.MAX_ARTICLE_CHARS``.

    python benchmarks/bench_long_article.py --chars 20000 200000 1000000
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENGLISH = REPO.parent / "shared" / "data" / "semeval2025-task10" / "unlabeled" / "EN"

CHILD = r"""
import json, resource, sys, time
from collections import defaultdict
from narrascope.pipeline import Analyzer
from narrascope.schema import Article
text = open(sys.argv[1], encoding="utf-8").read()
analyzer = Analyzer(sys.argv[2])
analyzer.analyze(Article(id="warm-up", title="t", content="A short warm-up text about NATO and Kyiv."))
spent = defaultdict(float)
def timed(name, component):
    def run(docs):
        start = time.perf_counter(); out = component(docs); spent[name] += time.perf_counter() - start
        return out
    return run
analyzer.components = [(n, timed(n, c)) for n, c in analyzer.components]
start = time.perf_counter()
analyzer.analyze(Article(id="long", title="long", content=text))
total = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": total, "peak_mb": peak, "stages": spent}))
"""


def build(chars: int) -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ENGLISH.glob("*.txt"))]
    out, i = [], 0
    while sum(map(len, out)) < chars:
        out.append(texts[i % len(texts)] + "\n\n")
        i += 1
    return "".join(out)[:chars]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--chars", type=int, nargs="+", default=[20_000, 200_000, 1_000_000])
    parser.add_argument("--profile", default="default")
    parser.add_argument("--work", type=Path, default=Path("/tmp"))
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, python {platform.python_version()}, profile {args.profile}")
    print("| characters | seconds | chars/s | peak RSS MB | slowest stages (s) |")
    print("|---|---|---|---|---|")
    for chars in args.chars:
        path = args.work / f"narrascope-long-{chars}.txt"
        path.write_text(build(chars), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(path), args.profile], capture_output=True, text=True, check=True
        )
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        stages = sorted(r["stages"].items(), key=lambda kv: -kv[1])[:3]
        slow = ", ".join(f"{k} {v:.1f}" for k, v in stages)
        print(
            f"| {chars:,} | {r['seconds']:.1f} | {chars / r['seconds']:,.0f} | {r['peak_mb']:.0f} | {slow} |",
            flush=True,
        )
        path.unlink()


if __name__ == "__main__":
    main()
