"""Grouped 5-fold CV of a linear-chain CRF span tagger (BIO, "any technique") on the PTC corpus.

Same folds as ``techniques_cv.py``. Features per token: lower-cased word, prefixes and
suffixes of 2-4 characters, shape, upper/title case, words at ±1 and ±2, position in
the sentence, quote context, neighbouring punctuation, the bucketed probability of the
sentence head (a technique somewhere in this sentence) and membership in a
loaded-word lexicon. The sentence-head probability and the lexicon of the *training*
articles come from an inner 4-fold split of the training articles (out-of-fold), so the
CRF does not learn to trust features that saw its own labels; the test articles get a
head and lexicon fitted on all training articles. Spans are labelled by the shipped
span classifier (fitted on the training folds).

Decoding: Viterbi BIO, or the CRF marginal P(token inside a span), optionally mixed with
the sentence-head probability, thresholded and bridged over gaps. Threshold / gap / mix
are chosen honestly: for each test fold, the setting with the best span F1 on the
other four folds' out-of-fold predictions ("cross-fitted" choice); the row reports the
pooled score of those per-fold choices. The best setting on all pooled folds is also
printed (optimistic, like the grid rows of ``techniques_cv.py``).

    pip install sklearn-crfsuite==0.5.0
    OMP_NUM_THREADS=1 python benchmarks/techniques_crf_cv.py --data ../shared/data/ptc-semeval2020-task11
"""

from __future__ import annotations

import argparse
import itertools
import pickle
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import sklearn_crfsuite  # type: ignore[import-not-found, import-untyped, unused-ignore]
from sklearn.model_selection import GroupKFold

from narrascope.eval.techniques import PtcCorpus, TechniqueLabel, labeled_span_f1, read_ptc, span_f1
from narrascope.models.techniques import (
    DocTokens,
    TechniqueConfig,
    TechniqueModel,
    bio_tags,
    doc_tokens,
    loaded_lexicon,
    spans_from_scores,
)
from narrascope.models.training_techniques import fold_assignment

QUOTES = frozenset('"“”«»„')


def shape(w: str) -> str:
    if w.isdigit():
        return "d"
    if not w[0].isalnum():
        return "p"
    if w.isupper() and len(w) > 1:
        return "X"
    return "Xx" if w[0].isupper() else "x"


def lexicon(corpus: PtcCorpus, docs: list[DocTokens], idx: Sequence[int], ratio: float = 0.3) -> set[str]:
    return set(
        loaded_lexicon(
            [corpus.texts[i] for i in idx], [docs[i] for i in idx], [corpus.spans[i] for i in idx], ratio
        )
    )


def sentence_head(corpus: PtcCorpus, docs: list[DocTokens], idx: Sequence[int]) -> TechniqueModel:
    m = TechniqueModel(TechniqueConfig())
    m.sentence_ = m._fit_sentence_head(
        [corpus.texts[i] for i in idx], [docs[i] for i in idx], [corpus.spans[i] for i in idx]
    )
    return m


def sentence_probs(
    m: TechniqueModel, corpus: PtcCorpus, docs: list[DocTokens], idx: Sequence[int]
) -> dict[int, np.ndarray]:
    assert m.sentence_ is not None
    p = m.sentence_.predict_proba(m.sentence_matrix([corpus.texts[i] for i in idx], [docs[i] for i in idx]))[
        :, 0
    ]
    out, k = {}, 0
    for i in idx:
        n = len(docs[i].sentences)
        out[i] = p[k : k + n]
        k += n
    return out


