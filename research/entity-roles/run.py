"""Grouped 5-fold CV of entity-role classifiers (SemEval 2025 Task 10, subtask 1).

Each variant is a dict of options (see DEFAULT). Results are appended to
results.jsonl and printed as one line. Run: OMP_NUM_THREADS=1 python run.py NAME
(variants are defined in experiments.py).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

import texts as T
from data import LANGS, load, taxonomy

HERE = Path(__file__).parent
MAINS = ("Antagonist", "Innocent", "Protagonist")

DEFAULT = dict(
    # lexical blocks: list of (text_source, analyzer, ngram, max_features, weight)
    lex=[("win300", "char_wb", (2, 5), 100_000, 1.0)],
    # dense blocks: list of (npy name in feats/, weight)
    dense=[("win300", 1.0)],
    lang_onehot=False,
    domain_onehot=False,
    C_main=10.0,
    C_fine=10.0,
    cw_main=None,  # None | "balanced"
    cw_fine=None,
    fine_mode="per_main",  # per_main | global | joint (main = argmax of summed fine probs)
    ratios=(0.0, 0.3, 0.5, 0.7, 0.9, 1.01),  # add 2nd fine role if p2 >= r * p1 (1.01 = never)
    per_domain=False,
    sublinear_tf=True,
    model="lr",  # lr | mlp
    mlp_hidden=256,
    mlp_alpha=1e-3,
)

_MS = load()
_TAX = taxonomy()
FINES = tuple(_TAX)
_FINE_IDX = {f: i for i, f in enumerate(FINES)}


def text_source(name: str) -> list[str]:
    ms = _MS
    if name.startswith("win"):
        mark = {"b": "bracket", "p": "placeholder"}.get(name[-1], "none")
        width = int(name[3:].rstrip("bp"))
        return [T.window(m, width, mark) for m in ms]
    if name.startswith("sent"):
        mark = {"b": "bracket", "p": "placeholder"}.get(name[-1], "none")
        k = 1 if "1" in name else 0
        return [T.sentence_ctx(m, k, k, mark) for m in ms]
    if name == "mention":
        return [m.mention for m in ms]
    if name == "left150":
        return [T.left_right(m, 300)[0] for m in ms]
    if name == "right150":
        return [T.left_right(m, 300)[1] for m in ms]
    if name == "article":
        return [T.article_text(m.lang, m.article) for m in ms]
    raise ValueError(name)


_TEXT_CACHE: dict[str, list[str]] = {}


def get_texts(name: str) -> list[str]:
    if name not in _TEXT_CACHE:
        _TEXT_CACHE[name] = text_source(name)
    return _TEXT_CACHE[name]


def get_dense(name: str) -> np.ndarray:
    if "+" in name:  # element-wise mean of several, renormalised
        X = sum(get_dense(n) for n in name.split("+"))
        return X / np.linalg.norm(X, axis=1, keepdims=True)
    if name.startswith("prod:"):  # element-wise product of two embeddings (interaction)
        a, b = name[5:].split("*")
        return get_dense(a) * get_dense(b) * np.sqrt(384)
    return np.load(HERE / "feats" / f"{name}.npy")


def build(cfg: dict, tr: np.ndarray, te: np.ndarray):
    blocks_tr, blocks_te = [], []
    for src, analyzer, ngram, maxf, w in cfg["lex"]:
        txt = get_texts(src)
        vec = TfidfVectorizer(
            analyzer=analyzer, ngram_range=ngram, max_features=maxf, sublinear_tf=cfg["sublinear_tf"], min_df=2
        )
        a = vec.fit_transform([txt[i] for i in tr])
        b = vec.transform([txt[i] for i in te])
        blocks_tr.append(a * w)
        blocks_te.append(b * w)
    for name, w in cfg["dense"]:
        X = get_dense(name)
        blocks_tr.append(sp.csr_matrix(X[tr] * w))
        blocks_te.append(sp.csr_matrix(X[te] * w))
    if cfg["lang_onehot"]:
        L = np.array([[1.0 if m.lang == l else 0.0 for l in LANGS] for m in _MS])
        blocks_tr.append(sp.csr_matrix(L[tr]))
        blocks_te.append(sp.csr_matrix(L[te]))
    if cfg["domain_onehot"]:
        D = np.array([[1.0 if m.domain == d else 0.0 for d in ("URW", "CC", "UNK")] for m in _MS])
        blocks_tr.append(sp.csr_matrix(D[tr]))
        blocks_te.append(sp.csr_matrix(D[te]))
    return sp.hstack(blocks_tr).tocsr(), sp.hstack(blocks_te).tocsr()


_MODEL = {}


def _lr(C, cw):
    if _MODEL.get("model") == "mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(hidden_layer_sizes=(_MODEL["mlp_hidden"],), alpha=_MODEL["mlp_alpha"],
                             early_stopping=False, max_iter=60, random_state=0)
    return LogisticRegression(C=C, class_weight=cw, max_iter=3000)


def fit_predict(cfg: dict, tr: np.ndarray, te: np.ndarray):
    """Return (P_main (n_te,3), P_fine (n_te,22)) with P_fine conditional on/consistent with main."""
    _MODEL.update(model=cfg["model"], mlp_hidden=cfg["mlp_hidden"], mlp_alpha=cfg["mlp_alpha"])
    Xtr, Xte = build(cfg, tr, te)
    if cfg["model"] == "mlp":
        Xtr, Xte = Xtr.toarray(), Xte.toarray()
    y_main = np.array([MAINS.index(_MS[i].main) for i in tr])
    # expanded fine samples: one row per (mention, fine role), weight 1/k
    rows, yf, wf = [], [], []
    for r, i in enumerate(tr):
        k = len(_MS[i].fine)
        for f in _MS[i].fine:
            rows.append(r)
            yf.append(_FINE_IDX[f])
            wf.append(1.0 / k)
    rows, yf, wf = np.array(rows), np.array(yf), np.array(wf)
    n = len(te)
    P_fine = np.zeros((n, len(FINES)))
    if cfg["fine_mode"] == "joint":
        clf = _lr(cfg["C_fine"], cfg["cw_fine"]).fit(Xtr[rows], yf, sample_weight=wf)
        P_fine[:, clf.classes_] = clf.predict_proba(Xte)
        P_main = np.zeros((n, 3))
        for f, j in _FINE_IDX.items():
            P_main[:, MAINS.index(_TAX[f])] += P_fine[:, j]
        return P_main, P_fine
    main_clf = _lr(cfg["C_main"], cfg["cw_main"]).fit(Xtr, y_main)
    P_main = np.zeros((n, 3))
    P_main[:, main_clf.classes_] = main_clf.predict_proba(Xte)
    if cfg["fine_mode"] == "global":
        clf = _lr(cfg["C_fine"], cfg["cw_fine"]).fit(Xtr[rows], yf, sample_weight=wf)
        P_fine[:, clf.classes_] = clf.predict_proba(Xte)
    else:  # per_main: P(fine | main), trained only on that main role's mentions
        for mi, main in enumerate(MAINS):
            sel = y_main[rows] == mi
            labels = np.unique(yf[sel])
            if len(labels) == 1:
                P_fine[:, labels[0]] = 1.0
                continue
            clf = _lr(cfg["C_fine"], cfg["cw_fine"]).fit(Xtr[rows[sel]], yf[sel], sample_weight=wf[sel])
            P_fine[:, clf.classes_] = clf.predict_proba(Xte)
    return P_main, P_fine


def decode(P_main: np.ndarray, P_fine: np.ndarray, ratio: float):
    mains, fines = [], []
    for pm, pf in zip(P_main, P_fine):
        mi = int(np.argmax(pm))
        allowed = [j for j, f in enumerate(FINES) if _TAX[f] == MAINS[mi]]
        order = sorted(allowed, key=lambda j: -pf[j])
        chosen = [order[0]]
        if len(order) > 1 and pf[order[1]] >= ratio * pf[order[0]]:
            chosen.append(order[1])
        mains.append(MAINS[mi])
        fines.append(frozenset(FINES[j] for j in chosen))
    return mains, fines


def scores(idx, mains, fines) -> dict:
    em = tp = npred = ngold = mc = 0
    for i, pm, pf in zip(idx, mains, fines):
        g = set(_MS[i].fine)
        em += pf == g
        tp += len(pf & g)
        npred += len(pf)
        ngold += len(g)
        mc += pm == _MS[i].main
    n = len(idx)
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return dict(
        emr=em / n, p=p, r=r, f1=2 * p * r / (p + r) if p + r else 0.0, main=mc / n, n=n
    )


def groups() -> np.ndarray:
    return np.array([m.group for m in _MS])


def folds():
    import os

    if os.environ.get("CV") == "plain":  # sanity check only: leaks articles across folds
        from sklearn.model_selection import KFold

        return list(KFold(n_splits=5, shuffle=True, random_state=0).split(np.arange(len(_MS))))
    gkf = GroupKFold(n_splits=5, shuffle=True, random_state=0)
    idx = np.arange(len(_MS))
    return list(gkf.split(idx, groups=groups()))


def run(name: str, **over) -> dict:
    cfg = {**DEFAULT, **over}
    t0 = time.time()
    n = len(_MS)
    P_main = np.zeros((n, 3))
    P_fine = np.zeros((n, len(FINES)))
    fold_of = np.zeros(n, dtype=int)
    for k, (tr, te) in enumerate(folds()):
        fold_of[te] = k
        if cfg["per_domain"]:
            dom = np.array(["CC" if m.domain == "CC" else "URW" for m in _MS])
            for d in ("URW", "CC"):
                tr_d, te_d = tr[dom[tr] == d], te[dom[te] == d]
                pm, pf = fit_predict(cfg, tr_d, te_d)
                P_main[te_d], P_fine[te_d] = pm, pf
        else:
            P_main[te], P_fine[te] = fit_predict(cfg, tr, te)
    np.savez_compressed(HERE / "preds" / (name.split()[0] + ".npz"), P_main=P_main, P_fine=P_fine)
    res_by_ratio = {}
    for ratio in cfg["ratios"]:
        mains, fines = decode(P_main, P_fine, ratio)
        allidx = np.arange(n)
        overall = scores(allidx, mains, fines)
        per_lang = {}
        for l in LANGS:
            sel = [i for i in allidx if _MS[i].lang == l]
            per_lang[l] = scores(sel, [mains[i] for i in sel], [fines[i] for i in sel])
        per_fold = [scores(np.where(fold_of == k)[0], [mains[i] for i in np.where(fold_of == k)[0]],
                           [fines[i] for i in np.where(fold_of == k)[0]])["emr"] for k in range(5)]
        res_by_ratio[ratio] = dict(
            overall=overall,
            per_lang=per_lang,
            lang_mean={k: float(np.mean([per_lang[l][k] for l in LANGS])) for k in ("emr", "f1", "main")},
            fold_std_emr=float(np.std(per_fold)),
        )
    best_ratio = max(res_by_ratio, key=lambda r: res_by_ratio[r]["overall"]["emr"])
    res = dict(name=name, cfg={k: v for k, v in cfg.items()}, best_ratio=best_ratio,
               by_ratio={str(k): v for k, v in res_by_ratio.items()}, secs=time.time() - t0)
    with open(HERE / "results.jsonl", "a") as f:
        f.write(json.dumps(res, default=str) + "\n")
    b = res_by_ratio[best_ratio]
    o = b["overall"]
    pl = " ".join(f"{l}:{b['per_lang'][l]['emr']:.3f}" for l in LANGS)
    print(
        f"{name:40s} r={best_ratio:<4} EMR={o['emr']:.3f} F1={o['f1']:.3f} P={o['p']:.3f} R={o['r']:.3f} "
        f"main={o['main']:.3f} | langmean EMR={b['lang_mean']['emr']:.3f} main={b['lang_mean']['main']:.3f} "
        f"| sd={b['fold_std_emr']:.3f} | {pl} | never2nd EMR={res_by_ratio[max(cfg['ratios'])]['overall']['emr']:.3f} "
        f"| {time.time() - t0:.0f}s",
        flush=True,
    )
    return res


(HERE / "preds").mkdir(exist_ok=True)
