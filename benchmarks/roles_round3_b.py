"""Entity roles, round 3 (issue 11), brief b: the estimator and the decision rule.

Same inputs as the shipped model ([e5(sentence), e5(mention), language one-hot]) and the
same outer folds as ``train roles`` / ``benchmarks/roles_round2.py``. What changes is
the estimator that turns them into fine-role probabilities, and the rule that turns the
probabilities into (main role, fine role).

Every tunable choice of a decision rule (per-class biases, a prior-correction strength,
the weight of a separate 3-way main-role model) is fitted on an INNER split of each
outer training fold: for outer fold k the other four folds are predicted each by a model
trained on the remaining three ("inner out-of-fold" probabilities), the rule is tuned on
those, then applied to fold k's probabilities from the model trained on all four. The
outer test fold is never seen while tuning. Estimator settings not tuned that way (C,
class weights, SGD/MLP/HGB settings) are few and listed in BENCHMARKS.md.

Out-of-fold arrays are stored under ``--work`` so a rerun only rescores.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/roles_round3_b.py \
        --cache /work/cache/roles-b.sqlite --work /work/roles-b-work
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parent))
from roles_round2 import DATA, LANGS, print_row

from narrascope.eval.roles import MentionLine, read_role_training, score_roles
from narrascope.languages import one_hot
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED, mention_texts
from narrascope.nlp.embed import Embedder, EmbeddingCache, embedding_text
from narrascope.nlp.segment import containing_sentence, split_sentences
from narrascope.taxonomy.roles import entity_roles

ALPHAS = tuple(np.arange(0.0, 1.01, 0.1))  # weights of the 3-way main model tried

Fitter = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


# ---------------------------------------------------------------- estimators
def expand(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One row per (mention, gold fine role), weight 1/k (as the shipped model)."""
    rows, cls = np.nonzero(Y)
    k = Y.sum(axis=1)
    return rows, cls, 1.0 / k[rows]


def full(model, P: np.ndarray, n_classes: int) -> np.ndarray:
    out = np.zeros((P.shape[0], n_classes))
    out[:, model.classes_] = P
    return out


def lr(C: float = 10.0, class_weight: str | None = None, scale: bool = False) -> Fitter:
    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        if scale:
            sc = StandardScaler().fit(Xtr)
            Xtr, Xte = sc.transform(Xtr), sc.transform(Xte)
        rows, y, w = expand(Ytr)
        m = LogisticRegression(C=C, max_iter=3000, class_weight=class_weight).fit(
            Xtr[rows], y, sample_weight=w
        )
        return full(m, m.predict_proba(Xte), Ytr.shape[1])

    return fit


def lr_langw(C: float = 10.0, power: float = 1.0) -> Fitter:
    """LR whose sample weights give every language the same total weight (power 1) or
    a share between its size and equal (0 < power < 1): the loss then targets the
    language-mean metric."""

    def fit(Xtr, Ytr, Xte, lang) -> np.ndarray:
        rows, y, w = expand(Ytr)
        count = Counter(lang.tolist())
        lw = np.array([1.0 / count[g] ** power for g in lang])
        lw *= len(lw) / lw.sum()
        m = LogisticRegression(C=C, max_iter=3000).fit(Xtr[rows], y, sample_weight=w * lw[rows])
        return full(m, m.predict_proba(Xte), Ytr.shape[1])

    return fit


def sgd_mh(alpha: float = 1e-4) -> Fitter:
    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        sc = StandardScaler().fit(Xtr)
        rows, y, w = expand(Ytr)
        m = SGDClassifier(loss="modified_huber", alpha=alpha, max_iter=50, tol=1e-4, random_state=SEED)
        m.fit(sc.transform(Xtr)[rows], y, sample_weight=w)
        P = m.predict_proba(sc.transform(Xte))
        return full(m, P, Ytr.shape[1])

    return fit