def crf_features(text: str, d: DocTokens, sent_p: np.ndarray, lex: set[str]) -> list[dict[str, object]]:
    words = [text[a:b] for a, b in d.spans]
    low = [w.lower() for w in words]
    n = len(words)
    first: dict[int, int] = {}
    size: Counter[int] = Counter(d.sentence_of)
    for i, s in enumerate(d.sentence_of):
        first.setdefault(s, i)
    inq, last_s = False, -1
    feats = []
    for i, w in enumerate(words):
        s = d.sentence_of[i]
        if s != last_s:
            inq, last_s = False, s
        if w in QUOTES:
            inq = not inq
        lw = low[i]
        p = float(sent_p[s])
        f: dict[str, object] = {
            "bias": 1.0,
            "w": lw,
            "p2": lw[:2],
            "p3": lw[:3],
            "p4": lw[:4],
            "s2": lw[-2:],
            "s3": lw[-3:],
            "s4": lw[-4:],
            "sh": shape(w),
            "up": w.isupper() and len(w) > 1,
            "ti": w.istitle(),
            "pos": min(4, 5 * (i - first[s]) // max(1, size[s])),
            "inq": inq,
            "sp": str(min(9, int(p * 10))),
            "spv": p,
            "lex": lw in lex,
        }
        if i == first[s]:
            f["BOS"] = True
        for k in (-2, -1, 1, 2):
            j = i + k
            same = 0 <= j < n and d.sentence_of[j] == s
            f[f"w{k}"] = low[j] if same else "<s>"
            if abs(k) == 1 and same:
                f[f"lex{k}"] = low[j] in lex
                if not words[j][0].isalnum():
                    f[f"punct{k}"] = words[j]
        f["bg-"] = f["w-1"] + "|" + lw  # type: ignore[operator]
        f["bg+"] = lw + "|" + f["w1"]  # type: ignore[operator]
        f["sp|sh"] = f["sp"] + "|" + f["sh"]  # type: ignore[operator]
        feats.append(f)
    return feats


def article_features(
    corpus: PtcCorpus, docs: list[DocTokens], idx: Sequence[int], train_idx: Sequence[int], inner: int
) -> dict[int, list[dict[str, object]]]:
    """Features of ``idx`` articles with head + lexicon fitted on ``train_idx`` (or inner OOF if same)."""
    out: dict[int, list[dict[str, object]]] = {}
    if inner:
        ids = [corpus.ids[i] for i in train_idx]
        arr = np.asarray(train_idx)
        for a, b in GroupKFold(n_splits=inner, shuffle=True, random_state=1).split(arr, groups=ids):
            fit_idx, app = list(arr[a]), list(arr[b])
            m, lex = sentence_head(corpus, docs, fit_idx), lexicon(corpus, docs, fit_idx)
            for i, p in sentence_probs(m, corpus, docs, app).items():
                out[i] = crf_features(corpus.texts[i], docs[i], p, lex)
        return out
    m, lex = sentence_head(corpus, docs, train_idx), lexicon(corpus, docs, train_idx)
    probs = sentence_probs(m, corpus, docs, idx)
    for i in idx:
        out[i] = crf_features(corpus.texts[i], docs[i], probs[i], lex)
    return out


def run_cv(corpus: PtcCorpus, docs: list[DocTokens], folds: list, c1: float, c2: float, iters: int) -> dict:
    n = len(docs)
    res: dict = {"viterbi": [None] * n, "marg": [None] * n, "sent": [None] * n, "fold": [0] * n, "clf": []}
    for f, (train, test) in enumerate(folds):
        t0 = time.time()
        tr = article_features(corpus, docs, list(train), list(train), inner=4)
        te = article_features(corpus, docs, list(test), list(train), inner=0)
        crf = sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=c1, c2=c2, max_iterations=iters, all_possible_transitions=True
        )
        crf.fit([tr[i] for i in train], [bio_tags(docs[i].spans, corpus.spans[i]) for i in train])
        X = [te[i] for i in test]
        vit = crf.predict(X)
        marg = crf.predict_marginals(X)
        clf = TechniqueModel(TechniqueConfig())
        clf.classifier_ = clf._fit_classifier(
            [corpus.texts[i] for i in train], [corpus.spans[i] for i in train]
        )
        res["clf"].append(clf)
        for i, v, m, x in zip(test, vit, marg, X, strict=True):
            res["viterbi"][i] = np.array([t != "O" for t in v], dtype=float)
            res["marg"][i] = np.array([1.0 - t["O"] for t in m])
            res["sent"][i] = np.array([float(t["spv"]) for t in x])  # type: ignore[arg-type]
            res["fold"][i] = f
        print(f"<!-- fold {f}: {time.time() - t0:.0f}s -->", file=sys.stderr, flush=True)
    return res


