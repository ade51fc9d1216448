"""Entity roles, round 3 (issue 11), experiment a: condition on the article.

Same data, folds, estimator and table as ``benchmarks/roles_round2.py`` (whose loading,
scoring and printing this script reuses). New inputs:

* **Out-of-fold narrative profile of the article.** A cheap narrative head (word
  1–2-gram TF-IDF of the whole article → one-vs-rest logistic regressions on the
  subtask-2 labels of the same train dir: the 21 narratives + ``Other``, and the domain
  URW / CC) is fitted *inside* each roles fold on the narrative-labelled articles whose
  content hash is not in the test fold; the training rows of the roles model get
  profiles from an inner 5-fold split of those articles (nested, so training and test
  profiles are equally out-of-sample). Used as (a) appended features, (b) interactions
  with a PCA projection of the mention vectors, (c) one regression per domain blended
  with the joint one, (d) an extra term cos(profile) in the nearest-mention similarity.
* **Entity prior** from count tables: the fine-role distribution of the same
  ``entity_key`` (per language, or per language and domain) in the training folds,
  smoothed toward the language's role distribution; blended into the probabilities.

    nice -n 10 python benchmarks/roles_round3_a.py --cache /work/cache/roles-a.sqlite --work /work/roles-a-work
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.decomposition import PCA
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope.eval.roles import read_role_training
from narrascope.eval.semeval import read_training_folder
from narrascope.languages import one_hot
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED, mention_texts
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.nlp.ner import entity_key
from narrascope.taxonomy.roles import entity_roles

_spec = importlib.util.spec_from_file_location("roles_round2", Path(__file__).with_name("roles_round2.py"))
assert _spec is not None and _spec.loader is not None
r2 = importlib.util.module_from_spec(_spec)
sys.modules["roles_round2"] = r2
_spec.loader.exec_module(r2)

LANGS = r2.LANGS
DATA = r2.DATA
NARRATIVES = [
    "CC: Amplifying Climate Fears",
    "CC: Climate change is beneficial",
    "CC: Controversy about green technologies",
    "CC: Criticism of climate movement",
    "CC: Criticism of climate policies",
    "CC: Criticism of institutions and authorities",
    "CC: Downplaying climate change",
    "CC: Green policies are geopolitical instruments",
    "CC: Hidden plots by secret schemes of powerful groups",
    "CC: Questioning the measurements and science",
    "Other",
    "URW: Amplifying war-related fears",
    "URW: Blaming the war on others rather than the invader",
    "URW: Discrediting Ukraine",
    "URW: Discrediting the West, Diplomacy",
    "URW: Distrust towards Media",
    "URW: Hidden plots by secret schemes of powerful groups",
    "URW: Negative Consequences for the West",
    "URW: Overpraising the West",
    "URW: Praise of Russia",
    "URW: Russia is the Victim",
    "URW: Speculating war outcomes",
]
# profile columns: P(URW) then the 22 narrative probabilities
PROFILE_DIM = 1 + len(NARRATIVES)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class NarrativeHead:
    """TF-IDF (word 1–2-grams) → one-vs-rest logistic regression per narrative and for the domain."""

    def __init__(self, C: float = 10.0) -> None:
        self.C = C

    def fit(self, texts: Sequence[str], narr: Sequence[frozenset[str]]) -> NarrativeHead:
        self.vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True)
        X = self.vec.fit_transform(texts)
        self.models: list[LogisticRegression | float] = []
        dom = [("URW" if any(n.startswith("URW") for n in ns) else "CC") for ns in narr]
        has_dom = [i for i, ns in enumerate(narr) if any(n != "Other" for n in ns)]
        y = np.array([dom[i] == "URW" for i in has_dom], dtype=int)
        self.models.append(LogisticRegression(C=self.C, solver="liblinear").fit(X[has_dom], y))
        for label in NARRATIVES:
            y = np.array([label in ns for ns in narr], dtype=int)
            if y.sum() < 2:  # too rare to fit: its training rate
                self.models.append(float(y.mean()))
            else:
                self.models.append(LogisticRegression(C=self.C, solver="liblinear").fit(X, y))
        return self

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        X = self.vec.transform(texts)
        cols = [
            np.full(X.shape[0], m) if isinstance(m, float) else m.predict_proba(X)[:, 1] for m in self.models
        ]
        return np.stack(cols, axis=1)


def oof_profiles(
    role_articles: list[str],
    texts: dict[str, str],
    folds_articles: list[tuple[set[str], set[str]]],
    narr_docs: dict[str, tuple[str, frozenset[str]]],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Per outer fold: (profiles of every roles article as the training rows see them,
    profiles as the test rows see them). ``narr_docs``: content hash → (text, narratives)."""

    def one_fold(train_arts: set[str], test_arts: set[str]) -> tuple[np.ndarray, np.ndarray]:
        test_h = {sha(texts[a]) for a in test_arts}
        keep = [h for h in sorted(narr_docs) if h not in test_h]
        head = NarrativeHead().fit([narr_docs[h][0] for h in keep], [narr_docs[h][1] for h in keep])
        idx = {a: i for i, a in enumerate(role_articles)}
        test_prof = np.zeros((len(role_articles), PROFILE_DIM))
        ta = sorted(test_arts)
        test_prof[[idx[a] for a in ta]] = head.predict([texts[a] for a in ta])
        # training rows: nested 5-fold over the kept narrative articles
        train_prof = np.zeros((len(role_articles), PROFILE_DIM))
        tr = sorted(train_arts)
        tr_h = [sha(texts[a]) for a in tr]
        keep_set = set(keep)
        outside = [a for a, h in zip(tr, tr_h, strict=True) if h not in keep_set]
        if outside:
            train_prof[[idx[a] for a in outside]] = head.predict([texts[a] for a in outside])
        inner = GroupKFold(n_splits=5, shuffle=True, random_state=SEED)
        keep_arr = np.array(keep)
        for fit_i, held_i in inner.split(keep_arr, groups=keep_arr):
            held = set(keep_arr[held_i])
            h2 = NarrativeHead().fit(
                [narr_docs[h][0] for h in keep_arr[fit_i]], [narr_docs[h][1] for h in keep_arr[fit_i]]
            )
            arts = [a for a, h in zip(tr, tr_h, strict=True) if h in held]
            if arts:
                train_prof[[idx[a] for a in arts]] = h2.predict([texts[a] for a in arts])
        return train_prof, test_prof

    out = Parallel(n_jobs=2)(delayed(one_fold)(tr, te) for tr, te in folds_articles)
    return [o[0] for o in out], [o[1] for o in out]


