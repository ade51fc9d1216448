"""Write the shipped mean e5 vector of news titles (models/artifacts/stories/title_mean.npy).

Story assignment compares vectors after subtracting what all titles share (e5 vectors are
anisotropic: the mean of 2,242 titles has norm 0.90). A store's first articles cannot
estimate that mean, so a prior from the first line of every SemEval 2025 Task 10 article
(train and unlabeled, five languages) is shipped and blended with the running mean.

    python benchmarks/stories_title_mean.py --data ../shared/data/semeval2025-task10 \
        --cache /work/cache/stories-titles.sqlite
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from narrascope.nlp.embed import MODEL_ID, Embedder, EmbeddingCache, embedding_text

OUT = Path(__file__).resolve().parents[1] / "src" / "narrascope" / "models" / "artifacts" / "stories"


def first_lines(root: Path) -> list[str]:
    files = sorted(root.glob("train/*/raw-documents/*.txt")) + sorted(root.glob("unlabeled/*/*.txt"))
    titles = []
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                titles.append(embedding_text(line.strip()))
                break
    return titles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args()
    titles = first_lines(args.data)
    vectors = Embedder(cache=EmbeddingCache(args.cache) if args.cache else None).embed(titles)
    mean = vectors.mean(axis=0).astype(np.float32)
    OUT.mkdir(parents=True, exist_ok=True)
    np.save(OUT / "title_mean.npy", mean)
    manifest = {"model": MODEL_ID, "titles": len(titles), "norm": round(float(np.linalg.norm(mean)), 4),
                "source": "first line of every SemEval 2025 Task 10 article (train + unlabeled)"}  # fmt: skip
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    print(f"{len(titles)} titles; mean norm {manifest['norm']}; wrote {OUT}")


if __name__ == "__main__":
    main()
