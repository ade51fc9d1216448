"""Issue 15, round 3 for Russian: English PTC rows, context and a k-NN memory for the e5 heads.

Replays the segment detector's CV (same grouped outer folds, same 3 inner folds, same Platt
and threshold rules as the shipped model) with variants of the **e5 heads** only; the
lexical heads' raw scores are made once per outer fold (inner out-of-fold and outer test,
``--raw``; the same layout as ``techniques_segments_variants.py cache`` of branch
``seg-ru``, whose file the recorded run reused). Each
variant refits the e5 heads on every inner and outer training fold:

* ``en=W``: English sentences of the PTC corpus (``training_segments.read_ptc_rows``) added to every training fold
  with row weight ``W`` and a language column "en" (never scored). A sentence takes the
  product labels of the PTC spans overlapping it where the taxonomy maps the PTC label to
  one technique; merged PTC classes (Whataboutism/Straw Man/Red Herring, Bandwagon/
  Reductio) and techniques PTC does not annotate are *unknown*: the row is left out of
  those labels' heads. It counts for the any head (a PTC span = yes, none = no).
* ``ctx``: the mean e5 vector of the previous and next segment of the same document as
  extra features (``doc``: the document's mean vector).
* ``knn=w``: the label distribution of the 20 nearest labelled training segments (cosine,
  any language) blended into the fused probability with weight ``w``.

The variant is chosen per outer fold on the inner folds only (mean average precision of
the fused inner out-of-fold scores over languages and labels); every variant's outer
figures are printed too, for the record.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/techniques_segments_ptc.py \\
        --raw /work/tmp-seg-ru/raw.npz --cache /work/cache/segments-ptc.sqlite \\
        --manifest src/narrascope/models/artifacts/segments/manifest.json
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import average_precision_score

from narrascope.models.linear import sigmoid
from narrascope.models.segments import (
    ANY,
    SegmentClassifier,
    SegmentConfig,
    _fit_heads,
    best_threshold,
    fit_platt,
    language_folds,
    logit,
)
from narrascope.models.training_segments import (
    embed_segments,
    label_matrix,
    read_ptc_rows,
    read_segments,
    system_scores,
)
from narrascope.taxonomy.techniques import persuasion_techniques

SERVED = ("bg", "pl", "ru")
LANGS = (*SERVED, "en")
PTC = Path("../shared/data/ptc-semeval2020-task11")


# -- the lexical heads' raw scores (unchanged by every variant here) --------------------------


def lexical_raw(data: Any, Y: np.ndarray, out: Path) -> None:
    """Per outer fold: the lexical heads' inner out-of-fold and (quantised) outer test raw
    probabilities, in the layout of ``techniques_segments_variants.py cache`` (seg-ru)."""
    labels = (*persuasion_techniques().labels(), ANY)
    config = SegmentConfig()
    arrays: dict[str, np.ndarray] = {"Y": Y, "lang": np.asarray(data.languages)}
    for k, (train, test) in enumerate(language_folds(data.languages, data.groups, 5)):
        inner_lex = np.zeros((len(train), Y.shape[1]), np.float32)
        langs = [data.languages[i] for i in train]
        inner = SegmentClassifier(labels, SERVED, config)
        for itr, ite in language_folds(langs, [data.groups[i] for i in train], config.inner_folds):
            tr, te = train[itr], train[ite]
            inner._fit_heads([data.texts[i] for i in tr], [data.languages[i] for i in tr], Y[tr], None)
            inner_lex[ite] = inner.raw_proba(
                [data.texts[i] for i in te], [data.languages[i] for i in te], None
            )[0]
        clf = SegmentClassifier(labels, SERVED, config)
        clf._fit_heads([data.texts[i] for i in train], langs, Y[train], None)
        clf.quantised()
        lex = clf.raw_proba([data.texts[i] for i in test], [data.languages[i] for i in test], None)[0]
        arrays[f"f{k}_train"], arrays[f"f{k}_test"] = train, test
        arrays[f"f{k}_inner_lex"], arrays[f"f{k}_test_lex"] = inner_lex, lex
        print(f"lexical raw scores: fold {k + 1}/5", flush=True)
    np.savez_compressed(out, **arrays)  # type: ignore[arg-type]


# -- context features ---------------------------------------------------------------------


def neighbours_mean(vectors: np.ndarray, docs: Sequence[str], order: Sequence[int]) -> np.ndarray:
    """Mean of the previous and next row of the same document (the row itself at an edge)."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    by_doc: dict[str, list[int]] = {}
    for i in sorted(range(len(docs)), key=lambda i: (docs[i], order[i])):
        by_doc.setdefault(docs[i], []).append(i)
    for rows in by_doc.values():
        for p, i in enumerate(rows):
            near = [rows[q] for q in (p - 1, p + 1) if 0 <= q < len(rows)]
            if near:
                out[i] = vectors[near].mean(axis=0)
    return out


