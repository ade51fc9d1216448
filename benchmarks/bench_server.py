"""Bounded load test of ``narrascope serve`` on loopback: mixed analyse/query traffic.

Builds a store of ``--store-size`` articles (a few real fast-profile analyses of our own
texts, copied under new ids, dates, outlets and languages, with entity framing), starts
the server on a free 127.0.0.1 port, warms the models, then sends ``--requests`` requests
with ``--concurrency`` in flight: ``--analyse-share`` of them POST /api/v1/analyse (fast
profile, the demo article with a per-request suffix so nothing is served from a cache),
the rest spread over the query endpoints. Prints requests/s, p50/p95 per kind, errors and
the server's peak memory (VmHWM), then the sequential latency of the default profile.
Every loop is bounded in count; only 127.0.0.1 is contacted.

    python benchmarks/bench_server.py --requests 500 --concurrency 16 --store-size 20000
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from narrascope.cli.analyze import demo_article
from narrascope.corpus.store import CorpusStore
from narrascope.pipeline import Analyzer
from narrascope.schema import Analysis, Article, EntityFrame, LanguageGuess, Mention

PARAGRAPHS = [
    "Western governments keep sending weapons while ordinary families pay for it with higher bills, "
    "a columnist wrote, accusing Brussels of ignoring its own voters.",
    "Critics claim the climate agenda is a scheme to raise taxes, and that the data behind it has been "
    "exaggerated by activists who want to control how people live.",
    "An analyst argued that the sanctions have hurt Europe far more than Moscow, and that the "
    "continent's factories are closing because leaders followed Washington.",
    "Scientists reported that the glacier lost a record amount of ice this summer, and farmers "
    "downstream worry about the water supply.",
    "Officials in Kyiv denied the report, saying the footage was staged and part of a coordinated "
    "campaign to weaken support for the country.",
]
ENTITIES = [
    ("NATO", "Antagonist", "Instigator"),
    ("Civilians", "Innocent", "Victim"),
    ("Kyiv", "Antagonist", "Corrupt"),
]
OUTLETS = ["Herald", "Courier", "Gazette", "Tribune", "Observer"]
LANGUAGES = ["en", "en", "en", "bg", "ru", "pt", "hi"]
NARRATIVE = "CC: Criticism of institutions and authorities"


def build_store(path: Path, size: int, seed: int = 1) -> None:
    """``size`` articles derived from a few real fast analyses of our own texts."""
    rng = random.Random(seed)
    analyzer = Analyzer(profile="fast")
    texts = [f"Report {i}\n\n" + " ".join(rng.sample(PARAGRAPHS, 3)) for i in range(12)]
    bases = list(analyzer.analyze_many(Article(id=f"b{i}", content=t) for i, t in enumerate(texts)))
    start = datetime(2024, 1, 1)
    with CorpusStore(path) as store:
        batch: list[Analysis] = []
        for i in range(size):
            base = bases[i % len(bases)]
            name, role, fine = ENTITIES[i % len(ENTITIES)]
            frame = EntityFrame(
                name=name,
                mentions=[Mention(start=0, end=len(name), text=name)],
                main_role=role,  # type: ignore[arg-type]
                fine_roles=[fine],
                confidence=0.8,
                main_probabilities={role: 0.8},
            )
            batch.append(
                base.model_copy(
                    update={
                        "id": f"bench/{i:06d}",
                        "title": f"{base.title} #{i}",
                        "content_sha256": f"{i:064x}",
                        "outlet": OUTLETS[i % len(OUTLETS)],
                        "published": start + timedelta(hours=rng.randrange(0, 24 * 365)),
                        "language": LanguageGuess(code=rng.choice(LANGUAGES), confidence=1.0, detected=False),
                        "entities": [frame],
                    }
                )
            )
            if len(batch) == 1000:
                _save(store, batch, texts)
                batch = []
        _save(store, batch, texts)
        _as_batch_leaves_stories(store, rng)


def _as_batch_leaves_stories(store: CorpusStore, rng: random.Random) -> None:
    """Give every article a story, as ``batch`` does after a run (random unit vectors, stories
    of about ten articles): the workspace then only assigns what it analyses itself."""
    import numpy as np

    if "story_members" not in {r[0] for r in store.db.execute("SELECT name FROM sqlite_master")}:
        return  # a store from before stories
    vectors = np.random.default_rng(rng.randrange(1 << 30)).normal(size=(64, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    rows = store.db.execute("SELECT id, content_sha256 FROM articles").fetchall()
    with store.transaction() as db:
        db.executemany(
            "INSERT OR REPLACE INTO story_members (id, content_sha256, story, similarity, vector) "
            "VALUES (?, ?, ?, 1.0, ?)",
            [
                (i, sha, f"S{n // 10:010d}", vectors[n % 64].astype(np.float16).tobytes())
                for n, (i, sha) in enumerate(rows)
            ],
        )


def _save(store: CorpusStore, batch: list[Analysis], texts: list[str]) -> None:
    """Save with each copy's text (store v4 keeps it for search); older stores take none."""
    if "texts" in inspect.signature(store.save).parameters:
        kept = {(a.id, a.content_sha256): texts[int(a.id.split("/")[1]) % len(texts)] for a in batch}
        store.save(batch, kept)  # type: ignore[call-arg]
    else:
        store.save(batch)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def peak_memory_mb(pid: int) -> float:
    """VmHWM of ``pid`` plus its live descendants (the analysis process since issue 12)."""
    total = 0.0
    for proc in [pid, *descendants(pid)]:
        try:
            for line in Path(f"/proc/{proc}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


def descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *descendants(child)]
    return found


