"""Derived dense features from cached vectors (no new embeddings):
chunkpool = mean of the 60-word-chunk vectors of all chunks of the article that contain
the mention string (the entity's profile across the article), L2-normalised."""
from pathlib import Path
import numpy as np
from narrascope.nlp.embed import Embedder, EmbeddingCache
import texts as T
from data import load

HERE = Path(__file__).parent
emb = Embedder(threads=1, cache=EmbeddingCache(HERE / "emb.sqlite"))
ms = load()
rows = []
for m in ms:
    cs = T.chunks(m.lang, m.article)
    sel = [c.text for c in cs if m.mention in c.text] or [cs[T.chunk_index(m)].text]
    v = emb.embed(sel).mean(0)
    rows.append(v / np.linalg.norm(v))
X = np.stack(rows).astype(np.float32)
np.save(HERE / "feats" / "chunkpool.npy", X)
print(X.shape, np.mean([sum(m.mention in c.text for c in T.chunks(m.lang, m.article)) for m in ms]))
