"""Russian NER with natasha 1.6 (slovnet NER + navec, weights inside the package)."""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import sys, time, json
sys.path.insert(0, os.path.dirname(__file__))
from data import load, recall
import numpy

t0 = time.perf_counter()
from natasha import Segmenter, NewsEmbedding, NewsNERTagger, Doc
seg = Segmenter(); emb = NewsEmbedding(); ner = NewsNERTagger(emb)
load_s = time.perf_counter() - t0
print("numpy", numpy.__version__, f"load {load_s:.2f}s")

gold = load("RU")
alldocs = load("RU", annotated_only=False)


def run(text):
    doc = Doc(text)
    doc.segment(seg)
    doc.tag_ner(ner)
    return [(s.start, s.stop, s.type) for s in doc.spans]


run("Владимир Путин приехал в Москву.")
preds, times, labels = {}, [], {}
for doc_id, (text, _) in alldocs.items():
    t = time.perf_counter()
    preds[doc_id] = run(text)
    times.append(time.perf_counter() - t)
f, tot = recall(gold, {k: [(a, b) for a, b, _ in v] for k, v in preds.items()})
res = dict(recall=f / tot, gold=tot, cand_per_art=sum(len(preds[d]) for d in gold) / len(gold),
           ms_per_article=1000 * sum(times) / len(times), n_articles_timed=len(times))
print(json.dumps(res))
# try the morph lemmatizer too (pymorphy2 + pkg_resources): does it import on 3.11?
try:
    from natasha import MorphVocab
    mv = MorphVocab()
    res["morphvocab"] = "ok"
except Exception as e:  # noqa: BLE001
    res["morphvocab"] = f"{type(e).__name__}: {e}"
print("MorphVocab:", res["morphvocab"])
json.dump(res, open(os.path.join(os.path.dirname(__file__), "results_ru_natasha.json"), "w"), indent=1)
