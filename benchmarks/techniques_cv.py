"""Grouped 5-fold CV (by article) of persuasion-technique span models on the PTC corpus.

Prints one Markdown table: simple baselines (loaded-word lexicon, sentence-level
classification mapped to whole-sentence spans) and the token tagger with several
decoding settings, with span-identification F1 and labeled span F1 (SemEval 2020
Task 11 formulas). Every variant sees the same folds. Timings are not measured here
(see bench_techniques_speed.py).

    OMP_NUM_THREADS=1 python benchmarks/techniques_cv.py --data ../shared/data/ptc-semeval2020-task11
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from narrascope.eval.techniques import (
    TECHNIQUES,
    PtcCorpus,
    TechniqueLabel,
    labeled_span_f1,
    read_ptc,
    span_f1,
)
from narrascope.models.techniques import (
    DocTokens,
    TechniqueConfig,
    TechniqueModel,
    doc_tokens,
    token_labels,
)
from narrascope.models.training_techniques import TRANSFER_DEFAULTS, as_labels, fold_assignment
from narrascope.nlp.segment import split_sentences

Folds = list[tuple[np.ndarray, np.ndarray]]


def row(name: str, corpus: PtcCorpus, pred: list[TechniqueLabel], note: str = "") -> str:
    si = span_f1(corpus.gold, pred, corpus.ids)
    lab = labeled_span_f1(corpus.gold, pred, corpus.ids)
    return f"| {name} | {si.precision:.3f} | {si.recall:.3f} | **{si.f1:.3f}** | {lab.f1:.3f} | {len(pred)} | {note} |"


def lexicon_baseline(
    corpus: PtcCorpus, docs: list[DocTokens], folds: Folds, min_ratio: float
) -> list[TechniqueLabel]:
    """Words inside a Loaded_Language/Name_Calling span at least ``min_ratio`` of the time (>= 3 times)."""
    out: list[TechniqueLabel] = []
    for train, test in folds:
        inside: Counter[str] = Counter()
        total: Counter[str] = Counter()
        for i in train:
            text, d = corpus.texts[i], docs[i]
            lexical = [s for s in corpus.spans[i] if s[2] in ("Loaded_Language", "Name_Calling,Labeling")]
            y = token_labels(d.spans, lexical)
            for (a, b), yi in zip(d.spans, y, strict=True):
                w = text[a:b].lower()
                total[w] += 1
                inside[w] += int(yi)
        lexicon = {w for w, n in inside.items() if n >= 3 and n / total[w] >= min_ratio}
        for i in test:
            text = corpus.texts[i]
            out += [
                TechniqueLabel(corpus.ids[i], a, b, "Loaded_Language")
                for a, b in docs[i].spans
                if text[a:b].lower() in lexicon
            ]
    return out


def sentence_baseline(corpus: PtcCorpus, folds: Folds, threshold: float) -> list[TechniqueLabel]:
    """TF-IDF LR on sentences: 'overlaps a gold span' → the whole sentence, its majority technique."""
    sents = [split_sentences(t) for t in corpus.texts]

    def rows(idx: np.ndarray) -> tuple[list[str], list[int], list[int]]:
        texts, y, tech = [], [], []
        for i in idx:
            for s in sents[i]:
                hits = [t for a, b, t in corpus.spans[i] if a < s.end and b > s.start]
                texts.append(s.text)
                y.append(int(bool(hits)))
                tech.append(TECHNIQUES.index(Counter(hits).most_common(1)[0][0]) if hits else -1)
        return texts, y, tech

    out: list[TechniqueLabel] = []
    for train, test in folds:
        texts, y, tech = rows(train)
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        X = vec.fit_transform(texts)
        binary = LogisticRegression(C=4.0, max_iter=2000).fit(X, y)
        pos = [k for k, t in enumerate(tech) if t >= 0]
        multi = LogisticRegression(C=4.0, max_iter=2000).fit(X[pos], [tech[k] for k in pos])
        for i in test:
            if not sents[i]:
                continue
            Xt = vec.transform([s.text for s in sents[i]])
            p = binary.predict_proba(Xt)[:, 1]
            k = multi.predict(Xt)
            out += [
                TechniqueLabel(corpus.ids[i], s.start, s.end, TECHNIQUES[int(k[j])])
                for j, s in enumerate(sents[i])
                if p[j] >= threshold
            ]
    return out


Parts = tuple[np.ndarray, np.ndarray]


def oof_tagger(
    corpus: PtcCorpus, docs: list[DocTokens], folds: Folds, config: TechniqueConfig
) -> tuple[list[Parts], list[TechniqueModel | None]]:
    """Out-of-fold (tagger, sentence-head) token scores and, per article, the fold model."""
    scores: list[Parts] = [(np.zeros(0), np.zeros(0))] * len(docs)
    models: list[TechniqueModel | None] = [None] * len(docs)
    for train, test in folds:
        model = TechniqueModel(config).fit(
            [corpus.texts[i] for i in train], [corpus.spans[i] for i in train], [docs[i] for i in train]
        )
        parts = model.score_parts([corpus.texts[i] for i in test], [docs[i] for i in test])
        for i, s in zip(test, parts, strict=True):
            scores[i], models[i] = s, model
    return scores, models


def decode_all(
    corpus: PtcCorpus,
    docs: list[DocTokens],
    scores: list[Parts],
    models: list[TechniqueModel | None],
    config: TechniqueConfig,
) -> list[TechniqueLabel]:
    out: list[TechniqueLabel] = []
    for i, (d, s, m) in enumerate(zip(docs, scores, models, strict=True)):
        assert m is not None
        m.config = config
        (found,) = m.decode([corpus.texts[i]], [m.mix(s)], [d])
        out += as_labels(corpus.ids[i], found)
    return out


def timed(label: str, fn: Callable[[], object]) -> object:
    started = time.time()
    result = fn()
    print(f"<!-- {label}: {time.time() - started:.0f}s -->", file=sys.stderr)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data/ptc-semeval2020-task11"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="Only the tagger decoding grid, no baselines.")
    parser.add_argument(
        "--delexicalised", action="store_true", help="The language-independent (transfer) model's grid."
    )
    args = parser.parse_args()
    corpus = read_ptc(args.data)
    base = TechniqueConfig(lexical=not args.delexicalised)
    docs = [doc_tokens(t, base.sentence_weight, base.lexical) for t in corpus.texts]
    folds = fold_assignment(corpus.ids, args.folds)
    lines = [
        "| variant | span P | span R | span F1 | labeled span F1 | predicted spans | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    if not args.quick:
        for ratio in (0.3, 0.5):
            pred = lexicon_baseline(corpus, docs, folds, ratio)
            lines.append(
                row(f"baseline: loaded-word lexicon (ratio ≥ {ratio})", corpus, pred, "label Loaded_Language")
            )
        every = [
            TechniqueLabel(corpus.ids[i], x.start, x.end, "Loaded_Language")
            for i, t in enumerate(corpus.texts)
            for x in split_sentences(t)
        ]
        lines.append(row("baseline: every sentence is a span", corpus, every, "label Loaded_Language"))
        for thr in (0.3, 0.5):
            pred = sentence_baseline(corpus, folds, thr)
            lines.append(row(f"baseline: sentence classifier → whole sentence (p ≥ {thr})", corpus, pred))
        print("\n".join(lines), flush=True)
    scores, models = timed("tagger", lambda: oof_tagger(corpus, docs, folds, base))  # type: ignore[misc]
    name = "delexicalised tagger" if args.delexicalised else "tagger"
    shipped = TRANSFER_DEFAULTS if args.delexicalised else {}
    grid = []
    for mix in (0.0, 0.3, 0.5, 0.7, 1.0):
        for thr in (0.15, 0.2, 0.25, 0.3, 0.4):
            for gap in (2, 4, 8):
                cfg = replace(base, threshold=thr, max_gap=gap, sentence_mix=mix)
                pred = decode_all(corpus, docs, scores, models, cfg)
                grid.append((span_f1(corpus.gold, pred, corpus.ids).f1, mix, thr, gap, pred))
    chosen = replace(base, **shipped)
    for mix in (0.0, 0.3, 0.5, 0.7, 1.0):
        _, _, thr, gap, pred = max((g for g in grid if g[1] == mix), key=lambda g: g[0])
        label = {0.0: " (tagger alone)", 1.0: " (sentence head alone)"}.get(mix, "")
        lines.append(
            row(f"{name} ⊕ sentence head, mix {mix}{label}, best: threshold {thr}, gap {gap}", corpus, pred)
        )
    pred = decode_all(corpus, docs, scores, models, chosen)
    lines.append(
        row(
            f"**shipped**: {name}, mix {chosen.sentence_mix}, threshold {chosen.threshold}, gap {chosen.max_gap}",
            corpus,
            pred,
        )
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