def svm(C: float = 0.05, temperature: float = 0.3) -> Fitter:
    """Linear SVM (crammer-singer off, one-vs-rest); probabilities = softmax(margin / T)."""

    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        sc = StandardScaler().fit(Xtr)
        rows, y, w = expand(Ytr)
        m = LinearSVC(C=C, dual=False, max_iter=1000, random_state=SEED).fit(
            sc.transform(Xtr)[rows], y, sample_weight=w
        )
        z = m.decision_function(sc.transform(Xte)) / temperature
        z -= z.max(axis=1, keepdims=True)
        P = np.exp(z)
        return full(m, P / P.sum(axis=1, keepdims=True), Ytr.shape[1])

    return fit


def hgb_pca(dims: int = 64) -> Fitter:
    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        pca = PCA(dims, random_state=SEED).fit(Xtr[:, :-5])
        Ztr = np.hstack([pca.transform(Xtr[:, :-5]), Xtr[:, -5:]])
        Zte = np.hstack([pca.transform(Xte[:, :-5]), Xte[:, -5:]])
        rows, y, w = expand(Ytr)
        m = HistGradientBoostingClassifier(
            max_iter=100,
            learning_rate=0.1,
            max_leaf_nodes=15,
            l2_regularization=1.0,
            early_stopping=True,
            validation_fraction=0.15,
            n_iter_no_change=20,
            random_state=SEED,
        ).fit(Ztr[rows], y, sample_weight=w)
        return full(m, m.predict_proba(Zte), Ytr.shape[1])

    return fit


def mlp(hidden: int = 256, alpha: float = 1e-2) -> Fitter:
    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        sc = StandardScaler().fit(Xtr)
        rows, y, _ = expand(Ytr)  # MLP: duplicated rows, no weights
        m = MLPClassifier(
            (hidden,),
            alpha=alpha,
            early_stopping=True,
            validation_fraction=0.15,
            n_iter_no_change=10,
            max_iter=200,
            random_state=SEED,
        ).fit(sc.transform(Xtr)[rows], y)
        return full(m, m.predict_proba(sc.transform(Xte)), Ytr.shape[1])

    return fit


def main_lr(C: float = 10.0) -> Fitter:
    """A separate 3-way main-role regression (targets: the gold main role)."""

    def fit(Xtr, Ytr, Xte, _lang) -> np.ndarray:
        y = Ytr.argmax(axis=1)  # Ytr here is the 3-column main one-hot
        m = LogisticRegression(C=C, max_iter=3000).fit(Xtr, y)
        return full(m, m.predict_proba(Xte), Ytr.shape[1])

    return fit


