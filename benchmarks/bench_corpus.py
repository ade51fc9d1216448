"""Throughput and peak memory of ``narrascope batch`` for 1 and 2 workers and on Dask.

Runs the real CLI in a subprocess and samples the resident memory of its whole process
tree (parent, worker processes, Dask scheduler/nanny/workers) every 0.2 s from /proc.

    python benchmarks/bench_corpus.py                 # everything (~25 min on 2 cores)
    python benchmarks/bench_corpus.py --only fast     # the 20,000-article --fast runs
    python benchmarks/bench_corpus.py --only default  # the 460 unlabelled articles
    python benchmarks/bench_corpus.py --only default --engines 1 --baseline-python OLD/.venv/bin/python

``--baseline-python`` also runs the 1-worker plans with another interpreter (e.g. a venv
holding an earlier narrascope) in the same session and prints the speed ratio. Every run's
rows are compared with the 1-worker run of the same plan: identical JSON once
``provenance`` is set aside (it names the engine-independent models, so it is equal too).

The 20,000-article corpus is built here, deterministically (seed 5), by resampling
paragraphs of the unlabelled articles within each language: a title line and 3-8
paragraphs per article. It is written to a temporary folder, never into the repo.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
UNLABELED = REPO.parent / "shared" / "data" / "semeval2025-task10" / "unlabeled"


def build_corpus(path: Path, n: int, unlabeled: Path = UNLABELED, seed: int = 5) -> None:
    """``n`` synthetic articles (JSONL) from resampled paragraphs of the unlabelled articles."""
    rng = random.Random(seed)
    by_lang: dict[str, tuple[list[str], list[str]]] = {}
    for folder in sorted(unlabeled.iterdir()):
        titles, paragraphs = [], []
        for file in sorted(folder.glob("*.txt")):
            lines = [line.strip() for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
            if len(lines) >= 2:
                titles.append(lines[0])
                paragraphs.extend(lines[1:])
        by_lang[folder.name] = (titles, paragraphs)
    langs = sorted(by_lang)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(n):
            titles, paragraphs = by_lang[langs[i % len(langs)]]
            text = "\n\n".join(rng.sample(paragraphs, rng.randint(3, 8)))
            record = {"id": f"synthetic-{i:06d}", "title": rng.choice(titles), "text": text}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total / 1e6


def run(args: list[str], workdir: Path, python: str = sys.executable) -> tuple[float, float, str]:
    """Wall seconds, peak tree RSS (MB) and the summary line of one batch run."""
    cmd = [python, "-m", "narrascope", "batch", *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.2)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
    return wall, peak, " ".join(err.split())[:160]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=["fast", "default", "memory"], default=None)
    parser.add_argument("--articles", type=int, default=20_000, help="size of the synthetic corpus")
    parser.add_argument("--data", type=Path, default=UNLABELED, help="the unlabelled SemEval folder")
    parser.add_argument("--engines", type=int, default=3, help="how many of: 1 worker, 2 workers, dask")
    parser.add_argument("--baseline-python", default=None, help="also run 1-worker plans with this python")
    opts = parser.parse_args()
    unlabeled = opts.data
    if not unlabeled.exists():
        raise SystemExit(f"shared data not found at {unlabeled}")
    engines = [("1 worker", ["--workers", "1"]), ("2 workers", ["--workers", "2"])]
    engines.append(("dask, 2 workers", ["--engine", "dask", "--workers", "2"]))
    engines = engines[: opts.engines]
    rows = []
    with tempfile.TemporaryDirectory(prefix="narrascope-bench-") as tmp:
        work = Path(tmp)
        plans: list[tuple[str, str, int, list[str]]] = []
        if opts.only in (None, "default"):
            for name, extra in engines:
                plans.append(("default", name, 460, [str(unlabeled), *extra]))
        if opts.only in (None, "fast", "memory"):
            sizes = [5_000, opts.articles] if opts.only == "memory" else [opts.articles]
            for size in sizes:
                corpus = work / f"corpus-{size}.jsonl"
                build_corpus(corpus, size, unlabeled)
                chosen = engines[:1] if opts.only == "memory" else engines
                for name, extra in chosen:
                    plans.append(("fast", name, size, [str(corpus), "--fast", *extra]))
        if opts.baseline_python:
            plans = [
                plan
                for base in plans
                for plan in (
                    (base, ((base[0], f"baseline {base[1]}", base[2], base[3])))
                    if base[1] == "1 worker"
                    else (base,)
                )
            ]
        reference: dict[tuple[str, int], list[str]] = {}
        for i, (profile, name, size, args) in enumerate(plans):
            python = opts.baseline_python if name.startswith("baseline") else sys.executable
            out = work / f"out-{i}.jsonl"
            wall, peak, summary = run([*args, "--out", out.name, "--no-store"], work, python)
            rows.append((profile, name, size, wall, size / wall, peak))
            same = ""
            if not name.startswith("baseline"):
                content = comparable_rows(out)
                same = (
                    "reference"
                    if (profile, size) not in reference
                    else ("identical" if content == reference[(profile, size)] else "DIFFERENT")
                )
                reference.setdefault((profile, size), content)
            print(
                f"{profile:8} {name:22} {size:6d} {wall:8.1f} s {size / wall:8.2f} art/s {peak:7.0f} MB "
                f"{same} | {summary}"
            )
            sys.stdout.flush()
    print("\n| profile | engine | articles | wall s | articles/s | peak RSS MB (process tree) |")
    print("|---|---|---|---|---|---|")
    for profile, name, size, wall, rate, peak in rows:
        print(f"| {profile} | {name} | {size} | {wall:.1f} | {rate:.2f} | {peak:.0f} |")
    for profile in ("default", "fast"):
        one = [r for r in rows if r[0] == profile and r[1] == "1 worker"]
        two = [r for r in rows if r[0] == profile and r[1] == "2 workers"]
        base = [r for r in rows if r[0] == profile and r[1] == "baseline 1 worker"]
        if one and two:
            print(f"\n{profile}: scaling 2 workers / 1 worker = {two[0][4] / one[0][4]:.2f}x")
        if one and base:
            print(f"\n{profile}: this version / baseline, 1 worker = {one[0][4] / base[0][4]:.2f}x")


def comparable_rows(out: Path) -> list[str]:
    """The result rows with provenance set aside, sorted by key: what must not depend on the engine."""
    rows = []
    for line in out.read_text(encoding="utf-8").splitlines():
        data = json.loads(line)
        data.pop("provenance", None)
        data.pop("model", None)
        rows.append(json.dumps(data, sort_keys=True))
    return sorted(rows)


if __name__ == "__main__":
    main()
