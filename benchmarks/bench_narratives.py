"""Throughput, start-up time and peak memory of ``narrascope semeval narratives``.

Runs the real CLI in a subprocess over the ~460 unlabelled SemEval articles (all
five languages, gathered into one folder of symlinks) for each profile, and prints
a Markdown table for docs/BENCHMARKS.md.

    python benchmarks/bench_narratives.py [--data ../shared/data/semeval2025-task10/unlabeled]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "semeval2025-task10" / "unlabeled"


def gather(data: Path, into: Path, limit: int | None) -> int:
    """Symlink every article of the language folders into one flat folder."""
    files = sorted(data.rglob("*.txt"))[:limit]
    for path in files:
        (into / f"{path.parent.name}__{path.name}").symlink_to(path.resolve())
    return len(files)


def run(docs: Path, fast: bool, out: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one CLI run (max over child processes)."""
    cmd = [sys.executable, "-m", "narrascope", "semeval", "narratives", str(docs), "-o", str(out)]
    if fast:
        cmd.append("--fast")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all waited-for children so far.
    return wall, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--profiles", default="fast,default")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"benchmark data not found: {args.data}")
    work = Path(tempfile.mkdtemp(prefix="narrascope-bench-"))
    try:
        docs = work / "docs"
        docs.mkdir()
        n = gather(args.data, docs, args.limit)
        one = work / "one"
        one.mkdir()
        first = next(iter(sorted(docs.iterdir())))
        (one / first.name).symlink_to(first.resolve())
        print(f"# {n} articles from {args.data}")
        print(
            f"# {platform.node()} {platform.machine()}, {os.cpu_count()} cores, python {platform.python_version()}"
        )
        print(f"# {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
        print(
            "| profile | articles | wall s | start-up s | articles/s (excl. start-up) | articles/s (incl.) | peak RSS MB |"
        )
        print("|---|---|---|---|---|---|---|")
        for profile in args.profiles.split(","):
            fast = profile == "fast"
            startup, _ = run(one, fast, work / "one.txt")
            wall, peak = run(docs, fast, work / f"{profile}.txt")
            rate = n / max(wall - startup, 1e-9)
            print(
                f"| {profile} | {n} | {wall:.1f} | {startup:.1f} | {rate:.2f} | {n / wall:.2f} | {peak:.0f} |"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