KINDS = ["list", "list-filtered", "get", "stats", "trend", "entities"]
PAGE_KINDS = ["search", "narrative", "entity", "narrative-page", "entity-page", "dashboard"]
"""Issue-12 endpoints (``--pages``): full-text search, narrative/entity API and pages, the dashboard."""


def query_request(rng: random.Random, kinds: list[str] = KINDS) -> tuple[str, str, dict[str, object]]:
    """One query: (kind, path, params)."""
    kind = rng.choice(kinds)
    if kind == "search":
        return kind, "/api/v1/articles", {"q": rng.choice(["sanctions", "glacier water", "weap*"])}
    if kind == "narrative":
        return kind, f"/api/v1/narratives/{NARRATIVE}", {}
    if kind == "entity":
        return kind, f"/api/v1/entities/{rng.choice(ENTITIES)[0]}", {}
    if kind == "narrative-page":
        return kind, "/corpus/narrative", {"label": NARRATIVE}
    if kind == "entity-page":
        return kind, "/corpus/entity", {"name": rng.choice(ENTITIES)[0]}
    if kind == "dashboard":
        return kind, "/corpus", {}
    if kind == "list":
        return kind, "/api/v1/articles", {"limit": 50, "offset": rng.randrange(0, 1000)}
    if kind == "list-filtered":
        return kind, "/api/v1/articles", {"language": rng.choice(LANGUAGES), "outlet": rng.choice(OUTLETS),
                                          "since": "2024-06-01", "q": "Report"}  # fmt: skip
    if kind == "get":
        return kind, f"/api/v1/articles/bench/{rng.randrange(0, 1000):06d}", {}
    if kind == "stats":
        return kind, "/api/v1/stats", {"by": ["narrative", "language"]}
    if kind == "trend":
        return kind, "/api/v1/trend", {"over": "week"}
    return kind, "/api/v1/entities", {"role": "Antagonist", "top": 10}


