"""Portuguese NER with NLPyPort 2.2.5 (HAREM CRF shipped in the sdist, CC0) — probe, bypassing its
package __init__ (which needs the NLTK 'floresta' corpus download).  Gotchas handled here:
 * `pip install --no-deps NLPyPort` (it lists the dead `sklearn` package) + nltk sklearn-crfsuite xmltodict
 * stub `pandas`, enable sklearn's halving-search import, patch nltk RegexpTagger pickles (_regexs -> _regexps)
"""
import os
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(v, "1")
import importlib.util, json, re, sys, time, types
from pathlib import Path
sys.path.insert(0, os.path.dirname(__file__))
from data import load, recall

t0 = time.perf_counter()
spec = importlib.util.find_spec("NLPyPort")
base = Path(spec.submodule_search_locations[0])
pkg = types.ModuleType("NLPyPort"); pkg.__path__ = [str(base)]; sys.modules["NLPyPort"] = pkg
sys.modules.setdefault("pandas", types.ModuleType("pandas"))
import sklearn.experimental.enable_halving_search_cv  # noqa: F401,E402
from NLPyPort.TagPyPort.Tagger import load_tagger, load_tag_configurations  # noqa: E402
from NLPyPort.LemPyPort.LemFunctions import nlpyport_lematizer_loader, nlpyport_lematizer_preload  # noqa: E402
from NLPyPort.CRF.CRF_Teste import prepareData, load_model  # noqa: E402


def fix(tg, seen=None):
    seen = seen if seen is not None else set()
    while tg is not None and id(tg) not in seen:
        seen.add(id(tg))
        if hasattr(tg, "_regexs") and not hasattr(tg, "_regexps"):
            tg._regexps = tg._regexs
        for sub in getattr(tg, "_taggers", []) or []:
            fix(sub, seen)
        tg = getattr(tg, "_initial_tagger", None) or getattr(tg, "_backoff", None)


tagger = load_tagger(load_tag_configurations(base / "TagPyPort/resources/config/tagport.properties"))
fix(tagger)
crf = load_model(base / "CRF/trainedModels/harem.pickle")
t_light = time.perf_counter() - t0
lemcfg = base / "LemPyPort/resources/config/lemport.properties"
LEM = nlpyport_lematizer_loader(lemcfg)
t_full = time.perf_counter() - t0
print(f"load: tagger+crf {t_light:.1f}s, +lemmatizer {t_full:.1f}s")

TOK = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
SENT_END = {".", "!", "?", "…"}


def sentences(text):
    toks = [(m.start(), m.end(), m.group()) for m in TOK.finditer(text)]
    cur = []
    for i, t in enumerate(toks):
        cur.append(t)
        nl = i + 1 < len(toks) and "\n" in text[t[1]:toks[i + 1][0]]
        if t[2] in SENT_END or nl or len(cur) >= 80:
            yield cur
            cur = []
    if cur:
        yield cur


def ner(text, lemmatize=True):
    spans = []
    for sent in sentences(text):
        words = [w for _, _, w in sent]
        tags = [x[1].split(":")[-1] for x in tagger.tag(words)]
        lem = nlpyport_lematizer_preload(words, tags, lemcfg, *LEM) if lemmatize else [w.lower() for w in words]
        X, _ = prepareData([list(zip(words, tags, lem))], "predict", [True, True])
        labs = crf.predict(X)[0]
        cur = None
        for (s, e, _), lab in zip(sent, labs):
            if lab.startswith("B-") or (lab.startswith("I-") and cur is None):
                if cur: spans.append(tuple(cur))
                cur = [s, e, lab[2:]]
            elif lab.startswith("I-") and cur is not None:
                cur[1] = e
            else:
                if cur: spans.append(tuple(cur))
                cur = None
        if cur: spans.append(tuple(cur))
    return spans


gold = load("PT")
alldocs = load("PT", annotated_only=False)
res = {"load_s_tagger_crf": round(t_light, 1), "load_s_with_lemmatizer": round(t_full, 1)}
for name, lemm in (("lemmatizer", True), ("lowercase_lemma", False)):
    preds, times = {}, []
    for d, (text, _) in alldocs.items():
        t = time.perf_counter()
        preds[d] = ner(text, lemm)
        times.append(time.perf_counter() - t)
    f, tot = recall(gold, {k: [(a, b) for a, b, _ in v] for k, v in preds.items()})
    cands = sum(len(preds[d]) for d in gold) / len(gold)
    res[name] = dict(recall=round(f / tot, 3), cand_per_art=round(cands, 1),
                     ms_per_article=round(1000 * sum(times) / len(times), 1))
    print(name, res[name])
json.dump(res, open(Path(__file__).with_name("results_pt_nlpyport.json"), "w"), indent=1)