def fit_fold(Xtr, fine_tr: Sequence[Sequence[str]], Xte, labels: list[str], C: float = 10.0) -> np.ndarray:
    """The shipped estimator (as ``roles_round2.fit_proba``; here so joblib workers need no import)."""
    rows = [i for i, roles in enumerate(fine_tr) for _ in roles]
    y = np.array([labels.index(r) for roles in fine_tr for r in roles])
    w = np.array([1.0 / len(roles) for roles in fine_tr for _ in roles])
    model = LogisticRegression(C=C, max_iter=3000).fit(Xtr[rows], y, sample_weight=w)
    p = np.zeros((Xte.shape[0], len(labels)))
    p[:, model.classes_] = model.predict_proba(Xte)
    return p


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--cache", type=Path, required=True, help="passage-embedding cache (a copy; it is written)"
    )
    ap.add_argument("--work", type=Path, required=True, help="where out-of-fold probabilities go")
    ap.add_argument("--only", default="", help="comma-separated variant names")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    only = {v for v in args.only.split(",") if v}

    mentions, texts, langs = read_role_training(args.data)
    sentences, strings, _ = mention_texts(mentions, texts)
    lang_list = [langs[m.article_id] for m in mentions]
    lang_arr = np.array(lang_list)
    groups = [sha(texts[m.article_id]) for m in mentions]
    folds = list(
        GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(np.zeros(len(mentions)), groups=groups)
    )
    passage = Embedder(cache=EmbeddingCache(args.cache))

    def emb(items: Sequence[str]) -> np.ndarray:
        unique = list(dict.fromkeys(items))
        vec = passage.embed(unique)
        row = {t: i for i, t in enumerate(unique)}
        out = vec[[row[t] for t in items]]
        out[[not t for t in items]] = 0.0
        return out

    S = emb(sentences)
    M = emb(strings)
    print(f"embeddings: {passage.computed} computed", flush=True)
    L = one_hot(lang_list)
    base = np.hstack([S, M, L])
    clf = RoleClassifier(entity_roles(), RoleConfig())
    labels = clf.fine_labels
    Y = np.zeros((len(mentions), len(labels)))
    for i, m in enumerate(mentions):
        for r in m.fine_roles:
            Y[i, labels.index(r)] += 1 / len(m.fine_roles)
    fine = [m.fine_roles for m in mentions]

    # ---- narrative profiles (out of fold, nested) ----
    role_articles = sorted(texts)
    art_idx = {a: i for i, a in enumerate(role_articles)}
    m_art = np.array([art_idx[m.article_id] for m in mentions])
    folds_articles = [
        ({mentions[i].article_id for i in tr}, {mentions[i].article_id for i in te}) for tr, te in folds
    ]
    prof_file = args.work / "profiles.npz"
    if prof_file.exists():
        z = np.load(prof_file)
        prof_tr = [z[f"tr{k}"] for k in range(5)]
        prof_te = [z[f"te{k}"] for k in range(5)]
    else:
        t = time.time()
        narr_docs: dict[str, tuple[str, frozenset[str]]] = {}
        for d in read_training_folder(args.data):
            # byte-identical duplicates: the union of their labels
            prev = narr_docs.get(d.content_hash)
            narr_docs[d.content_hash] = (d.text, d.narratives | (prev[1] if prev else frozenset()))
        print(f"{len(narr_docs)} narrative-labelled articles (unique texts)", flush=True)
        prof_tr, prof_te = oof_profiles(role_articles, texts, folds_articles, narr_docs)
        np.savez(
            prof_file,
            **{f"tr{k}": p for k, p in enumerate(prof_tr)},
            **{f"te{k}": p for k, p in enumerate(prof_te)},
        )
        print(f"narrative profiles in {time.time() - t:.0f}s", flush=True)
    # the test-side profile of every mention (each article is in exactly one test fold)
    P_all = np.zeros((len(mentions), PROFILE_DIM))
    for k, (_, te) in enumerate(folds):
        P_all[te] = prof_te[k][m_art[te]]
    # how good is the head? domain accuracy on articles with a domain label, out of fold
    narr_gold = {sha(d.text): d.narratives for d in read_training_folder(args.data)}
    dom_ok = [
        (P_all[i, 0] > 0.5) == any(n.startswith("URW") for n in narr_gold[groups[i]])
        for i in range(len(mentions))
        if groups[i] in narr_gold and any(n != "Other" for n in narr_gold[groups[i]])
    ]
    print(
        f"out-of-fold domain accuracy (mentions of domain-labelled articles): {np.mean(dom_ok):.3f} of {len(dom_ok)}"
    )

    print(
        "| variant | EMR | micro F1 | main | lang-mean EMR | lang-mean main | "
        + " | ".join(f"{lg} EMR / main" for lg in LANGS)
        + " | fold sd | lang-mean fold sd | s |"
    )
    print("|" + "---|" * (9 + len(LANGS)))
    results: dict[str, np.ndarray] = {}

    def show(name: str, P: np.ndarray, seconds: float = 0.0) -> None:
        r2.print_row(r2.score(name, P, mentions, folds, langs, clf, seconds))

    def cv(
        name: str, make: Callable[[np.ndarray, np.ndarray, int], tuple[np.ndarray, np.ndarray]], **kw
    ) -> None:
        """``make(train, test, k)`` → (Xtr, Xte) per fold; cached out-of-fold probabilities."""
        if only and name not in only and name != "base":
            return
        stored = args.work / f"oof_{name}.npy"
        t = time.time()
        if stored.exists():
            P = np.load(stored)
        else:

            def one(k: int) -> np.ndarray:
                tr, te = folds[k]
                Xtr, Xte = make(tr, te, k)
                return fit_fold(Xtr, [fine[i] for i in tr], Xte, labels, **kw)

            out = Parallel(n_jobs=2)(delayed(one)(k) for k in range(5))
            P = np.zeros((len(mentions), len(labels)))
            for k, (_, te) in enumerate(folds):
                P[te] = out[k]
            np.save(stored, P)
        results[name] = P
        show(name, P, time.time() - t)

    def prof(tr, te, k):
        return prof_tr[k][m_art[tr]], prof_te[k][m_art[te]]

    cv("base", lambda tr, te, k: (base[tr], base[te]))

    # (a) profile appended, scaled
    for w in (1.0, 3.0):

        def make_a(tr, te, k, w=w):
            a, b = prof(tr, te, k)
            return np.hstack([base[tr], w * a]), np.hstack([base[te], w * b])

        cv(f"prof_w{w:g}", make_a)

    # (b) interactions: PCA-32 of [sentence, mention] (fitted on the training rows) ⊗ domain,
    # and PCA-16 of the mention ⊗ the narrative probabilities
    def make_b(tr, te, k, dims=32):
        a, b = prof(tr, te, k)
        pca = PCA(n_components=dims, random_state=0).fit(base[tr, :768])
        ztr, zte = pca.transform(base[tr, :768]), pca.transform(base[te, :768])
        sc = 1 / np.sqrt(dims)
        xtr = np.hstack([base[tr], a, sc * ztr * a[:, :1], sc * ztr * (1 - a[:, :1])])
        xte = np.hstack([base[te], b, sc * zte * b[:, :1], sc * zte * (1 - b[:, :1])])
        return xtr, xte

    cv("x_domain", make_b)

    def make_bn(tr, te, k, dims=16):
        a, b = prof(tr, te, k)
        pca = PCA(n_components=dims, random_state=0).fit(M[tr])
        ztr, zte = pca.transform(M[tr]), pca.transform(M[te])
        xtr = np.hstack([base[tr], a, np.einsum("nd,np->ndp", ztr, a[:, 1:]).reshape(len(tr), -1)])
        xte = np.hstack([base[te], b, np.einsum("nd,np->ndp", zte, b[:, 1:]).reshape(len(te), -1)])
        return xtr, xte

    cv("x_narr", make_bn)

    # wider interaction blocks (PCA-32 of the mention; PCA-16 of the sentence as well)
    def make_bn2(tr, te, k, dims=32, sentence=False):
        a, b = prof(tr, te, k)
        blocks_tr, blocks_te = [base[tr], a], [base[te], b]
        for V in (M, S) if sentence else (M,):
            pca = PCA(n_components=dims, random_state=0).fit(V[tr])
            ztr, zte = pca.transform(V[tr]), pca.transform(V[te])
            blocks_tr.append(np.einsum("nd,np->ndp", ztr, a[:, 1:]).reshape(len(tr), -1))
            blocks_te.append(np.einsum("nd,np->ndp", zte, b[:, 1:]).reshape(len(te), -1))
        return np.hstack(blocks_tr), np.hstack(blocks_te)

    if "x_narr32" in only:
        cv("x_narr32", make_bn2)
    if "x_narr_sm16" in only:
        cv("x_narr_sm16", lambda tr, te, k: make_bn2(tr, te, k, dims=16, sentence=True))

    # oracle: the gold narratives of the article (where it has them) instead of the head's
    # out-of-fold probabilities, for the ceiling of a better narrative head
    if "x_narr_gold" in only:
        gold_prof = np.zeros((len(role_articles), PROFILE_DIM))
        has_gold = np.zeros(len(role_articles), bool)
        for a, i in art_idx.items():
            ns = narr_gold.get(sha(texts[a]))
            if ns is not None:
                has_gold[i] = True
                gold_prof[i, 0] = float(any(n.startswith("URW") for n in ns))
                for n in ns:
                    if n in NARRATIVES:
                        gold_prof[i, 1 + NARRATIVES.index(n)] = 1.0

        def prof_gold(tr, te, k):
            a, b = prof_tr[k][m_art[tr]].copy(), prof_te[k][m_art[te]].copy()
            a[has_gold[m_art[tr]]] = gold_prof[m_art[tr]][has_gold[m_art[tr]]]
            b[has_gold[m_art[te]]] = gold_prof[m_art[te]][has_gold[m_art[te]]]
            return a, b

        def make_gold(tr, te, k, dims=16):
            a, b = prof_gold(tr, te, k)
            pca = PCA(n_components=dims, random_state=0).fit(M[tr])
            ztr, zte = pca.transform(M[tr]), pca.transform(M[te])
            xtr = np.hstack([base[tr], a, np.einsum("nd,np->ndp", ztr, a[:, 1:]).reshape(len(tr), -1)])
            xte = np.hstack([base[te], b, np.einsum("nd,np->ndp", zte, b[:, 1:]).reshape(len(te), -1)])
            return xtr, xte

        cv("x_narr_gold", make_gold)

    Pb = results["base"]

    def knn(prof_weight: float, k_nb: int = 5, tau: float = 0.05) -> np.ndarray:
        Pk = np.zeros_like(Y)
        for f, (tr, te) in enumerate(folds):
            sim = S[te] @ S[tr].T + M[te] @ M[tr].T
            if prof_weight:
                a, b = prof(tr, te, f)
                a = a[:, 1:] / np.linalg.norm(a[:, 1:], axis=1, keepdims=True)
                b = b[:, 1:] / np.linalg.norm(b[:, 1:], axis=1, keepdims=True)
                sim = sim + prof_weight * (b @ a.T)
            sim[lang_arr[te][:, None] != lang_arr[tr][None, :]] = -9
            top = np.argsort(-sim, axis=1)[:, :k_nb]
            ts = np.take_along_axis(sim, top, axis=1)
            w = np.exp((ts - ts.max(axis=1, keepdims=True)) / tau)
            w /= w.sum(axis=1, keepdims=True)
            Pk[te] = np.einsum("nk,nkc->nc", w, Y[tr][top])
        return Pk

    K0 = knn(0.0)
    shipped = 0.8 * Pb + 0.2 * K0
    show("base + nearest mentions k=5 tau=0.05 w=0.2 (shipped)", shipped)
    for pw in (0.5, 1.0):
        Kp = knn(pw)
        show(f"base + nearest mentions, similarity + {pw:g} cos(profile)", 0.8 * Pb + 0.2 * Kp)
        results[f"knn_prof{pw:g}"] = 0.8 * Pb + 0.2 * Kp

    # (c) one regression per (out-of-fold) domain, blended with the joint one
    if not only or "perdomain" in only:
        stored = args.work / "oof_perdomain.npy"
        t = time.time()
        if stored.exists():
            Pd = np.load(stored)
        else:

            def one(k: int) -> np.ndarray:
                tr, te = folds[k]
                a, b = prof(tr, te, k)
                out = np.zeros((len(te), len(labels)))
                for urw in (True, False):
                    rtr, rte = tr[(a[:, 0] > 0.5) == urw], (b[:, 0] > 0.5) == urw
                    if rte.any():
                        out[rte] = fit_fold(base[rtr], [fine[i] for i in rtr], base[te][rte], labels)
                return out

            outs = Parallel(n_jobs=2)(delayed(one)(k) for k in range(5))
            Pd = np.zeros_like(Y)
            for k, (_, te) in enumerate(folds):
                Pd[te] = outs[k]
            np.save(stored, Pd)
        for w in (0.5, 0.3):
            show(f"per-domain regressions {w:g} / joint {1 - w:g}", w * Pd + (1 - w) * Pb, time.time() - t)
            show(f"per-domain {w:g} / shipped blend {1 - w:g}", w * Pd + (1 - w) * shipped)
        results["perdomain"] = Pd

    # (2) entity prior from count tables: same entity key in the training folds (same language,
    # or same language and domain), smoothed toward the language's role distribution
    def prior(by_domain: bool, alpha: float) -> np.ndarray:
        Pp = np.zeros_like(Y)
        keys = [entity_key(m.mention) for m in mentions]
        for f, (tr, te) in enumerate(folds):
            a, b = prof(tr, te, f)
            dtr = a[:, 0] > 0.5 if by_domain else np.zeros(len(tr), bool)
            dte = b[:, 0] > 0.5 if by_domain else np.zeros(len(te), bool)
            tot: dict = defaultdict(lambda: np.zeros(len(labels)))
            lang_prior = {lg: Y[tr][lang_arr[tr] == lg].mean(axis=0) for lg in LANGS}
            for j, i in enumerate(tr):
                tot[(lang_arr[i], dtr[j], keys[i])] += Y[i]
            for j, i in enumerate(te):
                c = tot.get((lang_arr[i], dte[j], keys[i]), np.zeros(len(labels)))
                Pp[i] = (c + alpha * lang_prior[lang_arr[i]]) / (c.sum() + alpha)
        return Pp

    for by_domain in (False, True):
        for alpha in (2.0, 5.0):
            Pp = prior(by_domain, alpha)
            for w in (0.2, 0.4):
                tag = f"entity prior ({'language + domain' if by_domain else 'language'}, a={alpha:g})"
                show(f"base + {tag} w={w:g}", (1 - w) * Pb + w * Pp)
                show(f"shipped blend + {tag} w={w:g}", (1 - w) * shipped + w * Pp)
            results[f"prior_{by_domain}_{alpha:g}"] = Pp

    def fold_lm(P: np.ndarray) -> np.ndarray:
        """Language-mean EMR of each fold's test mentions."""
        hit = np.array(
            [set(p.fine_roles) == set(m.fine_roles) for m, p in zip(mentions, clf.decode(P), strict=True)]
        )
        return np.array([np.mean([hit[te][lang_arr[te] == lg].mean() for lg in LANGS]) for _, te in folds])

    def fold_en_main(P: np.ndarray) -> np.ndarray:
        main = np.array([p.main_role == m.main_role for m, p in zip(mentions, clf.decode(P), strict=True)])
        return np.array([main[te][lang_arr[te] == "EN"].mean() for _, te in folds])

    paired: dict[str, np.ndarray] = {}
    # combinations
    for name in ("prof_w1", "prof_w3", "x_domain", "x_narr", "x_narr32", "x_narr_sm16", "x_narr_gold"):
        if name in results:
            Kp = knn(1.0)
            show(f"{name} + nearest mentions (sim + cos profile) w=0.2", 0.8 * results[name] + 0.2 * Kp)
            show(f"{name} + nearest mentions (shipped memory) w=0.2", 0.8 * results[name] + 0.2 * K0)
            paired[name] = 0.8 * results[name] + 0.2 * K0

    # paired per-fold comparison with the shipped blend (same test mentions in each fold)
    ref, ref_en = fold_lm(shipped), fold_en_main(shipped)
    print("\nper fold: language-mean EMR, EN main accuracy (shipped blend; variant + shipped memory)")
    print(
        "shipped: " + " ".join(f"{v:.3f}" for v in ref) + " | EN main " + " ".join(f"{v:.3f}" for v in ref_en)
    )
    for name, P in paired.items():
        d, d_en = fold_lm(P) - ref, fold_en_main(P) - ref_en
        print(
            f"{name}: lang-mean EMR diff per fold "
            + " ".join(f"{v:+.3f}" for v in d)
            + f" (mean {d.mean():+.3f}, sd {d.std():.3f}); EN main diff "
            + " ".join(f"{v:+.3f}" for v in d_en)
        )


if __name__ == "__main__":
    main()