async def load(
    url: str, total: int, concurrency: int, analyse_share: float, seed: int = 2, kinds: list[str] = KINDS
) -> dict[str, object]:
    rng = random.Random(seed)
    demo = demo_article().content
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    semaphore = asyncio.Semaphore(concurrency)

    async def one(client: httpx.AsyncClient, i: int) -> None:
        async with semaphore:
            if rng.random() < analyse_share:
                kind = "analyse-fast"
                request = client.build_request(
                    "POST", "/api/v1/analyse", json={"text": f"{demo}\n\nUpdate {i}.", "profile": "fast"}
                )
            else:
                kind, path, params = query_request(rng, kinds)
                request = client.build_request("GET", path, params=params)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            try:
                response = await client.send(request)
                if response.status_code != 200:
                    errors.append(f"{kind}: {response.status_code}")
            except httpx.HTTPError as error:
                errors.append(f"{kind}: {type(error).__name__}")
            latencies[kind].append(time.perf_counter() - t0)

    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        t0 = time.perf_counter()
        await asyncio.gather(*(one(client, i) for i in range(total)))
        wall = time.perf_counter() - t0
    return {"wall": wall, "latencies": latencies, "errors": errors}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--store-size", type=int, default=20_000)
    parser.add_argument("--analyse-share", type=float, default=0.3)
    parser.add_argument("--default-runs", type=int, default=10, help="Sequential default-profile analyses.")
    parser.add_argument(
        "--pages", action="store_true", help="Query the issue-12 endpoints (search, narrative/entity pages)."
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        build_store(store, args.store_size)
        print(f"store: {args.store_size} articles built in {time.perf_counter() - t0:.1f} s")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "narrascope", "serve", "--store", str(store), "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(600):  # at most 60 s to start
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            print(f"server answering /healthz after {time.perf_counter() - t0:.2f} s")
            t0 = time.perf_counter()
            httpx.post(
                f"{url}/api/v1/analyse", json={"text": demo_article().content, "profile": "fast"}, timeout=300
            )
            print(f"first fast analysis (loads the fast models): {time.perf_counter() - t0:.2f} s")

            kinds = PAGE_KINDS if args.pages else KINDS
            result = asyncio.run(load(url, args.requests, args.concurrency, args.analyse_share, kinds=kinds))
            report(result, args)

            t0 = time.perf_counter()
            httpx.post(f"{url}/api/v1/analyse", json={"text": demo_article().content}, timeout=300)
            print(f"\nfirst default analysis (loads the default models): {time.perf_counter() - t0:.2f} s")
            default = []
            for i in range(args.default_runs):
                t0 = time.perf_counter()
                response = httpx.post(
                    f"{url}/api/v1/analyse",
                    json={"text": f"{demo_article().content}\n\nRun {i}."},
                    timeout=300,
                )
                default.append(time.perf_counter() - t0)
                assert response.status_code == 200, response.text
            print(f"default profile, demo article, sequential x{len(default)}: "
                  f"p50 {pct(default, 0.5):.0f} ms, max {max(default) * 1000:.0f} ms")  # fmt: skip
            print(
                f"server peak memory (VmHWM, with its child processes): {peak_memory_mb(server.pid):.0f} MB"
            )
        finally:
            server.terminate()
            server.wait(timeout=30)


def report(result: dict[str, object], args: argparse.Namespace) -> None:
    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    wall: float = result["wall"]  # type: ignore[assignment]
    print(f"\n{args.requests} requests, {args.concurrency} concurrent, {args.analyse_share:.0%} analyse: "
          f"{args.requests / wall:.1f} requests/s over {wall:.1f} s, {len(errors)} errors")  # fmt: skip
    if errors:
        print("errors:", sorted(set(errors))[:10])
    every = [v for values in latencies.values() for v in values]
    queries = [v for kind, values in latencies.items() if kind != "analyse-fast" for v in values]
    print("\n| requests | n | p50 ms | p95 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |")
    rows = [*sorted(latencies.items()), ("all queries", queries), ("all", every)]
    for kind, values in rows:
        if not values:  # e.g. no queries in an analyses-only run
            continue
        print(
            f"| {kind} | {len(values)} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | {max(values) * 1000:.1f} |"
        )
    print(f"\nmean of all: {statistics.mean(every) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
