"""Stories (issue 14): BCubed and pairwise F1 of story assignment on a labelled development set.

Reads JSONL records ``id,title,text,published,language,story`` (``story`` = gold), assigns
them with :func:`narrascope.corpus.stories.assign` (the code ``batch`` runs) under several
settings, and prints one Markdown row per setting. Settings are chosen honestly with a
two-fold split over *stories* (half the stories tune, the other half report, and back):
the "held-out" columns never saw the setting chosen on them. Embeddings are cached (by
text, never by id) under ``--cache``.

    python benchmarks/stories_dev.py --data benchmarks/data/stories/written.jsonl \
        --cache /work/cache/stories.sqlite
    python benchmarks/stories_dev.py ... --speed 1000,10000,100000   # assignment cost only
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import resource
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from narrascope.corpus.stories import (
    StoryConfig,
    StoryIndex,
    StoryInput,
    assign,
    one_blas_thread,
    time_order,
)
from narrascope.eval.stories import score_clusters
from narrascope.nlp.embed import Embedder, EmbeddingCache


def load(path: Path) -> tuple[list[StoryInput], dict[str, str]]:
    items, gold = [], {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        published = (
            datetime.fromisoformat(r["published"]).replace(tzinfo=None) if r.get("published") else None
        )
        text = r.get("text") or ""
        lead = "" if text.strip() == r["title"].strip() else text[:300]
        items.append(StoryInput(r["id"], r["id"], r["title"], lead, r.get("language", ""), published))
        gold[r["id"]] = r["story"]
    return items, gold


def half(story: str) -> int:
    return int(hashlib.sha1(story.encode()).hexdigest(), 16) % 2


def run(items: list[StoryInput], gold: dict[str, str], embed, config: StoryConfig):  # type: ignore[no-untyped-def]
    pred = {a.id: a.story for a in assign(items, embed, config)}
    return score_clusters({i.id: gold[i.id] for i in items}, pred)


def grid() -> list[tuple[str, StoryConfig]]:
    """Centred cosines (the shipped recipe) over a small grid, plus plain cosines for reference."""
    out = []
    plain = StoryConfig(threshold=0.89, window_days=2.0, center=False, cross_language=0.0)
    out.append(("centroid, plain cosine, τ=0.89, window 2 d, anchors on", plain))
    for link, tau, window, use_anchors, cross in itertools.product(
        ("average", "centroid"), (0.30, 0.35, 0.40, 0.45), (2.0, 3.0), (True, False), (0.1, 0.2)
    ):
        config = StoryConfig(threshold=tau, window_days=window, link=link, cross_language=cross)
        if not use_anchors:
            config = replace(config, anchor_bonus=0.0, max_anchor_bonus=0.0, number_penalty=0.0)
        name = (
            f"{link} centred, τ={tau:.2f}, window {window:g} d, anchors {'on' if use_anchors else 'off'}, "
            f"cross-language +{cross:g}"
        )
        out.append((name, config))
    return out


def speed(items: list[StoryInput], embed, sizes: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Assignment cost per article at several store sizes: the dev vectors resampled with
    noise and spread over time (about 300 articles a day), so the active window is realistic."""
    base = embed([i.text for i in items])
    rng = np.random.default_rng(0)
    print(
        "| articles | assignment ms/article | active stories at the end | articles kept for copies | peak RSS MB |"
    )
    print("|---|---|---|---|---|")
    for n in sizes:
        picks = rng.integers(0, len(items), n)
        vectors = base[picks] + rng.normal(0, 0.01, (n, base.shape[1])).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        start_day = datetime(2025, 1, 1)
        fake = [
            StoryInput(
                f"x{k}",
                f"x{k}",
                items[p].title,
                "",
                items[p].language,
                start_day + timedelta(minutes=k * 4.8),
            )
            for k, p in enumerate(picks)
        ]
        index = StoryIndex(StoryConfig())
        t = time.perf_counter()
        with one_blas_thread():  # as assign() and assign_pending() run it
            for it, v in zip(fake, vectors, strict=True):
                index.add(it, v)
        ms = (time.perf_counter() - t) * 1000 / n
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {n:,} | {ms:.2f} | {index.active} | {index.kept_for_copies:,} | {rss:.0f} |")