def document_mean(vectors: np.ndarray, docs: Sequence[str]) -> np.ndarray:
    out = np.zeros_like(vectors)
    for d in set(docs):
        rows = np.flatnonzero(np.asarray(docs) == d)
        out[rows] = vectors[rows].mean(axis=0)
    return out


# -- e5 heads with row weights and unknown labels -------------------------------------------


def one_hot(langs: np.ndarray) -> np.ndarray:
    return (langs[:, None] == np.asarray(LANGS)[None, :]).astype(np.float32)


def e5_scores(
    feats: np.ndarray,
    langs: np.ndarray,
    Y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    extra: dict[str, Any] | None,
    C: float,
    quantise: bool,
) -> np.ndarray:
    """Fit on Slavic ``train`` rows (+ English rows in ``extra``), score ``test`` rows."""
    mean = feats[train].mean(axis=0)
    scale = feats[train].std(axis=0) + 1e-6
    X = np.hstack([(feats[train] - mean) / scale, one_hot(langs[train])])
    Yt, K, w = Y[train], np.ones(Y[train].shape, bool), np.ones(len(train), np.float32)
    if extra is not None:
        Xe = np.hstack([(extra["feats"] - mean) / scale, one_hot(np.full(len(extra["Y"]), "en"))])
        X = np.vstack([X, Xe])
        Yt = np.vstack([Yt, extra["Y"]])
        K = np.vstack([K, extra["K"]])
        w = np.r_[w, np.full(len(extra["Y"]), extra["weight"], np.float32)]
    if extra is None:  # exactly the shipped e5 heads
        coef, icpt = _fit_heads(X.astype(np.float32), Yt, C, "lbfgs")
    else:
        coef, icpt = _fit_heads(X.astype(np.float32), Yt, C, "lbfgs", weights=w, known=K)
    if quantise:
        coef = coef.astype(np.float16).astype(np.float32)
    Xt = np.hstack([(feats[test] - mean) / scale, one_hot(langs[test])])
    return np.asarray(sigmoid(Xt @ coef.T + icpt), np.float32)


def knn_scores(
    vectors: np.ndarray, Y: np.ndarray, train: np.ndarray, test: np.ndarray, k: int = 20
) -> np.ndarray:
    """Share of the ``k`` most similar training segments (cosine) that carry each label."""
    v = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = v[test] @ v[train].T
    top = np.argpartition(-sims, k, axis=1)[:, :k]
    return Y[train][top].mean(axis=1).astype(np.float32)


# -- replay of the shipped calibration and threshold rules ----------------------------------


def decide(
    inner: np.ndarray, test: np.ndarray, Y_tr: np.ndarray, l_tr: np.ndarray, l_te: np.ndarray
) -> np.ndarray:
    """Platt per (language, label) and F1-best thresholds on the inner scores (as
    ``SegmentClassifier._fit_calibration``, per-language scope, min 5 positives)."""
    cal_in, cal_te = np.zeros_like(inner), np.zeros_like(test)
    for code in SERVED:
        b_, a_ = l_tr == code, l_te == code
        for j in range(Y_tr.shape[1]):
            a, b = fit_platt(inner[b_, j], Y_tr[b_, j])
            cal_in[b_, j] = sigmoid(a * logit(inner[b_, j]) + b)
            cal_te[a_, j] = sigmoid(a * logit(test[a_, j]) + b)
    pred = np.zeros(test.shape, np.int8)
    for j in range(Y_tr.shape[1]):
        shared = best_threshold(cal_in[:, j], Y_tr[:, j])
        for code in SERVED:
            b_, a_ = l_tr == code, l_te == code
            t = best_threshold(cal_in[b_, j], Y_tr[b_, j]) if Y_tr[b_, j].sum() >= 5 else shared
            pred[a_, j] = cal_te[a_, j] >= t
    return pred