def decode(
    corpus: PtcCorpus,
    docs: list[DocTokens],
    res: dict,
    idx,
    mix: float,
    thr: float,
    gap: int,
    source: str = "marg",
) -> list[TechniqueLabel]:
    out = []
    for i in idx:
        s = (1 - mix) * res[source][i] + mix * res["sent"][i]
        found = spans_from_scores(docs[i].spans, s, thr, gap, 1)
        model = res["clf"][res["fold"][i]]
        probs = model.classify_spans(corpus.texts[i], [(a, b) for a, b, _ in found])
        for (a, b, _), p in zip(found, probs, strict=True):
            out.append(TechniqueLabel(corpus.ids[i], a, b, model_label(p)))
    return out


def model_label(p: np.ndarray) -> str:
    from narrascope.eval.techniques import TECHNIQUES

    return TECHNIQUES[int(np.argmax(p))]


def row(name: str, corpus: PtcCorpus, pred: list[TechniqueLabel], folds: list, note: str = "") -> str:
    si = span_f1(corpus.gold, pred, corpus.ids)
    lab = labeled_span_f1(corpus.gold, pred, corpus.ids)
    sds, lsds = [], []
    for _, test in folds:
        ids = [corpus.ids[i] for i in test]
        fp = [p for p in pred if p.article_id in set(ids)]
        sds.append(span_f1(corpus.gold, fp, ids).f1)
        lsds.append(labeled_span_f1(corpus.gold, fp, ids).f1)
    return (
        f"| {name} | {si.precision:.3f} | {si.recall:.3f} | **{si.f1:.3f}** ({np.std(sds):.3f}) "
        f"| {lab.f1:.3f} ({np.std(lsds):.3f}) | {len(pred)} | {note} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c1", type=float, default=0.1)
    parser.add_argument("--c2", type=float, default=0.05)
    parser.add_argument("--iters", type=int, default=100)
    parser.add_argument(
        "--cache", type=Path, default=None, help="Pickle of the OOF scores (reuse for decoding)."
    )
    args = parser.parse_args()
    corpus = read_ptc(args.data)
    docs = [doc_tokens(t) for t in corpus.texts]
    folds = fold_assignment(corpus.ids, args.folds)
    if args.cache and args.cache.is_file():
        res = pickle.loads(args.cache.read_bytes())
    else:
        res = run_cv(corpus, docs, folds, args.c1, args.c2, args.iters)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(res))
    lines = [
        "| variant | span P | span R | span F1 (fold sd) | labeled span F1 (fold sd) | predicted spans | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    tag = f"CRF (c1 {args.c1}, c2 {args.c2}, {args.iters} it.)"
    lines.append(
        row(
            f"{tag}, Viterbi BIO",
            corpus,
            decode(corpus, docs, res, range(len(docs)), 0.0, 0.5, 0, "viterbi"),
            folds,
        )
    )
    grid = list(itertools.product((0.0, 0.2, 0.4), (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5), (0, 2, 4, 8)))
    per_fold: dict[tuple, list[float]] = {}
    for g in grid:
        pred = decode(corpus, docs, res, range(len(docs)), *g)
        scores = []
        for _, test in folds:
            ids = [corpus.ids[i] for i in test]
            sid = set(ids)
            scores.append((span_f1(corpus.gold, [p for p in pred if p.article_id in sid], ids), len(test)))
        per_fold[g] = [s.f1 for s, _ in scores]
    pooled = {
        g: span_f1(corpus.gold, decode(corpus, docs, res, range(len(docs)), *g), corpus.ids).f1 for g in grid
    }
    for mix in (0.0, 0.2, 0.4):
        best = max((g for g in grid if g[0] == mix), key=lambda g: pooled[g])
        pred = decode(corpus, docs, res, range(len(docs)), *best)
        lines.append(
            row(
                f"{tag} marginal ⊕ sentence head, mix {mix}, pooled best: threshold {best[1]}, gap {best[2]}",
                corpus,
                pred,
                folds,
                "optimistic",
            )
        )
    honest: list[TechniqueLabel] = []
    chosen = []
    for f, (_, test) in enumerate(folds):
        best = max(grid, key=lambda g: np.mean([s for k, s in enumerate(per_fold[g]) if k != f]))
        chosen.append(best)
        honest += decode(corpus, docs, res, test, *best)
    lines.append(
        row(
            f"{tag} marginal, setting chosen on the other 4 folds",
            corpus,
            honest,
            folds,
            "choices: " + "; ".join(f"{m}/{t}/{g}" for m, t, g in chosen),
        )
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