def semeval(groups: Path, root: Path, embed) -> None:  # type: ignore[no-untyped-def]
    """The hand-grouped SemEval articles: every article of train + unlabeled is assigned
    (undated, so no window applies), the grouped ones are scored; copies counted apart."""
    from narrascope.corpus.stories import lead_of

    gold = dict(line.split("\t") for line in groups.read_text(encoding="utf-8").splitlines() if line.strip())
    files = sorted(root.glob("train/*/raw-documents/*.txt")) + sorted(root.glob("unlabeled/*/*.txt"))
    items = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        title = lines[0] if lines else ""
        rel = str(path.relative_to(root))
        lang = path.parts[-3].lower() if "raw-documents" in path.parts else path.parts[-2].lower()
        items.append(StoryInput(rel, rel, title, lead_of(title, " ".join(lines[1:])), lang, None))
    print(
        f"\nSemEval hand groups: {len(gold)} articles in {len(set(gold.values()))} stories; "
        f"{len(items)} articles assigned"
    )
    print("| setting | scored | BCubed P | BCubed R | BCubed F1 | pairwise F1 | copies marked |")
    print("|---|---|---|---|---|---|---|")
    for name, config in (
        ("shipped default (average link, τ=0.40)", StoryConfig()),
        ("centroid link, τ=0.30, cross +0.1", StoryConfig(link="centroid", threshold=0.30, cross_language=0.1)),
        ("plain cosine τ=0.89", StoryConfig(link="centroid", threshold=0.89, center=False, cross_language=0.0)),
    ):  # fmt: skip
        done = assign(items, embed, config)
        pred = {a.id: a.story for a in done}
        s = score_clusters(gold, pred)
        copies = sum(1 for a in done if a.copy_of and a.id in gold)
        print(
            f"| {name} | {s.articles} | {s.bcubed_precision:.3f} | {s.bcubed_recall:.3f} | **{s.bcubed_f1:.3f}** | "
            f"{s.pairwise_f1:.3f} | {copies} |"
        )
        titles_only = [StoryInput(i.id, i.content_sha256, i.title, "", i.language, None) for i in items]
        s = score_clusters(gold, {a.id: a.story for a in assign(titles_only, embed, config)})
        print(
            f"| {name}, titles only | {s.articles} | {s.bcubed_precision:.3f} | {s.bcubed_recall:.3f} | "
            f"**{s.bcubed_f1:.3f}** | {s.pairwise_f1:.3f} | |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    parser.add_argument("--speed", default="", help="comma-separated store sizes for the cost table")
    parser.add_argument("--top", type=int, default=12, help="grid rows printed")
    parser.add_argument("--no-grid", action="store_true", help="only the shipped setting (and the extras)")
    parser.add_argument("--semeval", type=Path, default=None,
                        help="semeval_groups.tsv: also score the hand-grouped SemEval articles (full text, "
                             "undated), all train+unlabeled articles assigned, the listed ones scored")  # fmt: skip
    parser.add_argument("--semeval-root", type=Path, default=Path("../shared/data/semeval2025-task10"))
    args = parser.parse_args()
    embedder = Embedder(cache=EmbeddingCache(args.cache) if args.cache else None)
    items, gold = load(args.data)
    t = time.perf_counter()
    embedder.embed([i.text for i in time_order(items)])
    print(
        f"{len(items)} records, {len(set(gold.values()))} gold stories; embedding {time.perf_counter() - t:.1f} s "
        f"({embedder.computed} computed)\n"
    )
    halves = [[i for i in items if half(gold[i.id]) == h] for h in (0, 1)]
    rows = []
    for name, config in ([] if args.no_grid else grid()) + [("shipped default", StoryConfig())]:
        whole = run(items, gold, embedder.embed, config)
        parts = [run(h, gold, embedder.embed, config).bcubed_f1 for h in halves]
        rows.append((name, config, whole, parts))
    # Held-out: the setting chosen on one half, scored on the other.
    held = []
    for tune, test in ((0, 1), (1, 0)):
        best = max(rows, key=lambda r: r[3][tune])
        held.append((best[0], best[3][test]))
    print(
        "| setting | BCubed P | BCubed R | BCubed F1 | pairwise F1 | stories (gold) | F1 half A | F1 half B |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, _config, s, parts in sorted(rows, key=lambda r: -r[2].bcubed_f1)[: args.top]:
        print(
            f"| {name} | {s.bcubed_precision:.3f} | {s.bcubed_recall:.3f} | **{s.bcubed_f1:.3f}** | "
            f"{s.pairwise_f1:.3f} | {s.predicted_clusters} ({s.gold_clusters}) | {parts[0]:.3f} | {parts[1]:.3f} |"
        )
    default = next((r for r in rows if r[1] == StoryConfig()), rows[0])
    s = default[2]
    print(
        f"\nshipped default ({default[0]}): BCubed F1 {s.bcubed_f1:.3f} (P {s.bcubed_precision:.3f}, "
        f"R {s.bcubed_recall:.3f}), pairwise F1 {s.pairwise_f1:.3f}"
    )
    for (name, score), (tune, test) in zip(held, ((0, 1), (1, 0)), strict=True):
        print(f"chosen on half {'AB'[tune]}: {name} -> BCubed F1 on half {'AB'[test]} {score:.3f}")
    singletons = score_clusters(gold, {k: k for k in gold})
    one = score_clusters(gold, dict.fromkeys(gold, "all"))
    print(
        f"baselines: every article its own story F1 {singletons.bcubed_f1:.3f}; one story F1 {one.bcubed_f1:.3f}"
    )
    if args.semeval:
        semeval(args.semeval, args.semeval_root, embedder.embed)
    if args.speed:
        print()
        speed(items, embedder.embed, [int(x) for x in args.speed.split(",")])


if __name__ == "__main__":
    main()