def inner_ap(inner: np.ndarray, Y_tr: np.ndarray, l_tr: np.ndarray) -> float:
    """Selection criterion: mean AP of the fused inner out-of-fold scores over
    (language, label) with positives."""
    aps = []
    for code in SERVED:
        rows = l_tr == code
        for j in range(Y_tr.shape[1]):
            y = Y_tr[rows, j]
            if 0 < y.sum() < len(y):
                aps.append(average_precision_score(y, inner[rows, j]))
    return float(np.mean(aps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--raw", type=Path, required=True, help="techniques_segments_variants.py cache output"
    )
    parser.add_argument("--data", type=Path, default=Path("../shared/data/slavic-persuasion-2025"))
    parser.add_argument("--ptc", type=Path, default=PTC)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument(
        "--manifest", type=Path, required=True, help="A manifest whose CV holds the baselines."
    )
    parser.add_argument("--variants", default="base,en=0.3,en=1,ctx,doc,knn")
    parser.add_argument("--out", type=Path, help="Write per-variant scores (JSON).")
    args = parser.parse_args()
    started = time.time()
    data = read_segments(args.data)
    labels = (*persuasion_techniques().labels(), ANY)
    Y = label_matrix(data.techniques, labels)
    if not args.raw.exists():
        lexical_raw(data, Y, args.raw)
    R = dict(np.load(args.raw))
    assert np.array_equal(Y, R["Y"]), "the raw scores were made from other data"
    langs = np.asarray(data.languages)
    V = embed_segments(data.texts, args.cache, None)
    names = args.variants.split(",")
    en_texts: list[str] = []
    en_docs: list[str] = []
    Ye, Ke, Ve = (
        np.zeros((0, Y.shape[1]), np.int8),
        np.zeros((0, Y.shape[1]), bool),
        np.zeros((0, V.shape[1])),
    )
    if any(n.startswith("en") for n in names):
        ptc = read_ptc_rows(args.ptc, labels)
        en_texts, en_docs, Ye, Ke = ptc.texts, ptc.documents, ptc.Y, ptc.known
        Ve = embed_segments(en_texts, args.cache, None)
        print(f"{len(en_texts)} English rows; any {Ye[:, -1].mean():.2f}; known {Ke.mean():.2f}", flush=True)
    docs = [f"{lang}/{g}" for lang, g in zip(data.languages, data.groups, strict=True)]
    feats = {
        "plain": (V, Ve),
        "ctx": (
            np.hstack([V, neighbours_mean(V, docs, data.starts)]),
            np.hstack([Ve, neighbours_mean(Ve, en_docs, list(range(len(en_docs))))]),
        ),
        "doc": (np.hstack([V, document_mean(V, docs)]), np.hstack([Ve, document_mean(Ve, en_docs)])),
    }
    techniques = labels[:-1]
    cv = json.loads(args.manifest.read_text(encoding="utf-8"))["cross_validation"]
    preds = {n: np.zeros(Y.shape, np.int8) for n in names}
    chosen = np.zeros(Y.shape, np.int8)
    picks = []
    for k in range(5):
        tr, te = R[f"f{k}_train"], R[f"f{k}_test"]
        inner_folds = language_folds(list(langs[tr]), [data.groups[i] for i in tr], 3)
        crit = {}
        for name in names:
            kind, _, arg = name.partition("=")
            f_sl, f_en = feats[kind] if kind in ("ctx", "doc") else feats["plain"]
            extra = None
            if kind == "en":
                extra = {"feats": f_en, "Y": Ye, "K": Ke, "weight": float(arg)}
            inner_vec = np.zeros((len(tr), Y.shape[1]), np.float32)
            inner_knn = np.zeros_like(inner_vec)
            for itr, ite in inner_folds:
                inner_vec[ite] = e5_scores(f_sl, langs, Y, tr[itr], tr[ite], extra, 0.05, False)
                if kind == "knn":
                    inner_knn[ite] = knn_scores(V, Y, tr[itr], tr[ite])
            test_vec = e5_scores(f_sl, langs, Y, tr, te, extra, 0.05, True)
            inner = (R[f"f{k}_inner_lex"] + inner_vec) / 2
            test = (R[f"f{k}_test_lex"] + test_vec) / 2
            if kind == "knn":  # the blend weight is chosen on the inner scores
                test_knn = knn_scores(V, Y, tr, te)
                best = max(
                    (0.0, 0.15, 0.3, 0.5),
                    key=lambda w: inner_ap((1 - w) * inner + w * inner_knn, Y[tr], langs[tr]),
                )
                print(f"  fold {k + 1} knn weight {best}", flush=True)
                inner, test = (1 - best) * inner + best * inner_knn, (1 - best) * test + best * test_knn
            crit[name] = inner_ap(inner, Y[tr], langs[tr])
            preds[name][te] = decide(inner, test, Y[tr], langs[tr], langs[te])
            print(
                f"fold {k + 1} {name}: inner AP {crit[name]:.4f} ({time.time() - started:.0f}s)", flush=True
            )
        pick = max(names, key=lambda n: crit[n])
        picks.append(pick)
        chosen[te] = preds[pick][te]
    preds["nested choice"] = chosen
    print("chosen per outer fold:", picks)
    report: dict[str, Any] = {}
    print(
        "| variant | language | any P | any R | any F1 (sd) | macro-F1 (fold sd) | micro-F1 | techniques/segment "
        "| F1-0 techniques | gain vs TF-IDF (paired sd) | bar |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, pred in preds.items():
        for code in SERVED:
            rows = np.flatnonzero(langs == code)
            local = [np.flatnonzero(np.isin(rows, R[f"f{k}_test"])) for k in range(5)]
            s = system_scores(pred[rows, -1], pred[rows, :-1], Y[rows, :-1], techniques, local)
            tf, yes = cv[code.upper()]["tfidf"], cv[code.upper()]["always_yes"]
            gain = s["macro_f1"] - tf["macro_f1"]
            spread = max(s["macro_f1_fold_sd"], tf["macro_f1_fold_sd"])
            paired = float(np.std(np.subtract(s["macro_f1_folds"], tf["macro_f1_folds"])))
            met = gain > 2 * spread and s["any_f1"] > yes["any_f1"]
            per_seg = float(pred[rows, :-1].sum(axis=1).mean())
            zeros = sum(1 for v in s["per_technique"].values() if v == 0)
            s.update(techniques_per_segment=round(per_seg, 3), gain=round(gain, 4), bar_met=bool(met))
            report.setdefault(name, {})[code.upper()] = s
            print(
                f"| {name} | {code.upper()} | {s['any_precision']:.3f} | {s['any_recall']:.3f} | "
                f"{s['any_f1']:.3f} ({s['any_f1_fold_sd']:.3f}) | {s['macro_f1']:.3f} ({s['macro_f1_fold_sd']:.3f}) "
                f"| {s['micro_f1']:.3f} | {per_seg:.2f} | {zeros} | {gain:+.3f} ({paired:.3f}) "
                f"| {'met' if met else 'not met'} |"
            )
    gold = {c.upper(): round(float(Y[langs == c, :-1].sum(axis=1).mean()), 3) for c in SERVED}
    print("gold techniques per segment:", gold, f"total {time.time() - started:.0f}s")
    if args.out:
        args.out.write_text(
            json.dumps({"picks": picks, "gold_per_segment": gold, "scores": report}, indent=1)
        )


if __name__ == "__main__":
    main()