# ---------------------------------------------------------------- the run
class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.work: Path = args.work
        self.work.mkdir(parents=True, exist_ok=True)
        mentions, texts, langs = read_role_training(args.data)
        self.mentions, self.texts, self.langs = mentions, texts, langs
        sentences, strings, spans = mention_texts(mentions, texts)
        self.sentences, self.strings, self.spans = sentences, strings, spans
        self.lang = np.array([langs[m.article_id] for m in mentions])
        groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
        self.folds = list(
            GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(
                np.zeros(len(mentions)), groups=groups
            )
        )
        self.fold_of = np.zeros(len(mentions), dtype=int)
        for k, (_, te) in enumerate(self.folds):
            self.fold_of[te] = k
        self.clf = RoleClassifier(entity_roles(), RoleConfig())
        self.labels = self.clf.fine_labels
        self.main_labels = self.clf.main_labels
        self.G = np.zeros((len(self.labels), len(self.main_labels)))
        for j, f in enumerate(self.labels):
            self.G[j, self.main_labels.index(entity_roles().main_of(f))] = 1
        self.Y = np.zeros((len(mentions), len(self.labels)))
        for i, m in enumerate(mentions):
            for r in m.fine_roles:
                self.Y[i, self.labels.index(r)] = 1
        self.single = self.Y.sum(axis=1) == 1
        self.gold_main = np.array([self.main_labels.index(m.main_role) for m in mentions])
        self.Ymain = np.eye(3)[self.gold_main]
        self.embedder = Embedder(cache=EmbeddingCache(args.cache))
        self.S = self.emb(sentences)
        self.M = self.emb(strings)
        self.L = one_hot(list(self.lang))
        self.base = np.hstack([self.S, self.M, self.L])
        self.lang_w = np.zeros(len(mentions))
        for lg in LANGS:
            self.lang_w[self.lang == lg] = 1.0 / (self.lang == lg).sum() / len(LANGS)
        self.jobs = args.jobs

    def emb(self, items: Sequence[str]) -> np.ndarray:
        unique = list(dict.fromkeys(items))
        vec = self.embedder.embed(unique)
        row = {t: i for i, t in enumerate(unique)}
        out = vec[[row[t] for t in items]]
        out[[not t for t in items]] = 0.0
        return out

    # splits: ("outer", k) trains on folds != k; ("inner", k, j) trains on folds not in {k, j}
    def split(self, k: int, j: int | None) -> tuple[np.ndarray, np.ndarray]:
        if j is None:
            return self.folds[k]
        tr = np.flatnonzero((self.fold_of != k) & (self.fold_of != j))
        return tr, self.folds[j][1]

    def oof(self, name: str, fitter: Fitter, X: np.ndarray, nested: bool, main: bool = False):
        """Outer out-of-fold probabilities (n, C); with ``nested`` also inner (5, n, C), NaN on fold k."""
        path = self.work / f"{name}.npz"
        if path.exists():
            d = np.load(path)
            if not nested or "inner" in d.files:
                return d["outer"], (d["inner"] if "inner" in d.files else None), float(d["seconds"])
        Y = self.Ymain if main else self.Y
        tasks = [(k, None) for k in range(5)]
        if nested:
            tasks += [(k, j) for k in range(5) for j in range(5) if j != k]
        t0 = time.time()

        splits = [self.split(k, j) for k, j in tasks]
        res = Parallel(n_jobs=self.jobs)(
            delayed(fitter)(X[tr], Y[tr], X[te], self.lang[tr]) for tr, te in splits
        )
        outer = np.zeros((len(self.mentions), Y.shape[1]))
        inner = np.full((5, len(self.mentions), Y.shape[1]), np.nan) if nested else None
        for (k, j), P in zip(tasks, res, strict=True):
            te = self.split(k, j)[1]
            if j is None:
                outer[te] = P
            else:
                assert inner is not None
                inner[k, te] = P
        secs = time.time() - t0
        arrays = {"outer": outer, "seconds": np.array(secs)}
        if inner is not None:
            arrays["inner"] = inner
        np.savez(path, **arrays)
        print(f"  [{name}: {len(tasks)} fits in {secs:.0f}s]", flush=True)
        return outer, inner, secs

    def knn(self, weight_only: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The shipped memory (k = 5, tau = 0.05, same language), outer and inner."""
        Yd = self.Y / self.Y.sum(axis=1, keepdims=True)
        outer = np.zeros_like(Yd)
        inner = np.full((5, *Yd.shape), np.nan)
        for k in range(5):
            for j in [None, *[j for j in range(5) if j != k]]:
                tr, te = self.split(k, j)
                sim = self.S[te] @ self.S[tr].T + self.M[te] @ self.M[tr].T
                sim[self.lang[te][:, None] != self.lang[tr][None, :]] = -9
                top = np.argsort(-sim, axis=1, kind="stable")[:, :5]
                ts = np.take_along_axis(sim, top, axis=1)
                w = np.exp((ts - ts.max(axis=1, keepdims=True)) / 0.05)
                P = np.einsum("nk,nkc->nc", w / w.sum(axis=1, keepdims=True), Yd[tr][top])
                if j is None:
                    outer[te] = P
                else:
                    inner[k, te] = P
        return outer, inner

    # ------------------------------------------------------------ decisions
    def decide(
        self,
        P: np.ndarray,
        Pm: np.ndarray | None = None,
        b: np.ndarray | None = None,
        flat: bool = False,
        lam: float | None = None,
    ):
        """(main index, fine index) per row: main = argmax(Pm or summed fine probs), fine inside it."""
        Q = P if b is None else P * np.exp(b)
        if lam is not None:  # joint score of (main, fine): log p(fine) + lam * log p(main)
            Qn = Q / Q.sum(axis=1, keepdims=True)
            src = Qn @ self.G if Pm is None else Pm
            sc = np.log(Qn + 1e-12) + lam * np.log(src @ self.G.T + 1e-12)
            fine = sc.argmax(axis=1)
            return self.G[fine].argmax(axis=1), fine
        if flat:
            fine = Q.argmax(axis=1)
            return self.G[fine].argmax(axis=1), fine
        mains = (Q / Q.sum(axis=1, keepdims=True)) @ self.G if Pm is None else Pm
        main = mains.argmax(axis=1)
        masked = np.where(self.G.T[main] > 0, Q, -1)
        return main, masked.argmax(axis=1)

    def emr_vec(self, fine: np.ndarray) -> np.ndarray:
        return self.single & (self.Y[np.arange(len(fine)), fine] > 0)

    def objective(self, fine: np.ndarray, rows: np.ndarray) -> float:
        """Language-mean EMR on ``rows`` (the tuning target)."""
        w = self.lang_w[rows]
        return float((self.emr_vec(fine)[rows] * w).sum() / w.sum())

    def tune_bias(
        self,
        P: np.ndarray,
        rows: np.ndarray,
        grid: tuple[float, ...] = tuple(np.arange(-1.5, 1.51, 0.25)),
        passes: int = 2,
        flat: bool = False,
    ):
        """Coordinate ascent over the 22 additive log-biases on ``rows`` (inner out-of-fold)."""
        b = np.zeros(P.shape[1])
        best = self.objective(self.decide(P, b=b, flat=flat)[1], rows)
        for _ in range(passes):
            for c in range(P.shape[1]):
                for v in grid:
                    trial = b.copy()
                    trial[c] = v
                    s = self.objective(self.decide(P, b=trial, flat=flat)[1], rows)
                    if s > best + 1e-9 or (abs(s - best) < 1e-9 and abs(v) < abs(b[c])):
                        best, b = s, trial
        return b

    def nested_rule(self, outer: np.ndarray, inner: np.ndarray, tune, apply) -> tuple[np.ndarray, np.ndarray]:
        """For each outer fold: params = tune(inner probs, training rows); decision on the test rows."""
        main = np.zeros(len(self.mentions), dtype=int)
        fine = np.zeros(len(self.mentions), dtype=int)
        for k, (tr, te) in enumerate(self.folds):
            params = tune(inner[k], tr, k)
            mk, fk = apply(outer, params, k)
            main[te], fine[te] = mk[te], fk[te]
        return main, fine

    # ------------------------------------------------------------ scoring
    def row(self, name: str, main: np.ndarray, fine: np.ndarray, seconds: float = 0.0) -> dict:
        preds = [
            MentionLine(m.article_id, m.mention, m.start, m.end, self.main_labels[a], (self.labels[f],))
            for m, a, f in zip(self.mentions, main, fine, strict=True)
        ]
        row: dict = {"name": name, "s": seconds}
        o = score_roles(self.mentions, preds)
        row.update(emr=o.exact_match, f1=o.micro_f1, main=o.main_accuracy)
        for lg in LANGS:
            idx = np.flatnonzero(self.lang == lg)
            s = score_roles([self.mentions[i] for i in idx], [preds[i] for i in idx])
            row[lg] = (s.exact_match, s.main_accuracy, s.micro_f1)
        row["lm_emr"] = float(np.mean([row[lg][0] for lg in LANGS]))
        row["lm_main"] = float(np.mean([row[lg][1] for lg in LANGS]))
        fold_emr, fold_lm = [], []
        for _, te in self.folds:
            fold_emr.append(score_roles([self.mentions[i] for i in te], [preds[i] for i in te]).exact_match)
            fold_lm.append(
                np.mean(
                    [
                        score_roles([self.mentions[i] for i in te if self.lang[i] == lg], preds).exact_match
                        for lg in LANGS
                    ]
                )
            )
        row["sd"] = float(np.std(fold_emr))
        row["lm_sd"] = float(np.std(fold_lm))
        print_row(row)
        return row


# ---------------------------------------------------------------- cheap features
QUOTES = "\"«»“”„‘’'"


def position_features(run: Run) -> np.ndarray:
    """Per mention: in the title, relative sentence index, relative char offset, log count of
    the mention string in the article, inside quotation marks, sentence-initial, log sentence
    length in words. Nothing here needs the gold annotations."""
    out = []
    sents: dict[str, list] = {}
    for m, (s, e) in zip(run.mentions, run.spans, strict=True):
        text = run.texts[m.article_id]
        ss = sents.setdefault(m.article_id, split_sentences(text))
        sent = containing_sentence(ss, s)
        idx = ss.index(sent) if sent is not None else 0
        a, b = (sent.start, sent.end) if sent is not None else (s, e)
        before = text[a:s]
        quoted = sum(before.count(q) for q in QUOTES) % 2 == 1
        initial = len(before.strip()) == 0
        count = len(re.findall(re.escape(text[s:e].strip()), text)) if text[s:e].strip() else 1
        words = len(text[a:b].split())
        out.append(
            [
                float(idx == 0),
                idx / max(1, len(ss) - 1),
                s / max(1, len(text)),
                np.log1p(count),
                float(quoted),
                float(initial),
                np.log1p(words),
            ]
        )
    return np.asarray(out, dtype=np.float32)


def previous_sentence_texts(run: Run) -> list[str]:
    out = []
    sents: dict[str, list] = {}
    for m, (s, _e) in zip(run.mentions, run.spans, strict=True):
        text = run.texts[m.article_id]
        ss = sents.setdefault(m.article_id, split_sentences(text))
        sent = containing_sentence(ss, s)
        if sent is None:
            out.append(embedding_text(text[max(0, s - 200) : s + 200]))
            continue
        idx = ss.index(sent)
        prev = ss[idx - 1].text + " " if idx > 0 else ""
        out.append(embedding_text(prev + sent.text))
    return out


# ---------------------------------------------------------------- main
def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument(
        "--cache", type=Path, required=True, help="passage-embedding cache (a copy; it is written)"
    )
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="", help="comma-separated groups: rules,estimators,features,window")
    args = ap.parse_args()
    only = {v for v in args.only.split(",") if v}
    run = Run(args)
    print(
        f"{len(run.mentions)} mentions; {int((~run.single).sum())} with more than one gold fine role",
        flush=True,
    )
    print(
        "| variant | EMR | micro F1 | main | lang-mean EMR | lang-mean main | "
        + " | ".join(f"{lg} EMR / main" for lg in LANGS)
        + " | fold sd | lang-mean fold sd | s |"
    )
    print("|" + "---|" * (9 + len(LANGS)))
    X = run.base
    Pb, Ib, sb = run.oof("lr10", lr(10.0), X, nested=True)
    Pk, Ik = run.knn()
    W = 0.2
    Pbk, Ibk = (1 - W) * Pb + W * Pk, (1 - W) * Ib + W * Ik
    run.row("base: LR C=10, main = summed fine probs, fine inside it", *run.decide(Pb), sb)
    run.row("base + memory 0.2 (shipped)", *run.decide(Pbk), sb)

    def rules(tag: str, outer: np.ndarray, inner: np.ndarray, secs: float) -> None:
        run.row(f"{tag}: flat argmax of 22", *run.decide(outer, flat=True), secs)
        # prior correction: log p - tau log prior, tau tuned inner
        taus = np.arange(0.0, 1.01, 0.1)

        def tune_tau(inn, tr, k):
            prior = run.Y[tr].sum(axis=0) + 1
            prior = np.log(prior / prior.sum())
            scores = [
                run.objective(run.decide(np.nan_to_num(inn, nan=1 / 22), b=-t * prior)[1], tr) for t in taus
            ]
            return -taus[int(np.argmax(scores))] * prior, taus[int(np.argmax(scores))]

        chosen = []

        def apply_b(P, params, k):
            chosen.append(round(float(params[1]), 1))
            return run.decide(P, b=params[0])

        lams = [0.0, 0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0]
        for crit in ("EMR", "EMR + main"):

            def tune_lam(inn, tr, k, crit=crit):
                inn = np.nan_to_num(inn, nan=1 / 22)
                w = run.lang_w[tr] / run.lang_w[tr].sum()
                scores = []
                for lam in lams:
                    mn, fn = run.decide(inn, lam=lam)
                    sc_ = run.objective(fn, tr)
                    if crit != "EMR":
                        sc_ += float(((mn[tr] == run.gold_main[tr]) * w).sum())
                    scores.append(sc_)
                return lams[int(np.argmax(scores))]

            got_l = []

            def apply_lam(P, lam, k, got_l=got_l):
                got_l.append(lam)
                return run.decide(P, lam=lam)

            run.row(
                f"{tag}: joint score log p(fine) + lambda log p(main), lambda (inner, on {crit})",
                *run.nested_rule(outer, inner, tune_lam, apply_lam),
                secs,
            )
            print(f"    lambda chosen per fold: {got_l}", flush=True)
        for lam in (0.5, 1.0, 2.0):
            run.row(f"{tag}: joint score, lambda = {lam} fixed", *run.decide(outer, lam=lam), secs)
        fl_main, _ = run.decide(outer)
        run.row(
            f"{tag}: INCONSISTENT: main = summed, fine = flat argmax (diagnostic)",
            fl_main,
            run.decide(outer, flat=True)[1],
            secs,
        )
        run.row(
            f"{tag}: prior correction tau (inner)", *run.nested_rule(outer, inner, tune_tau, apply_b), secs
        )
        print(f"    tau chosen per fold: {chosen}", flush=True)
        t0 = time.time()

        def tune_b(inn, tr, k):
            return run.tune_bias(np.nan_to_num(inn, nan=1 / 22), tr)

        biases = []

        def apply_bias(P, b, k):
            biases.append(b)
            return run.decide(P, b=b)

        run.row(
            f"{tag}: 22 per-class biases (inner)",
            *run.nested_rule(outer, inner, tune_b, apply_bias),
            secs + time.time() - t0,
        )
        B = np.array(biases)
        print(
            "    biases (mean over folds): "
            + ", ".join(
                f"{run.labels[c]} {B[:, c].mean():+.2f}" for c in np.argsort(-np.abs(B).mean(axis=0))[:8]
            ),
            flush=True,
        )

    if not only or "rules" in only:
        rules("LR", Pb, Ib, sb)
        rules("LR + memory", Pbk, Ibk, sb)
        # separate 3-way main model
        Pm, Im, sm = run.oof("main3_lr10", main_lr(10.0), X, nested=True, main=True)
        Pm1, _, sm1 = run.oof("main3_lr1", main_lr(1.0), X, nested=True, main=True)
        for tag, P, inner_p in (("LR", Pb, Ib), ("LR + memory", Pbk, Ibk)):
            for cname, A, s in (("C=10", Pm, sm), ("C=1", Pm1, sm1)):
                run.row(f"{tag}: main from a 3-way LR {cname}, fine inside it", *run.decide(P, Pm=A), sb + s)

            def tune_alpha(Ik_, tr, k, alphas=ALPHAS):
                Ik_ = np.nan_to_num(Ik_, nan=1 / 22)
                summed = (Ik_ / np.maximum(Ik_.sum(axis=1, keepdims=True), 1e-12)) @ run.G
                Am = np.nan_to_num(Im[k], nan=1 / 3)
                acc = []
                for a in alphas:
                    main = (a * Am + (1 - a) * summed).argmax(axis=1)
                    # tuned on the language-mean main accuracy, then EMR as tie-break
                    w = run.lang_w[tr]
                    acc.append(((main[tr] == run.gold_main[tr]) * w).sum() / w.sum())
                return alphas[int(np.argmax(acc))]

            picked: list[float] = []

            def apply_alpha(Pout, a, k, picked=picked):
                picked.append(round(float(a), 1))
                summed = (Pout / Pout.sum(axis=1, keepdims=True)) @ run.G
                return run.decide(Pout, Pm=a * Pm + (1 - a) * summed)

            run.row(
                f"{tag}: main = alpha 3-way + (1-alpha) summed, alpha (inner)",
                *run.nested_rule(P, inner_p, tune_alpha, apply_alpha),
                sb + sm,
            )
            print(f"    alpha chosen per fold: {picked}", flush=True)

    if not only or "flat" in only:
        for w in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5):
            run.row(f"LR + memory {w}, flat argmax", *run.decide((1 - w) * Pb + w * Pk, flat=True), sb)
        ws = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5]

        def tune_w(_I, tr, k):
            scores = [
                run.objective(
                    run.decide(np.nan_to_num((1 - w) * Ib[k] + w * Ik[k], nan=1 / 22), flat=True)[1], tr
                )
                for w in ws
            ]
            return ws[int(np.argmax(scores))]

        picked_w: list[float] = []

        def apply_w(_P, w, k):
            picked_w.append(w)
            return run.decide((1 - w) * Pb + w * Pk, flat=True)

        run.row("LR + memory, weight (inner), flat argmax", *run.nested_rule(Pb, Ib, tune_w, apply_w), sb)
        print(f"    memory weight chosen per fold: {picked_w}", flush=True)
        fb: list[np.ndarray] = []

        def tune_fb(inn, tr, k):
            return run.tune_bias(np.nan_to_num(inn, nan=1 / 22), tr, flat=True)

        def apply_fb(P, b, k):
            fb.append(b)
            return run.decide(P, b=b, flat=True)

        run.row(
            "LR + memory 0.2, flat argmax, 22 biases (inner)",
            *run.nested_rule(Pbk, Ibk, tune_fb, apply_fb),
            sb,
        )
        B = np.array(fb)
        print(
            "    biases (mean over folds): "
            + ", ".join(
                f"{run.labels[c]} {B[:, c].mean():+.2f}" for c in np.argsort(-np.abs(B).mean(axis=0))[:8]
            ),
            flush=True,
        )

    if (
        not only
        or "estimators" in only
        or only & {"lr10_langw", "lr10_langw05", "mlp", "hgb", "svm", "sgd_mh"}
    ):
        ests: list[tuple[str, str, Fitter, bool]] = [
            ("lr1", "LR C=1", lr(1.0), False),
            ("lr30", "LR C=30", lr(30.0), False),
            ("lr10_bal", "LR C=10, class_weight balanced", lr(10.0, "balanced"), False),
            ("lr_std_c01", "LR on standardised features, C=0.1", lr(0.1, scale=True), False),
            ("sgd_mh", "SGD modified_huber, standardised, alpha 1e-4", sgd_mh(1e-4), False),
            ("sgd_mh3", "SGD modified_huber, standardised, alpha 1e-3", sgd_mh(1e-3), False),
            ("lr10_langw", "LR C=10, languages weighted equally", lr_langw(10.0, 1.0), False),
            ("lr10_langw05", "LR C=10, language weight 1/sqrt(size)", lr_langw(10.0, 0.5), False),
            ("mlp", "MLP 256, alpha 1e-2, early stopping, standardised", mlp(256, 1e-2), False),
            ("hgb", "HistGradientBoosting on PCA-64 + language", hgb_pca(64), False),
            ("svm", "linear SVM C=0.05, standardised, softmax(margin/0.3)", svm(0.05), False),
        ]
        got: dict[str, np.ndarray] = {}
        for key, label, fitter, nested in ests:
            if only and "estimators" not in only and key not in only:
                continue
            P, _, s = run.oof(key, fitter, X, nested=nested)
            got[key] = P
            run.row(label, *run.decide(P), s)
            run.row(label + " + memory 0.2", *run.decide((1 - W) * P + W * Pk), s)
            run.row(label + " + memory 0.2, flat argmax", *run.decide((1 - W) * P + W * Pk, flat=True), s)
        for key, P in got.items():
            run.row(f"average of LR C=10 and {key}", *run.decide(0.5 * (Pb + P)), 0)
            Pe = (1 - W) * 0.5 * (Pb + P) + W * Pk
            run.row(f"average of LR C=10 and {key}, + memory 0.2", *run.decide(Pe), 0)
            run.row(f"average of LR C=10 and {key}, + memory 0.2, flat argmax", *run.decide(Pe, flat=True), 0)

    if not only or "features" in only:
        E = position_features(run)
        for wgt in (0.3,):
            Xe = np.hstack([X, StandardScaler().fit_transform(E) * wgt])  # scaling only, no labels
            P, _, s = run.oof(f"pos_w{wgt}", lr(10.0), Xe, nested=False)
            run.row(f"+ position / count / quote / initial / length features x{wgt}", *run.decide(P), s)
            run.row("  the same + memory 0.2", *run.decide((1 - W) * P + W * Pk), s)
            run.row("  the same + memory 0.2, flat argmax", *run.decide((1 - W) * P + W * Pk, flat=True), s)
        # L2-normalising each block (e5 blocks are unit already; language one-hot is too): check
        norms = np.linalg.norm(run.S, axis=1), np.linalg.norm(run.M, axis=1)
        print(
            f"    block norms: sentence {norms[0].min():.3f}-{norms[0].max():.3f}, mention {norms[1].min():.3f}-{norms[1].max():.3f}"
        )

    if "window" in only:
        t0 = time.time()
        Wv = run.emb(previous_sentence_texts(run))
        print(f"    window vectors in {time.time() - t0:.0f}s ({run.embedder.computed} computed)", flush=True)
        P, _, s = run.oof("prevsent", lr(10.0), np.hstack([X, Wv]), nested=False)
        run.row("+ e5(previous + current sentence)", *run.decide(P), s)
        run.row("  the same + memory 0.2", *run.decide((1 - W) * P + W * Pk), s)
        run.row("  the same + memory 0.2, flat argmax", *run.decide((1 - W) * P + W * Pk, flat=True), s)
    if not only or "combine" in only:
        # the joint (main, fine) rule on every cached estimator, alone and averaged with the LR
        run.row(
            "LR + memory 0.2: main from the LR alone (no memory), fine inside it from the blend",
            *run.decide(Pbk, Pm=Pb @ run.G),
            sb,
        )
        for key in (
            "mlp",
            "hgb",
            "svm",
            "lr30",
            "prevsent",
            "pos_w0.1",
            "pos_w0.3",
            "lr10_langw",
            "lr10_langw05",
        ):
            path = run.work / f"{key}.npz"
            if not path.exists():
                continue
            P = np.load(path)["outer"]
            for tag, Q in ((key, P), (f"avg(LR, {key})", 0.5 * (Pb + P))):
                Qk = (1 - W) * Q + W * Pk
                for lam in (None, 0.0, 1.0):
                    rule = "main first" if lam is None else f"joint lambda {lam}"
                    run.row(f"{tag} + memory 0.2, {rule}", *run.decide(Qk, lam=lam), 0)
    print(Counter(run.lang.tolist()))


if __name__ == "__main__":
    main()
